import { describe, expect, it } from 'vitest';
import { fullBucket, takeToken } from './token-bucket.ts';

describe('token bucket', () => {
  const rate = { burst: 3, perMinute: 60 }; // one token a second

  it('allows a burst, then says how long until the next token', () => {
    const bucket = fullBucket(rate, 0);
    expect([takeToken(bucket, rate, 0), takeToken(bucket, rate, 0), takeToken(bucket, rate, 0)]).toEqual([0, 0, 0]);
    expect(takeToken(bucket, rate, 0)).toBe(1_000);
    expect(takeToken(bucket, rate, 400)).toBe(600);
    expect(takeToken(bucket, rate, 1_000)).toBe(0);
  });

  it('refills at its rate and never beyond the burst', () => {
    const bucket = fullBucket(rate, 0);
    for (let i = 0; i < 3; i++) takeToken(bucket, rate, 0);
    expect(takeToken(bucket, rate, 60_000)).toBe(0);
    expect(takeToken(bucket, rate, 60_000)).toBe(0);
    expect(takeToken(bucket, rate, 60_000)).toBe(0);
    expect(takeToken(bucket, rate, 60_000)).toBeGreaterThan(0);
  });
});
