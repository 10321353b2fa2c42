import { dot } from '../../shared/vector-math.js';
import type { ScoredId } from '../../storage/paper-storage.js';
import { byScoreThenId } from '../ranking.js';

/** What related-by-id compares of two papers: the stored paper vector (title and abstract) and the title's own vector. */
export interface RelatedViews {
  vector: Float32Array;
  /** The title embedded alone; undefined for a paper without a title. */
  title: Float32Array | undefined;
}

export interface RelatedWeights {
  /** Weight of the title–title cosine against the paper cosine's 1. */
  title: number;
  /** With a facet: weight of the cosine between the query's facet passage and the candidate's paper vector. */
  facet: number;
}

/**
 * Round weights, not fitted: on CSFCube (see docs/search-quality.md) the title view helps every
 * facet for weights from 0.25 to 1, and the choice of 0.5 is checked by leave-one-query-out
 * cross-validation rather than picked on the queries themselves.
 */
export const relatedWeights: RelatedWeights = Object.freeze({ title: 0.5, facet: 0.5 });

/**
 * How many of the stored vector's nearest neighbours are re-ranked (more when a page reaches
 * deeper): deep enough that the papers the title view lifts are among them, shallow enough that
 * the titles to compare stay few.
 */
export const relatedCandidates = 100;

/**
 * How related `candidate` is to the query paper: the weighted mean of the paper cosine, the
 * title cosine (when both have a title: titles name what a paper is about, and the whole-paper
 * vector dilutes them with the abstract's detail) and, with a facet, the cosine of the query's
 * sentences playing that role (embedded as one passage) to the candidate's paper vector. A mean
 * of cosines stays on the cosine scale, so score thresholds keep their meaning.
 */
export function relatedScore(
  query: RelatedViews,
  candidate: RelatedViews,
  facetVector: Float32Array | undefined,
  weights: RelatedWeights = relatedWeights,
): number {
  let score = dot(query.vector, candidate.vector);
  let total = 1;
  if (weights.title > 0 && query.title && candidate.title) {
    score += weights.title * dot(query.title, candidate.title);
    total += weights.title;
  }
  if (weights.facet > 0 && facetVector) {
    score += weights.facet * dot(facetVector, candidate.vector);
    total += weights.facet;
  }
  return score / total;
}

/** Candidates re-ranked by relatedScore, best first, ties by id. */
export function rankRelated(
  query: RelatedViews,
  candidates: readonly { id: string; views: RelatedViews }[],
  facetVector: Float32Array | undefined,
  weights: RelatedWeights = relatedWeights,
): ScoredId[] {
  return candidates.map(({ id, views }) => ({ id, score: relatedScore(query, views, facetVector, weights) })).sort(byScoreThenId);
}
