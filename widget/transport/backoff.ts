/**
 * When to try again after a retryable failure: the delay doubles from `baseMs` up to
 * `maxMs`, each wait drawn between half and all of it (jitter, so that the tabs of
 * thousands of visitors do not come back in step after an outage). Scheduling again
 * replaces the pending attempt.
 */
export class Backoff {
  private delay: number;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {
    this.delay = baseMs;
  }

  /** Runs `action` after the next delay (and returns that delay). */
  schedule(action: () => void): number {
    clearTimeout(this.timer);
    const wait = this.delay * (0.5 + this.random() * 0.5);
    this.delay = Math.min(this.delay * 2, this.maxMs);
    this.timer = setTimeout(action, wait);
    return wait;
  }

  /**
   * Runs `action` once the server's own delay (RATE_LIMITED's retryAfterMs) has passed, plus a
   * jitter of up to a fifth of it and a quarter second (the tabs it slowed down come back apart).
   * The doubling delay is left as it is; without a delay from the server (or a garbled one), this is `schedule`.
   */
  after(ms: number | undefined, action: () => void): number {
    if (typeof ms !== 'number') return this.schedule(action);
    clearTimeout(this.timer);
    const wait = ms + this.random() * (ms / 5 + 250);
    this.timer = setTimeout(action, wait);
    return wait;
  }

  /** Something worked: the next failure waits the base delay again. */
  reset(): void {
    this.delay = this.baseMs;
  }

  cancel(): void {
    clearTimeout(this.timer);
  }
}
