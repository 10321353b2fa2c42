import { dot } from '../../shared/vector-math.js';
import type { ScoredId } from '../../storage/paper-storage.js';
import { byScoreThenId } from '../ranking.js';

/**
 * What related-by-id knows of a candidate: its paper cosine to the query paper (the neighbour
 * search's score, so no stored vector is read for it), its title embedded alone (undefined for a
 * paper without a title) and, only when a facet is asked for, its stored vector.
 */
export interface RelatedCandidate {
  id: string;
  cosine: number;
  title: Float32Array | undefined;
  vector?: Float32Array;
}

/** The query paper's side: its title's vector, and with a facet the vector of its facet passage. */
export interface RelatedQuery {
  title: Float32Array | undefined;
  facet?: Float32Array | undefined;
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
export function relatedScore(query: RelatedQuery, candidate: RelatedCandidate, weights: RelatedWeights = relatedWeights): number {
  let score = candidate.cosine;
  let total = 1;
  if (weights.title > 0 && query.title && candidate.title) {
    score += weights.title * dot(query.title, candidate.title);
    total += weights.title;
  }
  if (weights.facet > 0 && query.facet && candidate.vector) {
    score += weights.facet * dot(query.facet, candidate.vector);
    total += weights.facet;
  }
  return score / total;
}

/** Candidates re-ranked by relatedScore, best first, ties by id. */
export function rankRelated(query: RelatedQuery, candidates: readonly RelatedCandidate[], weights: RelatedWeights = relatedWeights): ScoredId[] {
  return candidates.map((candidate) => ({ id: candidate.id, score: relatedScore(query, candidate, weights) })).sort(byScoreThenId);
}
