import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import { dimension, row, sampleLabels } from './vectors.js';

/** Query papers (labels) and, for each, the exact 10 nearest other papers by inner product. */
export interface GroundTruth {
  count: number;
  queries: number[];
  neighbors: number[][];
}

export const recallDepth = 10;

/**
 * Exact search over the first `count` vectors (hnswlib's BruteforceSearch: a full scan in native
 * code, no graph), for a seeded sample of query papers; each query is a stored paper's vector and
 * the paper itself is left out (related-by-id). Cached in `cacheFile`: it does not change
 * between runs on the same vectors.
 */
export function groundTruth(vectors: Float32Array, count: number, queryCount: number, cacheFile: string): GroundTruth {
  if (existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as GroundTruth;
    if (cached.count === count && cached.queries.length === queryCount) return cached;
  }
  const exact = new hnswlib.BruteforceSearch('ip', dimension);
  exact.initIndex(count);
  for (let label = 0; label < count; label++) exact.addPoint(Array.from(row(vectors, label)), label);
  const queries = sampleLabels(count, queryCount, 3);
  const neighbors = queries.map((query) => {
    const result = exact.searchKnn(Array.from(row(vectors, query)), recallDepth + 1);
    return result.neighbors
      .map((label, i) => ({ label, distance: result.distances[i]! }))
      .filter((neighbor) => neighbor.label !== query)
      .sort((a, b) => a.distance - b.distance)
      .slice(0, recallDepth)
      .map((neighbor) => neighbor.label);
  });
  const truth = { count, queries, neighbors };
  writeFileSync(cacheFile, JSON.stringify(truth));
  return truth;
}

/** Fraction of the exact top 10 found in the returned top 10 (query paper removed first). */
export function recallAt10(returned: readonly number[], query: number, exact: readonly number[]): number {
  const top = new Set(returned.filter((label) => label !== query).slice(0, recallDepth));
  return exact.filter((label) => top.has(label)).length / exact.length;
}
