/** Pure statistics for the benchmark: percentiles and rates over recorded timestamps. */

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100); NaN when empty. */
export function percentile(sortedAscending: readonly number[], p: number): number {
  const n = sortedAscending.length;
  if (n === 0) return Number.NaN;
  if (p <= 0) return sortedAscending[0]!;
  if (p >= 100) return sortedAscending[n - 1]!;
  const rank = Math.ceil((p / 100) * n);
  return sortedAscending[rank - 1]!;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const arr = Array.from(sorted);
  const sum = arr.reduce((a, b) => a + b, 0);
  return {
    count: arr.length,
    p50: percentile(arr, 50),
    p95: percentile(arr, 95),
    p99: percentile(arr, 99),
    max: arr.length ? arr[arr.length - 1]! : Number.NaN,
    mean: arr.length ? sum / arr.length : Number.NaN,
  };
}

/** Events per second over a window given in milliseconds. */
export function ratePerSecond(count: number, windowMs: number): number {
  return windowMs > 0 ? (count * 1000) / windowMs : 0;
}

/** Rounds for display and JSON: integers above 100, else 2 significant decimals; NaN → null. */
export function round(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Math.round(value * 100) / 100;
}
