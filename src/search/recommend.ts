import { normalize, unitCentroid } from '../shared/vector-math.js';

/**
 * Weight of the negatives' centroid against the positives'. Rocchio's classic relevance-feedback
 * weights are 0.75 / 0.15 (a ratio of 0.2); a stronger 0.5 makes a single negative visibly push
 * its neighbourhood down, which is what a user marking a paper "not like this" expects.
 */
export const negativeWeight = 0.5;

/**
 * With a query and negatives but no positives, the query's nearest papers (the negatives left
 * out) stand for what is wanted, as this many positives would. A query's vector alone is a weaker
 * direction than a paper's: its cosines with the papers on its topic are lower than a paper's
 * with its neighbours, so a negative on the query's topic cancelled most of it (query "video",
 * less like one video paper: papers on image quality and badminton came first). The search page's
 * "less like this" keeps a search's first results on top the same way.
 */
export const topicAnchors = 3;

/**
 * The query vector for "like these, unlike those" (Rocchio): the unit centroid of the positives,
 * plus the query text's unit vector when there is one (the topic a searcher's feedback refines,
 * weighted as much as the positives together), minus a weighted unit centroid of the negatives,
 * renormalized. Searching with it ranks papers by cosine to that direction.
 */
export function recommendationVector(positives: readonly Float32Array[], negatives: readonly Float32Array[], query?: Float32Array): Float32Array {
  const dimension = (positives[0] ?? query ?? negatives[0])?.length ?? 0;
  const direction = new Float32Array(dimension);
  const towards = [...(positives.length > 0 ? [unitCentroid(positives)] : []), ...(query ? [normalize(Float32Array.from(query))] : [])];
  const away = negatives.length > 0 ? unitCentroid(negatives) : undefined;
  for (let d = 0; d < dimension; d++) {
    for (const vector of towards) direction[d]! += vector[d]!;
    if (away) direction[d]! -= negativeWeight * away[d]!;
  }
  return normalize(direction);
}
