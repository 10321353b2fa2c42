import { AppError } from '../../../errors.js';
import { TermDictionary } from './analyzer.js';
import { Bm25Index } from './bm25-index.js';
import { bm25ParameterProblem, defaultBm25Parameters, type Bm25Parameters } from './bm25-scoring.js';

export interface Bm25IndexBuilder {
  /** Adds the text of paper `label`; labels are 0, 1, 2, … in this order, like the vector index's. */
  add(label: number, text: string): void;
  /** Freezes what was added into a searchable index; the builder cannot be used afterwards. */
  build(): Bm25Index;
}

/** A builder of a BM25 index with the given parameters (Anserini's defaults otherwise). */
export function createBm25Builder(parameters?: Partial<Bm25Parameters>): Bm25IndexBuilder {
  const resolved = { k1: parameters?.k1 ?? defaultBm25Parameters.k1, b: parameters?.b ?? defaultBm25Parameters.b };
  const problem = bm25ParameterProblem(resolved);
  if (problem) throw new AppError('internal', `Bm25Index: ${problem}.`);
  return new IndexBuilder(resolved);
}

// Term frequencies are stored in 16 bits; a word repeated more than this in one abstract is
// saturated by k1 long before, so capping it changes scores by less than float noise.
const maxTermFrequency = 0xffff;

/**
 * Collects postings as (term, label, tf) triples in growable typed arrays, in label order, with
 * the term ids of one TermDictionary (order of first appearance); `build` renumbers the terms in
 * sorted order and groups the triples by term with one counting sort, which keeps labels
 * ascending within each term.
 */
class IndexBuilder implements Bm25IndexBuilder {
  // Released by build(), like the other build buffers.
  private dictionary = new TermDictionary();
  private documentFrequencies = new Uint32Array(1024);
  // Scratch per document: occurrences of each term id in the current text, zeroed after it.
  private occurrences = new Uint32Array(1024);
  private postingTerms = new Uint32Array(65536);
  private postingLabels = new Uint32Array(65536);
  private postingFrequencies = new Uint16Array(65536);
  private postingCount = 0;
  private documentLengths = new Uint32Array(1024);
  private documentCount = 0;
  private built = false;

  constructor(private readonly parameters: Bm25Parameters) {}

  add(label: number, text: string): void {
    if (this.built) throw new AppError('internal', 'Bm25Index builder: add() after build().');
    if (label !== this.documentCount) {
      throw new AppError('internal', `Bm25Index builder: label ${label} added where ${this.documentCount} was expected (labels are 0..N-1, in order).`);
    }
    const ids = this.dictionary.termIds(text, 'document');
    if (this.dictionary.size > this.occurrences.length) {
      this.occurrences = grow(this.occurrences, this.dictionary.size);
      this.documentFrequencies = grow(this.documentFrequencies, this.dictionary.size);
    }
    const distinct: number[] = [];
    for (const id of ids) {
      if (this.occurrences[id] === 0) distinct.push(id);
      this.occurrences[id]!++;
    }
    if (this.postingCount + distinct.length > this.postingTerms.length) {
      const needed = this.postingCount + distinct.length;
      this.postingTerms = grow(this.postingTerms, needed);
      this.postingLabels = grow(this.postingLabels, needed);
      this.postingFrequencies = grow(this.postingFrequencies, needed);
    }
    for (const id of distinct) {
      const p = this.postingCount++;
      this.postingTerms[p] = id;
      this.postingLabels[p] = label;
      this.postingFrequencies[p] = Math.min(this.occurrences[id]!, maxTermFrequency);
      this.documentFrequencies[id]!++;
      this.occurrences[id] = 0;
    }
    if (label >= this.documentLengths.length) this.documentLengths = grow(this.documentLengths, label + 1);
    this.documentLengths[label] = ids.length;
    this.documentCount++;
  }

  build(): Bm25Index {
    if (this.built) throw new AppError('internal', 'Bm25Index builder: build() called twice.');
    this.built = true;
    const byFirstAppearance = this.dictionary.allTerms();
    const termCount = byFirstAppearance.length;
    // Sorted order makes the serialized vocabulary deterministic and lets search find a term by
    // binary search, with no Map of every term kept in memory.
    const order = Array.from({ length: termCount }, (_, id) => id).sort((a, b) => compareStrings(byFirstAppearance[a]!, byFirstAppearance[b]!));
    const terms = order.map((id) => byFirstAppearance[id]!);
    const finalId = new Uint32Array(termCount);
    order.forEach((id, rank) => {
      finalId[id] = rank;
    });
    const termOffsets = new Uint32Array(termCount + 1);
    for (let id = 0; id < termCount; id++) termOffsets[finalId[id]! + 1] = this.documentFrequencies[id]!;
    for (let t = 0; t < termCount; t++) termOffsets[t + 1]! += termOffsets[t]!;

    const postingCount = this.postingCount;
    const labels = new Uint32Array(postingCount);
    const frequencies = new Uint16Array(postingCount);
    const cursor = termOffsets.slice(0, termCount);
    for (let p = 0; p < postingCount; p++) {
      const slot = cursor[finalId[this.postingTerms[p]!]!]!++;
      labels[slot] = this.postingLabels[p]!;
      frequencies[slot] = this.postingFrequencies[p]!;
    }
    const documentLengths = this.documentLengths.slice(0, this.documentCount);
    // Drop the build buffers now: the index may live for the whole process, the builder too.
    this.postingTerms = this.postingLabels = new Uint32Array(0);
    this.postingFrequencies = new Uint16Array(0);
    this.occurrences = this.documentFrequencies = this.documentLengths = new Uint32Array(0);
    this.dictionary = new TermDictionary();
    return new Bm25Index({ parameters: this.parameters, terms, termOffsets, postingLabels: labels, postingFrequencies: frequencies, documentLengths });
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function grow<T extends Uint32Array | Uint16Array>(array: T, needed: number): T {
  let capacity = Math.max(1, array.length);
  while (capacity < needed) capacity *= 2;
  const larger = new (array.constructor as new (length: number) => T)(capacity);
  larger.set(array);
  return larger;
}
