/**
 * Does a score tell a right answer from a wrong one? Measured on the top hit of each query:
 * positives are queries whose top hit is judged relevant, negatives those whose top hit is not
 * (and queries with no right answer at all). Plus the small fitting tools the calibration needs.
 */
import { median } from './metrics.js';

/** Probability that a random positive outscores a random negative (ties count half). */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  const all = [...positives.map((score) => ({ score, positive: true })), ...negatives.map((score) => ({ score, positive: false }))].sort(
    (a, b) => a.score - b.score,
  );
  // Mann–Whitney U with average ranks for ties.
  let rankSumPositives = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.score === all[i]!.score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]!.positive) rankSumPositives += averageRank;
    i = j;
  }
  const u = rankSumPositives - (positives.length * (positives.length + 1)) / 2;
  return u / (positives.length * negatives.length);
}

/** The highest threshold that keeps at least `share` of the positives (score ≥ threshold). */
export function thresholdKeeping(positives: readonly number[], share: number): number {
  const sorted = [...positives].sort((a, b) => b - a);
  const index = Math.max(0, Math.ceil(share * sorted.length) - 1);
  return sorted[index] ?? Number.NaN;
}

export function shareAtLeast(scores: readonly number[], threshold: number): number {
  return scores.length === 0 ? Number.NaN : scores.filter((score) => score >= threshold).length / scores.length;
}

export interface SeparationReport {
  right: number;
  wrong: number;
  junk: number;
  aucRightVsWrongOrJunk: number;
  aucRightVsWrong: number;
  medianRight: number;
  medianWrong: number;
  medianJunk: number;
  /** Threshold keeping 90% of the right answers, and what it removes. */
  threshold90: number;
  wrongRemoved90: number;
  junkRemoved90: number;
}

export function separation(right: readonly number[], wrong: readonly number[], junk: readonly number[]): SeparationReport {
  const threshold90 = thresholdKeeping(right, 0.9);
  return {
    right: right.length,
    wrong: wrong.length,
    junk: junk.length,
    aucRightVsWrongOrJunk: rocAuc(right, [...wrong, ...junk]),
    aucRightVsWrong: rocAuc(right, wrong),
    medianRight: median(right),
    medianWrong: median(wrong),
    medianJunk: median(junk),
    threshold90,
    wrongRemoved90: 1 - shareAtLeast(wrong, threshold90),
    junkRemoved90: 1 - shareAtLeast(junk, threshold90),
  };
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Logistic regression by Newton's method (IRLS) with a small ridge penalty on the weights (not the
 * bias), for a handful of features. Returns [w_1 … w_d, bias].
 */
export function fitLogistic(rows: readonly number[][], labels: readonly number[], ridge = 1e-4, iterations = 50): number[] {
  const d = (rows[0]?.length ?? 0) + 1;
  const beta = new Array<number>(d).fill(0);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = new Array<number>(d).fill(0);
    const hessian = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    rows.forEach((row, i) => {
      const x = [...row, 1];
      const p = sigmoid(x.reduce((sum, value, j) => sum + value * beta[j]!, 0));
      const weight = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < d; j++) {
        gradient[j]! += (labels[i]! - p) * x[j]!;
        for (let k = 0; k < d; k++) hessian[j]![k]! += weight * x[j]! * x[k]!;
      }
    });
    for (let j = 0; j < d - 1; j++) {
      gradient[j]! -= ridge * rows.length * beta[j]!;
      hessian[j]![j]! += ridge * rows.length;
    }
    const step = solve(hessian, gradient);
    let size = 0;
    for (let j = 0; j < d; j++) {
      beta[j]! += step[j]!;
      size = Math.max(size, Math.abs(step[j]!));
    }
    if (size < 1e-9) break;
  }
  return beta;
}

/** Gaussian elimination with partial pivoting (small dense systems). */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-15) continue;
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = a[row]![col]! / p;
      for (let k = col; k <= n; k++) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  return a.map((row, i) => (Math.abs(row[i]!) < 1e-15 ? 0 : row[n]! / row[i]!));
}
