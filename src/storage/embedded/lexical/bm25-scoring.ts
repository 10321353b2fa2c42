import { analyze, type AnalyzerName, type TextRole } from './analyzer.js';

/**
 * BM25 parameters. The defaults are Anserini's (k1 0.9, b 0.4) rather than Lucene's (1.2, 0.75)
 * because the published BM25 baselines we compare with (Anserini/Pyserini on BEIR) use them; on
 * SciFact both pairs give the same nDCG@10 (0.694), so nothing is lost either way.
 */
export interface Bm25Parameters {
  readonly k1: number;
  readonly b: number;
}

export const defaultBm25Parameters: Bm25Parameters = Object.freeze({ k1: 0.9, b: 0.4 });

/** Corpus-wide statistics for idf when some documents live outside the index (see searchTerms). */
export interface CorpusStatistics {
  documents: number;
  extraDocumentFrequency(term: string): number;
}

/** ln(1 + (N − df + 0.5) / (df + 0.5)), Lucene's idf. */
export function bm25Idf(documents: number, documentFrequency: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/** k1 · (1 − b + b · |d| / avgdl): the per-document part of the formula. */
export function bm25LengthNorm({ k1, b }: Bm25Parameters, length: number, averageLength: number): number {
  return k1 * (1 - b + (b * length) / averageLength);
}

/**
 * tf / (tf + k1 · (1 − b + b · |d| / avgdl)): the share of its term's query weight a document
 * gets, rounded to the nearest float32. The index keeps one per posting (4 bytes) rather than
 * dividing as it reads them, which took about 40% of a search; the rounding (a relative 6e-8,
 * far below what could change a ranking but near-exact ties) is part of the score everywhere a
 * score is computed, so every path scores a document alike.
 */
export function bm25Share(tf: number, lengthNorm: number): number {
  return Math.fround(tf / (tf + lengthNorm));
}

/** Analyzed terms of a text (a query, or a paper's text with role `document`), by the index's analyzer, each with its number of occurrences. */
export function countTerms(text: string, analyzer: AnalyzerName, role: TextRole = 'query'): Map<string, number> {
  const occurrences = new Map<string, number>();
  for (const term of analyze(text, analyzer, role)) occurrences.set(term, (occurrences.get(term) ?? 0) + 1);
  return occurrences;
}

/** Why these parameters cannot score (k1 must be ≥ 0, b within [0, 1]), or undefined. */
export function bm25ParameterProblem({ k1, b }: Bm25Parameters): string | undefined {
  if (!(Number.isFinite(k1) && k1 >= 0)) return `k1 must be a finite number ≥ 0, got ${k1}`;
  if (!(b >= 0 && b <= 1)) return `b must be between 0 and 1, got ${b}`;
  return undefined;
}

/**
 * The supremum of a query's BM25 score: Σ occurrences · idf over its terms. Our BM25 (Lucene's,
 * without the constant k1 + 1 factor) gives each term at most its idf per occurrence in the query,
 * approached by a document repeating the term many times. Dividing a score by it gives a number in
 * [0, 1) that depends only on the query and the document, not on which other documents were found.
 */
export function bm25Ceiling(terms: Iterable<{ idf: number; occurrences: number }>): number {
  let ceiling = 0;
  for (const { idf, occurrences } of terms) ceiling += occurrences * idf;
  return ceiling;
}
