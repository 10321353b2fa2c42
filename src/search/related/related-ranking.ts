import type { ScoredLabel } from '../fusion.js';
import { sentenceMatchScore } from './sentence-match.js';
import type { SentenceRole } from './sentence-roles.js';

/**
 * What related-by-id compares of two papers besides their paper vectors: the title's own vector,
 * and each abstract sentence's vector with its role (see classifySentenceRoles).
 */
export interface PaperViews {
  /** The paper's stored vector (title and abstract): what HNSW found the candidates by. */
  vector: Float32Array;
  /** The title alone; undefined for a paper without a title. */
  title: Float32Array | undefined;
  sentences: readonly Float32Array[];
  /** Role of each sentence, same order (may be longer than `sentences`: roles past the model window are ignored). */
  roles: readonly SentenceRole[];
}

export interface RelatedWeights {
  /** Weight of the title–title cosine against the paper cosine's 1. */
  title: number;
  /** Weight of the sentence match (each query sentence's best cosine in the candidate, averaged). */
  sentences: number;
  /**
   * With a facet, the weight in the sentence match of query sentences playing another role (those
   * playing the facet's role weigh 1): low enough that the facet's sentences lead, not 0 because a
   * role is guessed from cue phrases and can be wrong.
   */
  otherRoles: number;
}

/** Tuned on one CSFCube fold (see scripts/eval/csfcube); see the evaluation report for the figures. */
export const relatedWeights: RelatedWeights = Object.freeze({ title: 0.5, sentences: 0.5, otherRoles: 0.25 });

/**
 * How related `candidate` is to `query`: the paper cosine, plus the title cosine and the sentence
 * match, weighted. With a facet the match leans on the query's sentences of that role: "papers
 * that solve it the same way" for method, "similar findings" for result.
 */
export function relatedScore(query: PaperViews, candidate: PaperViews, facet: SentenceRole | undefined, weights: RelatedWeights = relatedWeights): number {
  let score = dot(query.vector, candidate.vector);
  if (weights.title > 0 && query.title && candidate.title) score += weights.title * dot(query.title, candidate.title);
  if (weights.sentences > 0) score += weights.sentences * sentenceMatchScore(query.sentences, candidate.sentences, sentenceWeights(query, facet, weights));
  return score;
}

/** Candidates (HNSW neighbours of the query paper) re-ranked by relatedScore, best first, ties by label. */
export function rankRelated(
  query: PaperViews,
  candidates: readonly { label: number; views: PaperViews }[],
  facet: SentenceRole | undefined,
  weights: RelatedWeights = relatedWeights,
): ScoredLabel[] {
  return candidates
    .map(({ label, views }) => ({ label, score: relatedScore(query, views, facet, weights) }))
    .sort((a, b) => b.score - a.score || a.label - b.label);
}

/**
 * Weight of each query sentence in the match: all 1 without a facet; with one, 1 for the facet's
 * role and `otherRoles` for the rest, or all 1 when no sentence plays the role (nothing to lean on).
 */
export function sentenceWeights(query: PaperViews, facet: SentenceRole | undefined, weights: RelatedWeights = relatedWeights): number[] {
  const count = query.sentences.length;
  const roles = query.roles.slice(0, count);
  if (!facet || !roles.includes(facet)) return new Array<number>(count).fill(1);
  return roles.map((role) => (role === facet ? 1 : weights.otherRoles));
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += a[d]! * b[d]!;
  return sum;
}
