import { describe, expect, it } from 'vitest';
import { percentile, ratePerSecond, round, summarize } from './stats.ts';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles of sorted samples', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted latencies: one slow message out of a hundred shows only at the top', () => {
    const samples = [...Array.from({ length: 99 }, () => 2), 500].reverse();
    const s = summarize(samples);
    expect(s).toMatchObject({ count: 100, p50: 2, p95: 2, p99: 2, max: 500 });
    expect(s.mean).toBeCloseTo(6.98);
    expect(summarize([...samples, 400]).p99).toBe(400);
  });

  it('turns counts into rates and rounds for the report', () => {
    expect(ratePerSecond(25_000, 2_500)).toBe(10_000);
    expect(ratePerSecond(10, 0)).toBe(0);
    expect(round(12_345.678)).toBe(12_346);
    expect(round(3.14159)).toBe(3.14);
    expect(round(Number.NaN)).toBeNull();
  });
});
