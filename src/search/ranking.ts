import type { Paper } from '../papers/paper.js';
import type { ScoredId } from '../storage/paper-storage.js';

/** Which retrievers placed a candidate where (1-based; absent where one did not return it). */
export interface RetrieverRanks {
  dense?: number;
  lexical?: number;
}

/** A paper in a ranked list, before its record is fetched. */
export interface RankedCandidate {
  id: string;
  score: number;
  ranks: RetrieverRanks;
}

/** Why a hit was returned (with `explain: true`). */
export interface Explanation {
  ranks: RetrieverRanks;
  /** The abstract sentence most similar to the query, by the model. */
  closest_sentence: { text: string; score: number } | null;
}

export type Hit = Pick<Paper, 'id' | 'title'> & { score: number } & Omit<Paper, 'id' | 'title'> & { explain?: Explanation };

/** One retriever's list as ranked candidates, so every mode is ordered, paged and explained alike. */
export function rankedBy(list: readonly ScoredId[], retriever: keyof RetrieverRanks): RankedCandidate[] {
  return list.map((item, index) => ({ id: item.id, score: item.score, ranks: { [retriever]: index + 1 } }));
}

/**
 * Best score first, ties broken by id so equal scores always come back in the same order. Lists
 * are ordered by the exact score and rounded only for display, so rounding never reorders a list
 * or moves a page boundary.
 */
export function byScoreThenId(a: { id: string; score: number }, b: { id: string; score: number }): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function toHit(candidate: RankedCandidate, { id, title, ...rest }: Paper): Hit {
  return { id, title, score: roundScore(candidate.score), ...rest };
}

/** Scores to 6 decimals: float32 noise beyond that. */
export function roundScore(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}

/**
 * A hit with only the chosen stored fields (`id`, `score` and `explain` always stay); all of them
 * without a choice. The keys keep the whole hit's order whatever the order of `fields`.
 */
export function selectFields(hit: Hit, fields: readonly string[] | undefined): Partial<Hit> & Pick<Hit, 'id' | 'score'> {
  if (!fields) return hit;
  const kept = new Set(['id', 'score', 'explain', ...fields]);
  return Object.fromEntries(Object.entries(hit).filter(([key]) => kept.has(key))) as Partial<Hit> & Pick<Hit, 'id' | 'score'>;
}

/** A paper with only `id` and the chosen stored fields, in the record's order; the whole record without a choice. */
export function selectPaperFields(paper: Paper, fields: readonly string[] | undefined): Partial<Paper> & Pick<Paper, 'id'> {
  if (!fields) return paper;
  const kept = new Set(['id', ...fields]);
  return Object.fromEntries(Object.entries(paper).filter(([key]) => kept.has(key))) as Partial<Paper> & Pick<Paper, 'id'>;
}
