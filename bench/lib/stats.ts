/** Order statistics for latency samples. Percentiles use the nearest-rank definition (no interpolation). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  n: number;
}

export function summarizeLatencies(samplesMs: readonly number[]): LatencySummary {
  return { p50: percentile(samplesMs, 50), p95: percentile(samplesMs, 95), p99: percentile(samplesMs, 99), n: samplesMs.length };
}

/** Median of each numeric field over repeated runs of the same measurement. */
export function medianOfRuns<T extends { [K in keyof T]: number }>(runs: readonly T[]): T {
  const keys = Object.keys(runs[0] ?? {}) as (keyof T)[];
  return Object.fromEntries(keys.map((key) => [key, median(runs.map((run) => run[key] as number))])) as T;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
