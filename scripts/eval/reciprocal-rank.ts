import type { RankedCandidate } from '../../src/search/ranking.js';
import { byScoreThenId } from '../../src/search/ranking.js';
import type { ScoredId } from '../../src/storage/paper-storage.js';

/**
 * Reciprocal-rank fusion (Cormack et al. 2009): sum of 1 / (c + rank) over the lists. The
 * product fuses scores instead (see src/search/fusion.ts); this is the baseline the quality
 * evaluation compares it with.
 */
export function fuseReciprocalRank(dense: readonly ScoredId[], lexical: readonly ScoredId[], c = 60): RankedCandidate[] {
  const fused = new Map<string, RankedCandidate>();
  const add = (list: readonly ScoredId[], retriever: 'dense' | 'lexical') =>
    list.forEach((candidate, index) => {
      const item = fused.get(candidate.id) ?? { id: candidate.id, score: 0, ranks: {} };
      item.ranks[retriever] = index + 1;
      item.score += 1 / (c + index + 1);
      fused.set(candidate.id, item);
    });
  add(dense, 'dense');
  add(lexical, 'lexical');
  return [...fused.values()].sort(byScoreThenId);
}
