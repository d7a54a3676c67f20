import { describe, expect, it } from 'vitest';
import { dueCount, dueTime, splitCount, totalFor } from './pacing.ts';

describe('open-loop pacing', () => {
  it('spaces messages evenly from the start, whatever happened before', () => {
    expect(dueTime(0, 2_000, 1_000)).toBe(1_000);
    expect(dueTime(1, 2_000, 1_000)).toBe(1_000.5);
    expect(dueTime(2_000, 2_000, 1_000)).toBe(2_000);
  });

  it('counts the messages due by now, so a sender that stalled catches up in a burst', () => {
    expect(dueCount(999, 1_000, 1_000, 100)).toBe(0);
    expect(dueCount(1_000, 1_000, 1_000, 100)).toBe(1);
    expect(dueCount(1_010.5, 1_000, 1_000, 100)).toBe(11);
    // 50 ms late: fifty more are due at once rather than being skipped.
    expect(dueCount(1_060, 1_000, 1_000, 100) - dueCount(1_010, 1_000, 1_000, 100)).toBe(50);
    expect(dueCount(10_000, 1_000, 1_000, 100)).toBe(100);
  });

  it('sizes a phase and splits work over workers without losing any', () => {
    expect(totalFor(2_000, 3_000)).toBe(6_000);
    expect(totalFor(0, 3_000)).toBe(0);
    expect(splitCount(10, 3)).toEqual([4, 3, 3]);
    expect(splitCount(2, 4)).toEqual([1, 1, 0, 0]);
    expect(splitCount(10_000, 3).reduce((a, b) => a + b, 0)).toBe(10_000);
  });
});
