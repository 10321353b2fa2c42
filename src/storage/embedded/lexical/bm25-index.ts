import { AppError } from '../../../errors.js';
import { analyze, TermDictionary } from './analyzer.js';
import { crc32 } from 'node:zlib';

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

export interface LexicalHit {
  label: number;
  score: number;
}

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

/** Analyzed terms of a query, each with its number of occurrences. */
export function countTerms(query: string): Map<string, number> {
  const occurrences = new Map<string, number>();
  for (const term of analyze(query)) occurrences.set(term, (occurrences.get(term) ?? 0) + 1);
  return occurrences;
}

export interface Bm25IndexBuilder {
  /** Adds the text of paper `label`; labels are 0, 1, 2, … in this order, like the vector index's. */
  add(label: number, text: string): void;
  /** Freezes what was added into a searchable index; the builder cannot be used afterwards. */
  build(): Bm25Index;
}

/**
 * An in-memory BM25 index over one text field (title and abstract joined), scoring exactly as
 * Lucene's BM25Similarity does, which is what Anserini runs:
 *
 *   score(q, d) = Σ_{t ∈ q} idf(t) · tf / (tf + k1 · (1 − b + b · |d| / avgdl))
 *   idf(t)      = ln(1 + (N − df + 0.5) / (df + 0.5))
 *
 * with N the number of documents, df the documents containing t, tf the occurrences of t in d,
 * |d| the number of terms of d after analysis and avgdl the mean of |d|. Two departures from
 * Lucene, both towards the textbook formula: |d| is exact (Lucene stores it in one lossy byte),
 * and N counts every document added, even one whose text analyzed to nothing (it still is a paper
 * the query could have matched). Like Lucene 8+, there is no (k1 + 1) factor in the numerator:
 * it multiplies every score by the same constant and changes no ranking.
 *
 * A term repeated in the query counts once per occurrence ("lung cancer cancer" weighs "cancer"
 * twice), as in Lucene's BooleanQuery of one TermQuery per query token and Anserini's
 * bag-of-words query; users who repeat a word usually mean it.
 *
 * Memory: postings are grouped by term in flat typed arrays (labels ascending within a term)
 * addressed through an offsets array, so the index costs 6 bytes per (term, document) pair plus
 * the vocabulary, and loading a serialized index is one copy of its bytes.
 */
export class Bm25Index {
  // Per-query accumulator, one slot per document. Search is synchronous and the accumulator is
  // zeroed again before `accept` runs, so reusing it is safe even if `accept` searches again.
  private readonly accumulator: Float64Array;
  // k1 · (1 − b + b · |d| / avgdl) per document: the only per-document part of the formula.
  private readonly lengthNorms: Float64Array;
  private readonly averageLength: number;

  private constructor(
    readonly parameters: Bm25Parameters,
    // Sorted by JavaScript string order (UTF-16 code units); term id = position.
    private readonly terms: readonly string[],
    // Postings of term t are [termOffsets[t], termOffsets[t + 1]); length termCount + 1.
    private readonly termOffsets: Uint32Array,
    private readonly postingLabels: Uint32Array,
    private readonly postingFrequencies: Uint16Array,
    private readonly documentLengths: Uint32Array,
  ) {
    const count = documentLengths.length;
    let totalLength = 0;
    for (let label = 0; label < count; label++) totalLength += documentLengths[label]!;
    // An index of empty texts has no postings, so the norm is never read; 1 avoids a NaN.
    this.averageLength = totalLength > 0 ? totalLength / count : 1;
    this.lengthNorms = new Float64Array(count);
    for (let label = 0; label < count; label++) {
      this.lengthNorms[label] = bm25LengthNorm(parameters, documentLengths[label]!, this.averageLength);
    }
    this.accumulator = new Float64Array(count);
  }

  static builder(parameters?: { k1?: number; b?: number }): Bm25IndexBuilder {
    const resolved = { k1: parameters?.k1 ?? defaultBm25Parameters.k1, b: parameters?.b ?? defaultBm25Parameters.b };
    const problem = parameterProblem(resolved);
    if (problem) throw new AppError('internal', `Bm25Index: ${problem}.`);
    return new IndexBuilder(resolved, (...parts) => new Bm25Index(...parts));
  }

  get documentCount(): number {
    return this.documentLengths.length;
  }

  /** Distinct terms in the index (after analysis). */
  get termCount(): number {
    return this.terms.length;
  }

  /**
   * The `k` best documents for `query` that pass `accept`, best first, ties by smaller label.
   * Only documents sharing at least one term with the query are returned (every such document
   * scores above 0), so the list may be shorter than `k`, and empty when no query term is known.
   */
  search(query: string, k: number, accept?: (label: number) => boolean): LexicalHit[] {
    return this.searchTerms(countTerms(query), k, accept);
  }

  /** Documents of the index holding `term` (0 for a term it does not know). */
  documentFrequency(term: string): number {
    const id = this.termId(term);
    return id === undefined ? 0 : this.termOffsets[id + 1]! - this.termOffsets[id]!;
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
  searchTerms(occurrences: ReadonlyMap<string, number>, k: number, accept?: (label: number) => boolean, corpus?: CorpusStatistics): LexicalHit[] {
    const limit = Math.min(Math.floor(k), this.documentCount);
    if (!(limit >= 1)) return [];
    const weights = this.queryWeights(occurrences, corpus);
    if (weights.size === 0) return [];

    // Term at a time into the dense accumulator; `touched` lists each document once, in the
    // order it was first reached. Its bound is the total postings of the query terms.
    let bound = 0;
    for (const term of weights.keys()) bound += this.termOffsets[term + 1]! - this.termOffsets[term]!;
    const touched = new Uint32Array(Math.min(bound, this.documentCount));
    let touchedCount = 0;
    const accumulator = this.accumulator;
    for (const [term, weight] of weights) {
      const end = this.termOffsets[term + 1]!;
      for (let p = this.termOffsets[term]!; p < end; p++) {
        const label = this.postingLabels[p]!;
        const tf = this.postingFrequencies[p]!;
        if (accumulator[label] === 0) touched[touchedCount++] = label;
        accumulator[label]! += (weight * tf) / (tf + this.lengthNorms[label]!);
      }
    }
    const scores = new Float64Array(touchedCount);
    for (let i = 0; i < touchedCount; i++) {
      scores[i] = accumulator[touched[i]!]!;
      accumulator[touched[i]!] = 0;
    }
    return topK(touched.subarray(0, touchedCount), scores, limit, accept);
  }

  /**
   * The index as bytes, little-endian (the byte order of every platform Node runs on):
   *
   *   header (48 bytes)
   *     0  magic "PSBM25IX"            8  format version (u32)
   *     12 documents N (u32)           16 terms T (u32)
   *     20 postings P (u32)            24 vocabulary bytes V (u32)
   *     28 reserved, 0 (u32)           32 k1 (f64)      40 b (f64)
   *   document lengths     N × u32
   *   term offsets         (T + 1) × u32   (document frequency of t = offsets[t + 1] − offsets[t])
   *   posting labels       P × u32
   *   term frequencies     P × u16, zero-padded to a multiple of 4 bytes
   *   vocabulary           V bytes: the terms in id order, UTF-8, separated by "\n" (analyzed
   *                        terms hold only letters, digits and marks), zero-padded to 4 bytes
   *   CRC-32 of everything before it (u32)
   *
   * Bump `formatVersion` whenever the layout or the analyzer's output changes: an index built by
   * another analyzer would silently miss terms, so it must be rejected and rebuilt.
   */
  serialize(): Uint8Array {
    const vocabulary = textEncoder.encode(this.terms.join('\n'));
    const layout = layoutOf(this.documentCount, this.terms.length, this.postingLabels.length, vocabulary.length);
    const bytes = new Uint8Array(layout.totalBytes);
    const view = new DataView(bytes.buffer);
    bytes.set(magic, 0);
    view.setUint32(8, formatVersion, true);
    view.setUint32(12, this.documentCount, true);
    view.setUint32(16, this.terms.length, true);
    view.setUint32(20, this.postingLabels.length, true);
    view.setUint32(24, vocabulary.length, true);
    view.setFloat64(32, this.parameters.k1, true);
    view.setFloat64(40, this.parameters.b, true);
    bytes.set(asBytes(this.documentLengths), layout.documentLengths);
    bytes.set(asBytes(this.termOffsets), layout.termOffsets);
    bytes.set(asBytes(this.postingLabels), layout.postingLabels);
    bytes.set(asBytes(this.postingFrequencies), layout.postingFrequencies);
    bytes.set(vocabulary, layout.vocabulary);
    view.setUint32(layout.checksum, crc32(bytes.subarray(0, layout.checksum)), true);
    return bytes;
  }

  /** Reads bytes written by `serialize`; anything else, cut short or altered, is `index_corrupt`. */
  static deserialize(input: Uint8Array): Bm25Index {
    const corrupt = (why: string): AppError => new AppError('index_corrupt', `Lexical index: ${why}.`);
    if (input.length < headerBytes) throw corrupt(`${input.length} bytes is shorter than the header`);
    for (let i = 0; i < magic.length; i++) {
      if (input[i] !== magic[i]) throw corrupt('not a BM25 index file (bad magic)');
    }
    // One copy into a fresh, aligned buffer: the typed arrays below are views of it, and the
    // caller's buffer may be mutated or reused afterwards.
    const bytes = input.slice();
    const view = new DataView(bytes.buffer);
    const version = view.getUint32(8, true);
    if (version !== formatVersion) {
      throw corrupt(`format version ${version}, this build reads version ${formatVersion}; rebuild the index`);
    }
    const documentCount = view.getUint32(12, true);
    const termCount = view.getUint32(16, true);
    const postingCount = view.getUint32(20, true);
    const vocabularyBytes = view.getUint32(24, true);
    const layout = layoutOf(documentCount, termCount, postingCount, vocabularyBytes);
    if (bytes.length !== layout.totalBytes) {
      throw corrupt(`${bytes.length} bytes where the header announces ${layout.totalBytes} (truncated or padded)`);
    }
    if (view.getUint32(layout.checksum, true) !== crc32(bytes.subarray(0, layout.checksum))) {
      throw corrupt('checksum mismatch (the bytes were altered)');
    }
    const parameters = { k1: view.getFloat64(32, true), b: view.getFloat64(40, true) };
    const problem = parameterProblem(parameters);
    if (problem) throw corrupt(problem);

    const documentLengths = new Uint32Array(bytes.buffer, layout.documentLengths, documentCount);
    const termOffsets = new Uint32Array(bytes.buffer, layout.termOffsets, termCount + 1);
    const postingLabels = new Uint32Array(bytes.buffer, layout.postingLabels, postingCount);
    const postingFrequencies = new Uint16Array(bytes.buffer, layout.postingFrequencies, postingCount);
    const vocabulary = textDecoder.decode(bytes.subarray(layout.vocabulary, layout.vocabulary + vocabularyBytes));
    const terms = termCount === 0 ? [] : vocabulary.split('\n');

    // A matching checksum proves the bytes are what was written, not that the writer was right;
    // these O(postings) checks keep a bad file from ever indexing out of bounds at query time.
    if (terms.length !== termCount) throw corrupt(`${terms.length} vocabulary terms, the header says ${termCount}`);
    for (let t = 1; t < termCount; t++) {
      if (!(terms[t - 1]! < terms[t]!)) throw corrupt(`vocabulary not sorted at term ${t}`);
    }
    const postingsProblem = postingsProblemOf(termOffsets, postingLabels, postingFrequencies, documentCount);
    if (postingsProblem) throw corrupt(postingsProblem);
    return new Bm25Index(parameters, terms, termOffsets, postingLabels, postingFrequencies, documentLengths);
  }

  /** Query terms known to the index, as term id → idf · occurrences in the query. */
  private queryWeights(occurrences: ReadonlyMap<string, number>, corpus?: CorpusStatistics): Map<number, number> {
    const weights = new Map<number, number>();
    const count = corpus?.documents ?? this.documentCount;
    for (const [term, times] of occurrences) {
      const id = this.termId(term);
      if (id === undefined) continue;
      const df = this.termOffsets[id + 1]! - this.termOffsets[id]! + (corpus?.extraDocumentFrequency(term) ?? 0);
      weights.set(id, times * bm25Idf(count, df));
    }
    return weights;
  }

  private termId(term: string): number | undefined {
    let low = 0;
    let high = this.terms.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const candidate = this.terms[middle]!;
      if (candidate === term) return middle;
      if (candidate < term) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }
}

// Term frequencies are stored in 16 bits; a word repeated more than this in one abstract is
// saturated by k1 long before, so capping it changes scores by less than float noise.
const maxTermFrequency = 0xffff;
const formatVersion = 1;
const magic = new TextEncoder().encode('PSBM25IX');
const headerBytes = 48;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: false });

type IndexParts = [Bm25Parameters, string[], Uint32Array, Uint32Array, Uint16Array, Uint32Array];

// A separate function with no closure and no throw inside the loop: V8 then optimizes the loop
// over every posting, which runs about 10x faster than the same checks written inline.
function postingsProblemOf(termOffsets: Uint32Array, labels: Uint32Array, frequencies: Uint16Array, documentCount: number): string | undefined {
  const termCount = termOffsets.length - 1;
  if (termOffsets[0] !== 0 || termOffsets[termCount] !== labels.length) return 'term offsets do not span the postings';
  for (let t = 0; t < termCount; t++) {
    const start = termOffsets[t]!;
    const end = termOffsets[t + 1]!;
    if (end <= start) return `term ${t} has no postings`;
    let previous = -1;
    for (let p = start; p < end; p++) {
      const label = labels[p]!;
      if (label <= previous || label >= documentCount || frequencies[p] === 0) return `posting ${p} is out of order, out of range or has frequency 0`;
      previous = label;
    }
  }
  return undefined;
}

function parameterProblem({ k1, b }: Bm25Parameters): string | undefined {
  if (!(Number.isFinite(k1) && k1 >= 0)) return `k1 must be a finite number ≥ 0, got ${k1}`;
  if (!(b >= 0 && b <= 1)) return `b must be between 0 and 1, got ${b}`;
  return undefined;
}

function layoutOf(documents: number, terms: number, postings: number, vocabularyBytes: number) {
  const documentLengths = headerBytes;
  const termOffsets = documentLengths + 4 * documents;
  const postingLabels = termOffsets + 4 * (terms + 1);
  const postingFrequencies = postingLabels + 4 * postings;
  const vocabulary = postingFrequencies + align4(2 * postings);
  const checksum = vocabulary + align4(vocabularyBytes);
  return { documentLengths, termOffsets, postingLabels, postingFrequencies, vocabulary, checksum, totalBytes: checksum + 4 };
}

function align4(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}

function asBytes(array: Uint32Array | Uint16Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * The `limit` best of (labels[i], scores[i]) that pass `accept`, best first, ties by smaller
 * label. A bounded min-heap keeps it O(candidates · log limit) for common query words matching
 * most of the corpus, and `accept` is asked only about candidates that would enter the heap.
 */
function topK(labels: Uint32Array, scores: Float64Array, limit: number, accept?: (label: number) => boolean): LexicalHit[] {
  const size = Math.min(limit, labels.length);
  const heapLabels = new Uint32Array(size);
  const heapScores = new Float64Array(size);
  let filled = 0;
  // a is worse than b: lower score, or the same score and a larger label.
  const worse = (scoreA: number, labelA: number, scoreB: number, labelB: number): boolean => scoreA < scoreB || (scoreA === scoreB && labelA > labelB);

  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= filled) return;
      const right = left + 1;
      let worst = left;
      if (right < filled && worse(heapScores[right]!, heapLabels[right]!, heapScores[left]!, heapLabels[left]!)) worst = right;
      if (!worse(heapScores[worst]!, heapLabels[worst]!, heapScores[i]!, heapLabels[i]!)) return;
      swap(i, worst);
      i = worst;
    }
  };
  const swap = (i: number, j: number): void => {
    const label = heapLabels[i]!;
    const score = heapScores[i]!;
    heapLabels[i] = heapLabels[j]!;
    heapScores[i] = heapScores[j]!;
    heapLabels[j] = label;
    heapScores[j] = score;
  };

  for (let c = 0; c < labels.length; c++) {
    const label = labels[c]!;
    const score = scores[c]!;
    if (filled === size && !worse(heapScores[0]!, heapLabels[0]!, score, label)) continue;
    if (accept && !accept(label)) continue;
    if (filled < size) {
      let i = filled++;
      heapLabels[i] = label;
      heapScores[i] = score;
      while (i > 0) {
        const parent = (i - 1) >>> 1;
        if (!worse(heapScores[i]!, heapLabels[i]!, heapScores[parent]!, heapLabels[parent]!)) break;
        swap(i, parent);
        i = parent;
      }
    } else {
      heapLabels[0] = label;
      heapScores[0] = score;
      siftDown(0);
    }
  }

  const hits: LexicalHit[] = [];
  for (let i = 0; i < filled; i++) hits.push({ label: heapLabels[i]!, score: heapScores[i]! });
  return hits.sort((a, b) => b.score - a.score || a.label - b.label);
}

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

  constructor(
    private readonly parameters: Bm25Parameters,
    private readonly create: (...parts: IndexParts) => Bm25Index,
  ) {}

  add(label: number, text: string): void {
    if (this.built) throw new AppError('internal', 'Bm25Index builder: add() after build().');
    if (label !== this.documentCount) {
      throw new AppError('internal', `Bm25Index builder: label ${label} added where ${this.documentCount} was expected (labels are 0..N-1, in order).`);
    }
    const ids = this.dictionary.termIds(text);
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
    return this.create(this.parameters, terms, termOffsets, labels, frequencies, documentLengths);
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
