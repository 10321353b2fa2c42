/**
 * Retrieval metrics with trec_eval's definitions (as BEIR reports them through pytrec_eval):
 * graded gains are the judged relevance values (linear, not 2^rel - 1), the ideal ranking is
 * built from every judged-relevant document, and a document counts as relevant when rel > 0.
 */
export type Judgments = ReadonlyMap<string, number>;

export function ndcgAt(ranked: readonly string[], judgments: Judgments, cutoff: number): number {
  let dcg = 0;
  ranked.slice(0, cutoff).forEach((id, index) => {
    const gain = judgments.get(id) ?? 0;
    if (gain > 0) dcg += gain / Math.log2(index + 2);
  });
  const ideal = [...judgments.values()]
    .filter((gain) => gain > 0)
    .sort((a, b) => b - a)
    .slice(0, cutoff);
  const idcg = ideal.reduce((sum, gain, index) => sum + gain / Math.log2(index + 2), 0);
  return idcg > 0 ? dcg / idcg : 0;
}

export function recallAt(ranked: readonly string[], judgments: Judgments, cutoff: number): number {
  const relevant = [...judgments.entries()].filter(([, gain]) => gain > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, cutoff));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

export function reciprocalRankAt(ranked: readonly string[], judgments: Judgments, cutoff: number): number {
  const index = ranked.slice(0, cutoff).findIndex((id) => (judgments.get(id) ?? 0) > 0);
  return index < 0 ? 0 : 1 / (index + 1);
}

/** Share of the exact top-k that the approximate top-k found (recall of ANN against brute force). */
export function overlapAt(approximate: readonly number[], exact: readonly number[], k: number): number {
  const truth = new Set(exact.slice(0, k));
  if (truth.size === 0) return 1;
  return approximate.slice(0, k).filter((label) => truth.has(label)).length / truth.size;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
