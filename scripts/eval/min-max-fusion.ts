import { byScoreThenId, type RankedCandidate } from '../../src/search/ranking.js';
import type { ScoredId } from '../../src/storage/paper-storage.js';

export interface FusionParameters {
  /** Weight of the dense list; the lexical list gets 1 - denseWeight. */
  denseWeight: number;
}

/**
 * The hybrid fusion the product used before its scores were calibrated, kept as a baseline for
 * the quality evaluation: a convex combination of min-max normalized scores over the union of both
 * candidate lists. Its top hit scores 1.0 or about 0.5 whatever the query, which is why the product
 * now fuses calibrated absolute scores (src/search/calibrated-fusion.ts).
 * A candidate missing from one list gets that list's floor (0 after normalization), which is what
 * its score would at most have been.
 */
export function fuseNormalized(dense: readonly ScoredId[], lexical: readonly ScoredId[], parameters: FusionParameters): RankedCandidate[] {
  const denseNormalized = minMaxNormalize(dense);
  const lexicalNormalized = minMaxNormalize(lexical);
  const fused = new Map<string, RankedCandidate>();
  const entry = (id: string) => {
    let existing = fused.get(id);
    if (!existing) {
      existing = { id, score: 0, ranks: {} };
      fused.set(id, existing);
    }
    return existing;
  };
  dense.forEach((candidate, index) => {
    const item = entry(candidate.id);
    item.ranks.dense = index + 1;
    item.score += parameters.denseWeight * denseNormalized[index]!;
  });
  lexical.forEach((candidate, index) => {
    const item = entry(candidate.id);
    item.ranks.lexical = index + 1;
    item.score += (1 - parameters.denseWeight) * lexicalNormalized[index]!;
  });
  return [...fused.values()].sort(byScoreThenId);
}

function minMaxNormalize(list: readonly ScoredId[]): number[] {
  if (list.length === 0) return [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const { score } of list) {
    min = Math.min(min, score);
    max = Math.max(max, score);
  }
  const range = max - min;
  return list.map(({ score }) => (range > 0 ? (score - min) / range : 1));
}
