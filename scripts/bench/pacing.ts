/**
 * Open-loop pacing: message i of a stream at `rate` msg/s is due at start + i/rate,
 * whatever happened to earlier messages (no coordinated omission: latency is
 * measured from the due time, so a sender that falls behind shows up as latency).
 */

/** When message `index` (0-based) is due, in ms. */
export function dueTime(index: number, ratePerSec: number, startMs: number): number {
  return startMs + (index * 1000) / ratePerSec;
}

/** How many messages are due by `nowMs` (those with dueTime <= now), at most `total`. */
export function dueCount(nowMs: number, ratePerSec: number, startMs: number, total: number): number {
  if (nowMs < startMs) return 0;
  const due = Math.floor(((nowMs - startMs) * ratePerSec) / 1000) + 1;
  return Math.min(total, due);
}

/** Messages a stream sends in a phase of `durationMs`. */
export function totalFor(ratePerSec: number, durationMs: number): number {
  return Math.max(0, Math.round((ratePerSec * durationMs) / 1000));
}

/** Splits `count` items over `parts` as evenly as possible (the first ones get the remainder). */
export function splitCount(count: number, parts: number): number[] {
  const base = Math.floor(count / parts);
  const rest = count % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < rest ? 1 : 0));
}
