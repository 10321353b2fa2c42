import { analyzerName } from './analyzer.js';
import { bm25Idf, bm25LengthNorm, bm25Share, countTerms, type Bm25Parameters, type CorpusStatistics } from './bm25-scoring.js';
import { BestLabels, type ScoredLabel } from './top-k.js';

/**
 * Queries whose postings number at least this share of the documents read every document's slot
 * (see scoreEveryDocument); rarer ones list the documents they reach. About where the two cost
 * the same on 74,728 arXiv papers, for queries of one term (0.5) and of two to four (0.3–0.4).
 */
const denseScanShare = 0.4;

/**
 * The data of a BM25 index: what the builder produces and the codec stores. Postings are grouped
 * by term (labels ascending within a term) and addressed through `termOffsets`.
 */
export interface Bm25Postings {
  readonly parameters: Bm25Parameters;
  /** Sorted by JavaScript string order (UTF-16 code units); term id = position. */
  readonly terms: readonly string[];
  /** Postings of term t are [termOffsets[t], termOffsets[t + 1]); length terms + 1. */
  readonly termOffsets: Uint32Array;
  readonly postingLabels: Uint32Array;
  readonly postingFrequencies: Uint16Array;
  /** Analyzed length of each document, by label. */
  readonly documentLengths: Uint32Array;
}

/**
 * An in-memory BM25 index over one text field (title and abstract joined), scoring exactly as
 * Lucene's BM25Similarity does, which is what Anserini runs:
 *
 *   score(q, d) = Σ_{t ∈ q} idf(t) · tf / (tf + k1 · (1 − b + b · |d| / avgdl))
 *   idf(t)      = ln(1 + (N − df + 0.5) / (df + 0.5))
 *
 * with N the number of documents, df the documents containing t, tf the occurrences of t in d,
 * |d| the number of terms of d after analysis and avgdl the mean of |d|. Three departures from
 * Lucene: |d| is exact (Lucene stores it in one lossy byte); N counts every document added, even
 * one whose text analyzed to nothing (it still is a paper the query could have matched); and
 * tf / (tf + …) is rounded to a float32 (see bm25Share), a relative 6e-8 against Lucene's
 * length byte's several percent. Like Lucene 8+, there is no (k1 + 1) factor in the numerator:
 * it multiplies every score by the same constant and changes no ranking.
 *
 * A term repeated in the query counts once per occurrence ("lung cancer cancer" weighs "cancer"
 * twice), as in Lucene's BooleanQuery of one TermQuery per query token and Anserini's
 * bag-of-words query; users who repeat a word usually mean it.
 *
 * Memory: postings are grouped by term in flat typed arrays (labels ascending within a term)
 * addressed through an offsets array, so the index costs 6 bytes per (term, document) pair plus
 * the vocabulary, and loading a serialized index is one copy of its bytes (see bm25-codec.ts);
 * in memory each pair also keeps its share (4 bytes), computed at load.
 */
export class Bm25Index {
  // Per-query accumulator, one slot per document, all zero between searches. A search that
  // `accept` starts while one is under way gets its own (see `withBuffers`).
  private readonly accumulator: Float64Array;
  // The documents a query with few postings reached, in the order first reached.
  private readonly touchedBuffer: Uint32Array;
  private buffersInUse = false;
  // Each posting's bm25Share, in posting order.
  private readonly shares: Float32Array;
  private readonly averageLength: number;

  constructor(readonly postings: Bm25Postings) {
    const { parameters, documentLengths } = postings;
    const count = documentLengths.length;
    let totalLength = 0;
    for (let label = 0; label < count; label++) totalLength += documentLengths[label]!;
    // An index of empty texts has no postings, so the norm is never read; 1 avoids a NaN.
    this.averageLength = totalLength > 0 ? totalLength / count : 1;
    const lengthNorms = new Float64Array(count);
    for (let label = 0; label < count; label++) lengthNorms[label] = bm25LengthNorm(parameters, documentLengths[label]!, this.averageLength);
    const { postingLabels, postingFrequencies } = postings;
    this.shares = new Float32Array(postingLabels.length);
    for (let p = 0; p < postingLabels.length; p++) this.shares[p] = bm25Share(postingFrequencies[p]!, lengthNorms[postingLabels[p]!]!);
    this.accumulator = new Float64Array(count);
    this.touchedBuffer = new Uint32Array(count);
  }

  get parameters(): Bm25Parameters {
    return this.postings.parameters;
  }

  get documentCount(): number {
    return this.postings.documentLengths.length;
  }

  /** Distinct terms in the index (after analysis). */
  get termCount(): number {
    return this.postings.terms.length;
  }

  /**
   * The `k` best documents for `query` that pass `accept`, best first, ties by smaller label.
   * Only documents sharing at least one term with the query are returned (every such document
   * scores above 0), so the list may be shorter than `k`, and empty when no query term is known.
   * The query is analyzed as this build's indexes are (a loaded index is searched through
   * LiveLexicalIndex, with the analyzer its manifest names).
   */
  search(query: string, k: number, accept?: (label: number) => boolean): ScoredLabel[] {
    return this.searchTerms(countTerms(query, analyzerName), k, accept);
  }

  /** Documents of the index holding `term` (0 for a term it does not know). */
  documentFrequency(term: string): number {
    const id = this.termId(term);
    return id === undefined ? 0 : this.postings.termOffsets[id + 1]! - this.postings.termOffsets[id]!;
  }

  /** The mean analyzed length of the documents, the `avgdl` of the formula. */
  get averageDocumentLength(): number {
    return this.averageLength;
  }

  /**
   * `search` for already analyzed query terms (term → occurrences in the query). `corpus`
   * overrides the statistics idf is computed from, so documents kept outside this index (papers
   * written since it was built) can be scored on the same scale as the ones inside it.
   */
  searchTerms(occurrences: ReadonlyMap<string, number>, k: number, accept?: (label: number) => boolean, corpus?: CorpusStatistics): ScoredLabel[] {
    return this.searchAndScore(occurrences, k, [], accept, corpus).hits;
  }

  /**
   * `searchTerms`, and the scores of the documents `labels` as `scoreDocuments` gives them, read
   * from the same pass over the postings: hybrid search wants the BM25 of the dense candidates
   * too, and scoring them apart costs a binary search per candidate and query term (about 2 ms
   * for an abstract's 150 terms and 100 candidates at 75k papers).
   */
  searchAndScore(
    occurrences: ReadonlyMap<string, number>,
    k: number,
    labels: readonly number[],
    accept?: (label: number) => boolean,
    corpus?: CorpusStatistics,
  ): { hits: ScoredLabel[]; scores: Float64Array } {
    const scores = new Float64Array(labels.length);
    const limit = Math.min(Math.floor(k), this.documentCount);
    if (!(limit >= 1)) return { hits: [], scores: this.scoreDocuments(occurrences, labels, corpus) };
    const weights = this.queryWeights(occurrences, corpus);
    if (weights.size === 0) return { hits: [], scores };
    const best = new BestLabels(limit);
    const { termOffsets } = this.postings;
    let postingCount = 0;
    for (const term of weights.keys()) postingCount += termOffsets[term + 1]! - termOffsets[term]!;
    const readScores = (accumulator: Float64Array): void => labels.forEach((label, i) => (scores[i] = accumulator[label]!));
    this.withBuffers((accumulator, touched) => {
      if (postingCount >= this.documentCount * denseScanShare) this.scoreEveryDocument(weights, accumulator, best, readScores, accept);
      else this.scoreReachedDocuments(weights, accumulator, touched, best, readScores, accept);
    });
    return { hits: best.best(), scores };
  }

  /**
   * The BM25 scores of the documents `labels` for already analyzed query terms (0 for a document
   * holding none of them), found by binary search in each term's postings: for a few candidates a
   * search did not return, without scoring the whole corpus. `corpus` as for searchTerms.
   */
  scoreDocuments(occurrences: ReadonlyMap<string, number>, labels: readonly number[], corpus?: CorpusStatistics): Float64Array {
    const scores = new Float64Array(labels.length);
    const { termOffsets, postingLabels } = this.postings;
    for (const [term, weight] of this.queryWeights(occurrences, corpus)) {
      const start = termOffsets[term]!;
      const end = termOffsets[term + 1]!;
      labels.forEach((label, i) => {
        let low = start;
        let high = end - 1;
        while (low <= high) {
          const middle = (low + high) >>> 1;
          const found = postingLabels[middle]!;
          if (found === label) {
            scores[i]! += weight * this.shares[middle]!;
            return;
          }
          if (found < label) low = middle + 1;
          else high = middle - 1;
        }
      });
    }
    return scores;
  }

  /**
   * Term at a time into the accumulator, then every document's slot read in label order: for
   * queries whose postings reach a good share of the corpus, reading every slot costs less than
   * keeping the list of documents reached (a branch and a write per posting, then a random read
   * per document reached), and labels come in order, which the tie rule wants.
   */
  private scoreEveryDocument(
    weights: ReadonlyMap<number, number>,
    accumulator: Float64Array,
    best: BestLabels,
    readScores: (accumulator: Float64Array) => void,
    accept?: (label: number) => boolean,
  ): void {
    const { termOffsets, postingLabels } = this.postings;
    const shares = this.shares;
    for (const [term, weight] of weights) {
      const end = termOffsets[term + 1]!;
      for (let p = termOffsets[term]!; p < end; p++) {
        accumulator[postingLabels[p]!]! += weight * shares[p]!;
      }
    }
    try {
      readScores(accumulator);
      for (let label = 0; label < accumulator.length; label++) {
        const score = accumulator[label]!;
        if (score < best.floor || !best.admits(label, score)) continue;
        if (accept && !accept(label)) continue;
        best.add(label, score);
      }
    } finally {
      accumulator.fill(0);
    }
  }

  /** Term at a time into the accumulator, listing each document once when first reached: for queries of rare terms. */
  private scoreReachedDocuments(
    weights: ReadonlyMap<number, number>,
    accumulator: Float64Array,
    touched: Uint32Array,
    best: BestLabels,
    readScores: (accumulator: Float64Array) => void,
    accept?: (label: number) => boolean,
  ): void {
    const { termOffsets, postingLabels } = this.postings;
    const shares = this.shares;
    let touchedCount = 0;
    for (const [term, weight] of weights) {
      const end = termOffsets[term + 1]!;
      for (let p = termOffsets[term]!; p < end; p++) {
        const label = postingLabels[p]!;
        if (accumulator[label] === 0) touched[touchedCount++] = label;
        accumulator[label]! += weight * shares[p]!;
      }
    }
    let i = 0;
    try {
      readScores(accumulator);
      for (; i < touchedCount; i++) {
        const label = touched[i]!;
        const score = accumulator[label]!;
        accumulator[label] = 0;
        if (score < best.floor || !best.admits(label, score)) continue;
        if (accept && !accept(label)) continue;
        best.add(label, score);
      }
    } finally {
      for (; i < touchedCount; i++) accumulator[touched[i]!] = 0;
    }
  }

  /** Runs `score` with the shared buffers, or with fresh ones when a search is already using them. */
  private withBuffers(score: (accumulator: Float64Array, touched: Uint32Array) => void): void {
    if (this.buffersInUse) {
      score(new Float64Array(this.documentCount), new Uint32Array(this.documentCount));
      return;
    }
    this.buffersInUse = true;
    try {
      score(this.accumulator, this.touchedBuffer);
    } finally {
      this.buffersInUse = false;
    }
  }

  /** Query terms known to the index, as term id → idf · occurrences in the query. */
  private queryWeights(occurrences: ReadonlyMap<string, number>, corpus?: CorpusStatistics): Map<number, number> {
    const weights = new Map<number, number>();
    const count = corpus?.documents ?? this.documentCount;
    for (const [term, times] of occurrences) {
      const id = this.termId(term);
      if (id === undefined) continue;
      const df = this.postings.termOffsets[id + 1]! - this.postings.termOffsets[id]! + (corpus?.extraDocumentFrequency(term) ?? 0);
      weights.set(id, times * bm25Idf(count, df));
    }
    return weights;
  }

  private termId(term: string): number | undefined {
    let low = 0;
    let high = this.postings.terms.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const candidate = this.postings.terms[middle]!;
      if (candidate === term) return middle;
      if (candidate < term) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }
}
