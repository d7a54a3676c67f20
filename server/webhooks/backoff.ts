/**
 * Retry schedule of failed deliveries: delay before attempt n+1 is `scheduleMs[n-1]`,
 * spread by ±jitter so a receiver coming back up is not hit by every node at once.
 * After `scheduleMs.length + 1` attempts the delivery is given up (`failed`).
 */
export const DEFAULT_BACKOFF_MS = [10_000, 30_000, 120_000, 600_000, 3_600_000, 6 * 3_600_000, 12 * 3_600_000];

export interface Backoff {
  scheduleMs: readonly number[];
  /** Fraction of the delay randomly added or removed (0.2 = ±20 %). */
  jitter: number;
  random: () => number;
}

export const defaultBackoff: Backoff = { scheduleMs: DEFAULT_BACKOFF_MS, jitter: 0.2, random: Math.random };

/** When to try again after failed attempt number `attempt` (1-based), or null to give up. */
export function nextRetryAt(backoff: Backoff, attempt: number, now: Date): Date | null {
  const base = backoff.scheduleMs[attempt - 1];
  if (base === undefined) return null;
  const spread = 1 + backoff.jitter * (backoff.random() * 2 - 1);
  return new Date(now.getTime() + Math.round(base * spread));
}
