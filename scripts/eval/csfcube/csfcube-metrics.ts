/**
 * CSFCube's official pool re-ranking metrics, ported from the benchmark's evaluate.py line for
 * line (its quirks included, so the numbers match it exactly):
 * - the judged pool is ordered by the run (pool items missing from the run go last, by id);
 * - MAP counts grade ≥ 2 as relevant, over the whole ordered pool;
 * - NDCG%20 cuts at ⌊0.2 · pool size⌋ with linear gains, and its DCG leaves both of the first
 *   two positions undiscounted (r₁ + Σ_{i≥2} rᵢ / log₂ i), as evaluate.py does.
 */
export interface QueryScores {
  map: number;
  ndcg20: number;
}

/** The pool in the run's order: ranked candidates first, then the rest by id (code-unit order, as Python's). */
export function orderPool(pool: readonly string[], run: readonly string[]): string[] {
  const position = new Map<string, number>();
  run.forEach((id, i) => {
    if (!position.has(id)) position.set(id, i);
  });
  const missing = Number.MAX_SAFE_INTEGER;
  return [...pool].sort((a, b) => (position.get(a) ?? missing) - (position.get(b) ?? missing) || (a < b ? -1 : a > b ? 1 : 0));
}

export function scoreQuery(pool: readonly string[], run: readonly string[], judgments: ReadonlyMap<string, number>): QueryScores {
  const grades = orderPool(pool, run)
    .filter((id) => judgments.has(id))
    .map((id) => judgments.get(id)!);
  return {
    map: averagePrecision(grades.map((grade) => grade >= 2)),
    ndcg20: ndcg(grades, Math.floor(0.2 * grades.length)),
  };
}

function dcg(grades: readonly number[], cutoff: number): number {
  const top = grades.slice(0, cutoff);
  if (top.length === 0) return 0;
  let sum = top[0]!;
  for (let i = 1; i < top.length; i++) sum += top[i]! / Math.log2(i + 1);
  return sum;
}

function ndcg(grades: readonly number[], cutoff: number): number {
  const best = dcg(
    [...grades].sort((a, b) => b - a),
    cutoff,
  );
  return best ? dcg(grades, cutoff) / best : 0;
}

function averagePrecision(relevant: readonly boolean[]): number {
  let hits = 0;
  let total = 0;
  relevant.forEach((isRelevant, i) => {
    if (!isRelevant) return;
    hits++;
    total += hits / (i + 1);
  });
  return hits ? total / hits : 0;
}
