import type { Neighbor } from '../storage/embedded/vector-index.js';
import type { Paper } from '../papers/paper.js';

/** Why a hit was returned (with `explain: true`). */
export interface Explanation {
  /** 1-based rank each retriever that ran gave the paper (absent where it did not return it). */
  ranks: { dense?: number; lexical?: number };
  /** The abstract sentence most similar to the query, by the model. */
  closest_sentence: { text: string; score: number } | null;
}

export type Hit = Pick<Paper, 'id' | 'title'> & { score: number } & Omit<Paper, 'id' | 'title'> & { explain?: Explanation };

/**
 * Turns neighbours into hits: best score first, ties broken by id so equal scores always come
 * back in the same order. Ordered by the exact score, then rounded to 6 decimals for display
 * (float32 noise beyond that), so rounding never reorders a list or moves a page boundary.
 */
export function toHits(neighbors: readonly Neighbor[], paperOf: (label: number) => Paper): Hit[] {
  return neighbors
    .map((neighbor) => ({ neighbor, paper: paperOf(neighbor.label) }))
    .sort((a, b) => b.neighbor.score - a.neighbor.score || (a.paper.id < b.paper.id ? -1 : a.paper.id > b.paper.id ? 1 : 0))
    .map(({ neighbor, paper: { id, title, ...rest } }) => ({ id, title, score: roundScore(neighbor.score), ...rest }));
}

export function roundScore(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}

/** A hit with only the chosen stored fields (`id` and `score` always stay); all of them without a choice. */
export function selectFields(hit: Hit, fields: readonly string[] | undefined): Partial<Hit> & Pick<Hit, 'id' | 'score'> {
  if (!fields) return hit;
  const chosen: Partial<Hit> & Pick<Hit, 'id' | 'score'> = { id: hit.id, score: hit.score, ...(hit.explain ? { explain: hit.explain } : {}) };
  for (const field of fields) {
    if (field in hit) (chosen as Record<string, unknown>)[field] = (hit as Record<string, unknown>)[field];
  }
  return chosen;
}
