import { crc32 } from 'node:zlib';
import { AppError } from '../../../errors.js';
import { Bm25Index } from './bm25-index.js';
import { bm25ParameterProblem } from './bm25-scoring.js';

/** Bumped whenever the layout changes (see encodeBm25Index). */
const bm25FormatVersion = 1;
const magic = new TextEncoder().encode('PSBM25IX');
const headerBytes = 48;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: false });

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
 * Bump `bm25FormatVersion` whenever the layout changes. The analyzer that made the terms is named
 * in the folder's manifest instead (`lexical.analyzer`), and queries are analyzed with it: a file
 * built by another analyzer would silently miss terms otherwise.
 */
export function encodeBm25Index(index: Bm25Index): Uint8Array {
  const { parameters, terms, termOffsets, postingLabels, postingFrequencies, documentLengths } = index.postings;
  const vocabulary = textEncoder.encode(terms.join('\n'));
  const layout = layoutOf(documentLengths.length, terms.length, postingLabels.length, vocabulary.length);
  const bytes = new Uint8Array(layout.totalBytes);
  const view = new DataView(bytes.buffer);
  bytes.set(magic, 0);
  view.setUint32(8, bm25FormatVersion, true);
  view.setUint32(12, documentLengths.length, true);
  view.setUint32(16, terms.length, true);
  view.setUint32(20, postingLabels.length, true);
  view.setUint32(24, vocabulary.length, true);
  view.setFloat64(32, parameters.k1, true);
  view.setFloat64(40, parameters.b, true);
  bytes.set(asBytes(documentLengths), layout.documentLengths);
  bytes.set(asBytes(termOffsets), layout.termOffsets);
  bytes.set(asBytes(postingLabels), layout.postingLabels);
  bytes.set(asBytes(postingFrequencies), layout.postingFrequencies);
  bytes.set(vocabulary, layout.vocabulary);
  view.setUint32(layout.checksum, crc32(bytes.subarray(0, layout.checksum)), true);
  return bytes;
}

/** Reads bytes written by `encodeBm25Index`; anything else, cut short or altered, is `index_corrupt`. */
export function decodeBm25Index(input: Uint8Array): Bm25Index {
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
  if (version !== bm25FormatVersion) {
    throw corrupt(`format version ${version}, this build reads version ${bm25FormatVersion}; rebuild the index`);
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
  const problem = bm25ParameterProblem(parameters);
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
  return new Bm25Index({ parameters, terms, termOffsets, postingLabels, postingFrequencies, documentLengths });
}

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
