import { crc32 } from 'node:zlib';
import { AppError } from '../../errors.js';
import { writeFileAtomic } from '../../shared/fs-atomic.js';
import { readIndexFile } from './index-file-reader.js';
import { RelatedLists, relatedListDepth } from './related-lists.js';

/** Bumped whenever the layout of the file changes; a file of another version (or depth, or ef) is not read, and lists are computed as asked for. */
const relatedListsFormatVersion = 1;
export const relatedListsFileName = 'related.bin';
const magic = new TextEncoder().encode('PSRELATD');
const headerBytes = 32;

/**
 * `related.bin`, every paper's precomputed nearest neighbours (see RelatedLists), little-endian:
 *
 *   header (32 bytes)
 *     0  magic "PSRELATD"            8  format version (u32)
 *     12 papers N (u32)              16 depth D (u32)
 *     20 ef the graph was searched at (u32)
 *     24 papers when every list was last computed from the graph (u32; 0 in files written
 *        before it was recorded, read as N)
 *     28 reserved, 0 (4 bytes)
 *   labels   N × D × i32, list by list in label order, best first
 *   scores   N × D × f32 (cosines), the same order
 *   lengths  N × i16 (entries of each list; −1: not computed), padded with zeros to 4 bytes
 *   CRC-32 of everything before it (u32)
 */
export function encodeRelatedLists(lists: RelatedLists, count: number, efSearch: number): Uint8Array {
  const { labels, scores, lengths } = lists.arrays(count);
  const layout = fileLayout(count, relatedListDepth);
  const bytes = new Uint8Array(layout.total);
  const view = new DataView(bytes.buffer);
  bytes.set(magic, 0);
  view.setUint32(8, relatedListsFormatVersion, true);
  view.setUint32(12, count, true);
  view.setUint32(16, relatedListDepth, true);
  view.setUint32(20, efSearch, true);
  view.setUint32(24, lists.fullyComputedAt, true);
  bytes.set(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength), layout.labels);
  bytes.set(new Uint8Array(scores.buffer, scores.byteOffset, scores.byteLength), layout.scores);
  bytes.set(new Uint8Array(lengths.buffer, lengths.byteOffset, lengths.byteLength), layout.lengths);
  view.setUint32(layout.checksum, crc32(bytes.subarray(0, layout.checksum)), true);
  return bytes;
}

/**
 * Reads bytes written by encodeRelatedLists for a folder of `count` papers, to be served with
 * `efSearch`. Undefined for a file of another format version or depth, or computed at another ef
 * (its lists would not be the server's graph answers; they are then computed as papers are asked
 * for); anything damaged is `index_corrupt`. `capacity` (at least `count`) sizes the lists for
 * the papers about to be added, so that adding them does not copy every list.
 */
export function decodeRelatedLists(bytes: Uint8Array, count: number, efSearch: number, capacity = count): RelatedLists | undefined {
  const corrupt = (why: string) => new AppError('index_corrupt', `Related lists: ${why}.`);
  if (bytes.length < headerBytes + 4) throw corrupt(`${bytes.length} bytes is shorter than the header`);
  if (magic.some((byte, i) => bytes[i] !== byte)) throw corrupt('not a related-lists file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== relatedListsFormatVersion || view.getUint32(16, true) !== relatedListDepth) return undefined;
  if (view.getUint32(20, true) !== efSearch) return undefined;
  const stored = view.getUint32(12, true);
  if (stored !== count) throw corrupt(`it holds ${stored} papers, the index ${count}`);
  const layout = fileLayout(count, relatedListDepth);
  if (bytes.length !== layout.total) throw corrupt(`${bytes.length} bytes, ${layout.total} expected`);
  if (crc32(bytes.subarray(0, layout.checksum)) !== view.getUint32(layout.checksum, true)) throw corrupt('checksum mismatch');
  // Copied: typed arrays must be aligned, and must not keep the whole file alive.
  const size = Math.max(count, capacity);
  const labels = new Int32Array(size * relatedListDepth);
  new Uint8Array(labels.buffer).set(bytes.subarray(layout.labels, layout.scores));
  const scores = new Float32Array(size * relatedListDepth);
  new Uint8Array(scores.buffer).set(bytes.subarray(layout.scores, layout.lengths));
  const lengths = new Int16Array(size).fill(-1);
  new Uint8Array(lengths.buffer).set(bytes.subarray(layout.lengths, layout.lengths + 2 * count));
  for (let label = 0; label < count; label++) {
    const length = lengths[label]!;
    if (length < -1 || length > relatedListDepth) throw corrupt(`list ${label} claims ${length} entries`);
    for (let i = 0; i < length; i++) {
      const neighbour = labels[label * relatedListDepth + i]!;
      if (neighbour < 0 || neighbour >= count || neighbour === label) throw corrupt(`list ${label} names label ${neighbour}`);
    }
  }
  return RelatedLists.fromArrays(labels, scores, lengths, view.getUint32(24, true) || count);
}

export async function writeRelatedListsFile(path: string, lists: RelatedLists, count: number, efSearch: number): Promise<void> {
  await writeFileAtomic(path, encodeRelatedLists(lists, count, efSearch));
}

export async function readRelatedListsFile(path: string, count: number, efSearch: number, capacity = count): Promise<RelatedLists | undefined> {
  return readIndexFile(path, (bytes) => decodeRelatedLists(bytes, count, efSearch, capacity));
}

function fileLayout(count: number, depth: number) {
  const labels = headerBytes;
  const scores = labels + 4 * count * depth;
  const lengths = scores + 4 * count * depth;
  const checksum = lengths + Math.ceil((2 * count) / 4) * 4;
  return { labels, scores, lengths, checksum, total: checksum + 4 };
}
