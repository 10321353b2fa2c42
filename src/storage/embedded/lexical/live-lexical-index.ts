import type { AnalyzerName } from './analyzer.js';
import type { Bm25Index } from './bm25-index.js';
import { bm25Idf, bm25LengthNorm, bm25Share, countTerms } from './bm25-scoring.js';
import { spellingSuggestion } from './spelling.js';
import type { ScoredLabel } from './top-k.js';

interface AddedDocument {
  frequencies: Map<string, number>;
  length: number;
}

/**
 * The BM25 index of a snapshot plus the papers written since it, searched as one. The snapshot's
 * index is immutable (flat typed arrays); papers written afterwards are kept here as term counts
 * and scored with the same formula and corpus-wide idf, so a new paper ranks exactly where it
 * would after the next snapshot, up to the average length, which stays the snapshot's until then.
 *
 * Removal of a snapshot paper is the caller's `accept` (a tombstone); like Lucene, its terms stay
 * in the statistics until the next snapshot rebuilds the index without it.
 */
export class LiveLexicalIndex {
  private readonly added = new Map<number, AddedDocument>();
  private readonly addedDocumentFrequencies = new Map<string, number>();

  /** `analyzer`: the one that built `base` (its manifest's), for the papers written since and for queries. */
  constructor(
    readonly base: Bm25Index,
    readonly analyzer: AnalyzerName,
  ) {}

  /** Papers written since the snapshot and still present. */
  get addedCount(): number {
    return this.added.size;
  }

  get termCount(): number {
    return this.base.termCount;
  }

  /** Indexes a paper written since the snapshot; its label is past the snapshot's labels. */
  add(label: number, text: string): void {
    const frequencies = countTerms(text, this.analyzer, 'document');
    let length = 0;
    for (const [term, times] of frequencies) {
      length += times;
      this.addedDocumentFrequencies.set(term, (this.addedDocumentFrequencies.get(term) ?? 0) + 1);
    }
    this.added.set(label, { frequencies, length });
  }

  /** Forgets a paper written since the snapshot (deleted or replaced again). */
  remove(label: number): void {
    const document = this.added.get(label);
    if (!document) return;
    this.added.delete(label);
    for (const term of document.frequencies.keys()) {
      const left = (this.addedDocumentFrequencies.get(term) ?? 1) - 1;
      if (left === 0) this.addedDocumentFrequencies.delete(term);
      else this.addedDocumentFrequencies.set(term, left);
    }
  }

  search(query: string, k: number, accept?: (label: number) => boolean): ScoredLabel[] {
    return this.searchAndScore(query, k, [], accept).hits;
  }

  /** `search`, and the `scores` of the papers `labels` from the same pass (see Bm25Index.searchAndScore). */
  searchAndScore(query: string, k: number, labels: readonly number[], accept?: (label: number) => boolean): { hits: ScoredLabel[]; scores: number[] } {
    const occurrences = countTerms(query, this.analyzer);
    if (this.added.size === 0) {
      const { hits, scores } = this.base.searchAndScore(occurrences, k, labels, accept);
      return { hits, scores: [...scores] };
    }
    const base = labels.filter((label) => !this.added.has(label));
    const fromSnapshot = this.base.searchAndScore(occurrences, k, base, accept, this.corpus());
    const weights = this.knownTermWeights(occurrences);
    const fromAdded: ScoredLabel[] = [];
    for (const label of this.added.keys()) {
      const score = this.addedScore(label, weights);
      if (score > 0 && (!accept || accept(label))) fromAdded.push({ label, score });
    }
    const hits = [...fromSnapshot.hits, ...fromAdded].sort((a, b) => b.score - a.score || a.label - b.label).slice(0, Math.max(0, Math.floor(k)));
    return { hits, scores: this.withAddedScores(labels, base, fromSnapshot.scores, weights) };
  }

  /** `query` with its slips corrected against the words the papers hold (see spellingSuggestion), if it has any. */
  spellingSuggestion(query: string): string | undefined {
    const { extraDocumentFrequency } = this.corpus();
    return spellingSuggestion(query, (term) => this.base.documentFrequency(term) + extraDocumentFrequency(term));
  }

  /** The BM25 scores of the papers `labels` for `query` (0 for one holding no query term), on the same scale as search. */
  scores(query: string, labels: readonly number[]): number[] {
    const occurrences = countTerms(query, this.analyzer);
    const base = labels.filter((label) => !this.added.has(label));
    const baseScores = this.base.scoreDocuments(occurrences, base, this.corpus());
    return this.withAddedScores(labels, base, baseScores, this.knownTermWeights(occurrences));
  }

  /**
   * Every analyzed term of `query` with its occurrences and its idf over the whole collection
   * (the snapshot's papers and those written since); a term no paper holds gets the idf of a
   * document frequency of 0. What a query's BM25 ceiling is computed from.
   */
  termWeights(query: string): { term: string; occurrences: number; idf: number }[] {
    const { documents, extraDocumentFrequency } = this.corpus();
    return [...countTerms(query, this.analyzer)].map(([term, occurrences]) => ({
      term,
      occurrences,
      idf: bm25Idf(documents, this.base.documentFrequency(term) + extraDocumentFrequency(term)),
    }));
  }

  private corpus(): { documents: number; extraDocumentFrequency: (term: string) => number } {
    return { documents: this.base.documentCount + this.added.size, extraDocumentFrequency: (term) => this.addedDocumentFrequencies.get(term) ?? 0 };
  }

  /** Query terms some paper holds, as term → idf · occurrences. */
  private knownTermWeights(occurrences: ReadonlyMap<string, number>): Map<string, number> {
    const { documents, extraDocumentFrequency } = this.corpus();
    const weights = new Map<string, number>();
    for (const [term, times] of occurrences) {
      const frequency = this.base.documentFrequency(term) + extraDocumentFrequency(term);
      if (frequency > 0) weights.set(term, times * bm25Idf(documents, frequency));
    }
    return weights;
  }

  /** The scores of `labels`: those of `base` (the ones in the snapshot) as given, the added papers' computed. */
  private withAddedScores(labels: readonly number[], base: readonly number[], baseScores: Float64Array, weights: ReadonlyMap<string, number>): number[] {
    const byLabel = new Map(base.map((label, i) => [label, baseScores[i]!]));
    return labels.map((label) => byLabel.get(label) ?? this.addedScore(label, weights));
  }

  private addedScore(label: number, weights: ReadonlyMap<string, number>): number {
    const document = this.added.get(label);
    if (!document) return 0;
    const averageLength = this.base.documentCount > 0 ? this.base.averageDocumentLength : this.addedAverageLength();
    const norm = bm25LengthNorm(this.base.parameters, document.length, averageLength);
    let score = 0;
    for (const [term, weight] of weights) {
      const tf = document.frequencies.get(term);
      if (tf !== undefined) score += weight * bm25Share(tf, norm);
    }
    return score;
  }

  private addedAverageLength(): number {
    let total = 0;
    for (const document of this.added.values()) total += document.length;
    return total > 0 ? total / this.added.size : 1;
  }
}
