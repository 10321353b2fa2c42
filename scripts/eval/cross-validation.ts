/** k-fold cross-validation over queries for choosing a scoring setting without peeking. */
import { seededRandom } from '../../src/shared/seeded-random.js';
import { mean } from './metrics.js';

/** Fold number of each of `count` queries: a seeded shuffle dealt round-robin into `folds` folds. */
export function assignFolds(count: number, folds: number, seed: number): number[] {
  const random = seededRandom(seed);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const fold = new Array<number>(count);
  order.forEach((query, position) => (fold[query] = position % folds));
  return fold;
}

export interface CrossValidated {
  /** Mean held-out metric over all queries (each query scored by the setting its training folds chose). */
  heldOut: number;
  /** Setting chosen in each fold. */
  chosen: string[];
  /** The setting best on all queries, and its (optimistic) mean. */
  best: string;
  bestMean: number;
}

/**
 * `metric.get(setting)[q]` is the metric of query q under that setting. Each fold picks the
 * setting with the best mean on the other folds and is scored with it.
 */
export function crossValidate(metric: ReadonlyMap<string, readonly number[]>, fold: readonly number[], folds: number): CrossValidated {
  const settings = [...metric.keys()];
  const heldOut = new Array<number>(fold.length).fill(0);
  const chosen: string[] = [];
  for (let f = 0; f < folds; f++) {
    let bestSetting = settings[0]!;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (const setting of settings) {
      const values = metric.get(setting)!;
      let sum = 0;
      let n = 0;
      for (let q = 0; q < fold.length; q++) {
        if (fold[q] === f) continue;
        sum += values[q]!;
        n++;
      }
      if (sum / n > bestValue + 1e-12) {
        bestValue = sum / n;
        bestSetting = setting;
      }
    }
    chosen.push(bestSetting);
    const values = metric.get(bestSetting)!;
    for (let q = 0; q < fold.length; q++) if (fold[q] === f) heldOut[q] = values[q]!;
  }
  let best = settings[0]!;
  for (const setting of settings) if (mean(metric.get(setting)!) > mean(metric.get(best)!)) best = setting;
  return { heldOut: mean(heldOut), chosen, best, bestMean: mean(metric.get(best)!) };
}
