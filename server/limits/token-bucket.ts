/**
 * A token bucket: holds up to `burst` tokens, refilled continuously at `perMinute` per minute;
 * each event takes one. Pure (the caller passes the time), synchronous and two numbers of
 * state, so it can sit on every socket and run on every event at no measurable cost.
 */
export interface BucketRate {
  burst: number;
  perMinute: number;
}

export interface BucketState {
  tokens: number;
  /** When `tokens` was last brought up to date (ms, any monotonic clock). */
  at: number;
}

export const fullBucket = (rate: BucketRate, now: number): BucketState => ({ tokens: rate.burst, at: now });

/** Takes one token: 0 when there was one, else how many ms until there is (nothing is taken then). */
export function takeToken(state: BucketState, rate: BucketRate, now: number): number {
  const perMs = rate.perMinute / 60_000;
  state.tokens = Math.min(rate.burst, state.tokens + Math.max(0, now - state.at) * perMs);
  state.at = now;
  if (state.tokens >= 1) {
    state.tokens -= 1;
    return 0;
  }
  return Math.max(1, Math.ceil((1 - state.tokens) / perMs));
}
