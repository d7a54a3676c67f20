/**
 * Awaited conditions for the browser tests (widget and desktop), instead of fixed sleeps: a test waits
 * as long as the behaviour takes and no longer, and a deadline turns "never happened" into a failure
 * that says what was awaited. The node suite's twin is `server/testing/wait-for.ts`.
 */

export interface WaitOptions {
  /** Give up after this long (default 3 s, well under Mocha's timeout). */
  timeoutMs?: number;
  /** What is awaited, for the failure message. */
  what?: string;
}

/** Pause between two looks: short, so a test resumes about as soon as the condition holds. */
const POLL_MS = 10;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves with the first truthy value `check` returns; throws once the deadline passes.
 * The second argument is the description (or options), the third the timeout, as the older helpers took them.
 */
export async function waitFor<T>(
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  whatOrOptions: string | WaitOptions = {},
  timeoutMs?: number,
): Promise<T> {
  const options = typeof whatOrOptions === 'string' ? { what: whatOrOptions, timeoutMs } : whatOrOptions;
  const { what = 'a condition', timeoutMs: limit = 3000 } = options;
  const start = performance.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() - start > limit) throw new Error(`Timed out after ${limit} ms waiting for ${what}`);
    await pause(POLL_MS);
  }
}

/**
 * The one deliberate sleep: a short quiet period before asserting that something did NOT happen
 * (a second send, a double count). Absence has no event to await; call it only after awaiting the
 * thing that would have caused it, so the period only has to cover the stray echo.
 */
export const settleToProveNothingMore = (ms = 50) => pause(ms);
