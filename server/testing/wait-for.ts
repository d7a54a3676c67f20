/**
 * Awaited conditions instead of fixed sleeps: a test waits exactly as long as the behaviour takes
 * (and no longer), and a deadline turns "never happened" into a failure that says what was awaited.
 */

export interface WaitOptions {
  /** Give up after this long (default 10 s, under the tests' 20 s timeout). */
  timeoutMs?: number;
  /** Pause between two looks (default 20 ms). */
  intervalMs?: number;
  /** What is awaited, for the failure message. */
  what?: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the first truthy value `condition` returns; throws once the deadline passes. */
export async function waitFor<T>(condition: () => T | Promise<T>, opts: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 20, what = 'a condition' } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(intervalMs);
  }
}

/**
 * Reads until the value satisfies `ok`, then returns it; at the deadline returns the last value read,
 * so the caller's own assertion on it reports what was there instead.
 */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, opts: Omit<WaitOptions, 'what'> = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 20 } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await pause(intervalMs);
  }
}

/** Retries an assertion until it passes; at the deadline, throws its last failure. */
export async function eventually(check: () => void | Promise<void>, opts: Omit<WaitOptions, 'what'> = {}): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 20 } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await pause(intervalMs);
    }
  }
}
