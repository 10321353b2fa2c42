import { normalize, unitCentroid } from '../shared/vector-math.js';

/**
 * Weight of the negatives' centroid against the positives'. Rocchio's classic relevance-feedback
 * weights are 0.75 / 0.15 (a ratio of 0.2); a stronger 0.5 makes a single negative visibly push
 * its neighbourhood down, which is what a user marking a paper "not like this" expects.
 */
export const negativeWeight = 0.5;

/**
 * The query vector for "like these, unlike those" (Rocchio): the unit centroid of the positives
 * minus a weighted unit centroid of the negatives, renormalized. Searching with it ranks papers by
 * cosine to that direction.
 */
export function recommendationVector(positives: readonly Float32Array[], negatives: readonly Float32Array[]): Float32Array {
  const dimension = positives[0]?.length ?? 0;
  const query = new Float32Array(dimension);
  const positiveCentroid = unitCentroid(positives);
  const negativeCentroid = negatives.length > 0 ? unitCentroid(negatives) : undefined;
  for (let d = 0; d < dimension; d++) query[d] = positiveCentroid[d]! - (negativeCentroid ? negativeWeight * negativeCentroid[d]! : 0);
  return normalize(query);
}
