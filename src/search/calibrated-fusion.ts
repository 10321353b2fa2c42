import type { ScoredId } from '../storage/paper-storage.js';
import { byScoreThenId, type RankedCandidate, type RetrieverRanks } from './ranking.js';

/**
 * How a model's two signals combine into one absolute hybrid score (see calibratedHybridScore).
 * Fitted per model; the model registry keeps them.
 */
export interface HybridCalibration {
  cosineCoefficient: number;
  lexicalCoefficient: number;
  bias: number;
}

/**
 * BM25 as a share of the most the query could score (its ceiling, see PaperStorage.lexicalCeiling),
 * in [0, 1]; 0 for a query without a searchable word. Ranks exactly as BM25 does, and means the
 * same for every query: 0.5 is a paper matching about half the weight of the query's words.
 */
export function relativeLexicalScore(bm25: number, ceiling: number): number {
  if (!(ceiling > 0) || !(bm25 > 0)) return 0;
  return Math.min(1, bm25 / ceiling);
}

/**
 * The absolute hybrid score of a paper for a query:
 *
 *   σ(cosineCoefficient · cosine + lexicalCoefficient · BM25 / ceiling + bias)
 *
 * Both inputs depend only on the query and the paper (never on the other candidates, as a min-max
 * normalization would), so a score means the same whatever the query: a query on a topic the
 * collection lacks scores low, and a threshold keeps the same kind of hit for every query. The
 * coefficients' ratio sets the ranking; their scale and the bias make the score an estimate of the
 * chance that the hit is relevant (fitted on SciFact, where about one abstract answers a claim).
 */
export function calibratedHybridScore(cosine: number, relativeLexical: number, calibration: HybridCalibration): number {
  const logit = calibration.cosineCoefficient * cosine + calibration.lexicalCoefficient * relativeLexical + calibration.bias;
  return logit >= 0 ? 1 / (1 + Math.exp(-logit)) : Math.exp(logit) / (1 + Math.exp(logit));
}

/** The scores a candidate found by only one retriever lacks, looked up exactly. */
export interface MissingScores {
  /** Cosine of the query and each paper's stored vector (papers only BM25 returned). */
  cosines: ReadonlyMap<string, number>;
  /** BM25 of each paper for the query, 0 where it holds no query word (papers only the dense search returned). */
  bm25: ReadonlyMap<string, number>;
}

/**
 * Fuses the dense list (cosines) and the lexical list (raw BM25) of one query: every candidate of
 * either is scored on its own cosine and BM25, best first, ties by id.
 */
export function fuseCalibrated(
  dense: readonly ScoredId[],
  lexical: readonly ScoredId[],
  missing: MissingScores,
  lexicalCeiling: number,
  calibration: HybridCalibration,
): RankedCandidate[] {
  const fused = new Map<string, { cosine?: number; bm25?: number; ranks: RetrieverRanks }>();
  dense.forEach(({ id, score }, index) => fused.set(id, { cosine: score, ranks: { dense: index + 1 } }));
  lexical.forEach(({ id, score }, index) => {
    const item = fused.get(id);
    if (item) {
      item.bm25 = score;
      item.ranks.lexical = index + 1;
    } else fused.set(id, { bm25: score, ranks: { lexical: index + 1 } });
  });
  return [...fused]
    .map(([id, item]) => ({
      id,
      ranks: item.ranks,
      score: calibratedHybridScore(
        item.cosine ?? missing.cosines.get(id) ?? 0,
        relativeLexicalScore(item.bm25 ?? missing.bm25.get(id) ?? 0, lexicalCeiling),
        calibration,
      ),
    }))
    .sort(byScoreThenId);
}
