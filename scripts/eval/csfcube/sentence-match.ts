/**
 * Sentence-level matching of two papers (as the Aspire models score related papers): each sentence
 * of the query paper is matched with its most similar sentence of the candidate, and the matches
 * are averaged, weighted. A paper that shares one specific idea with the query (the same method,
 * the same finding) then scores high even when the rest of its abstract is about something else,
 * which one whole-abstract vector averages away.
 *
 * Vectors are unit length, so a dot product is a cosine.
 */
export function sentenceMatchScore(query: readonly Float32Array[], candidate: readonly Float32Array[], weights?: readonly number[]): number {
  if (query.length === 0 || candidate.length === 0) return 0;
  let total = 0;
  let weightSum = 0;
  for (let i = 0; i < query.length; i++) {
    const weight = weights?.[i] ?? 1;
    if (weight <= 0) continue;
    let best = Number.NEGATIVE_INFINITY;
    for (const other of candidate) best = Math.max(best, dot(query[i]!, other));
    total += weight * best;
    weightSum += weight;
  }
  return weightSum > 0 ? total / weightSum : 0;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += a[d]! * b[d]!;
  return sum;
}
