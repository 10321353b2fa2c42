import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dimension, row, sampleLabels } from './vectors.js';

/** Query papers (labels) and, for each, the exact 10 nearest other papers by inner product. */
export interface GroundTruth {
  count: number;
  queries: number[];
  neighbors: number[][];
}

export const recallDepth = 10;

/**
 * Exact search by brute force over the first `count` vectors, for a seeded sample of query
 * papers; each query is a stored paper's vector and the paper itself is left out (related-by-id).
 * Cached in `cacheFile`: it does not change between runs on the same vectors.
 */
export function groundTruth(vectors: Float32Array, count: number, queryCount: number, cacheFile: string): GroundTruth {
  if (existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as GroundTruth;
    if (cached.count === count && cached.queries.length === queryCount) return cached;
  }
  const queries = sampleLabels(count, queryCount, 3);
  const neighbors = queries.map((query) => {
    const q = row(vectors, query);
    const best: { label: number; score: number }[] = [];
    for (let label = 0; label < count; label++) {
      if (label === query) continue;
      let score = 0;
      const offset = label * dimension;
      for (let d = 0; d < dimension; d++) score += q[d]! * vectors[offset + d]!;
      if (best.length < recallDepth || score > best[best.length - 1]!.score) {
        best.push({ label, score });
        best.sort((a, b) => b.score - a.score);
        if (best.length > recallDepth) best.pop();
      }
    }
    return best.map((neighbor) => neighbor.label);
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
