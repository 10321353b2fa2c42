import { crc32 } from 'node:zlib';
import { AppError } from '../../../errors.js';
import { writeFileAtomic } from '../../../shared/fs-atomic.js';
import { readIndexFile } from '../index-file-reader.js';
import { layoutMethods, type MapLayout } from './map-layout.js';

/** Bumped whenever the layout of the file changes; a file of another version is recomputed, not guessed at. */
const mapLayoutFormatVersion = 1;
export const mapLayoutFileName = 'map-layout.bin';
const magic = new TextEncoder().encode('PSMAPLYT');
const headerBytes = 32;

/**
 * `map-layout.bin`, the 2-D map position of every paper of an index folder, little-endian:
 *
 *   header (32 bytes)
 *     0  magic "PSMAPLYT"            8  format version (u32)
 *     12 papers N (u32)              16 method (u32: 0 umap, 1 pca)
 *     20 reserved, 0 (u32)           24 built at (f64, ms since the epoch)
 *   x    N × f32, label order
 *   y    N × f32, label order
 *   CRC-32 of everything before it (u32)
 */
export function encodeMapLayout(layout: MapLayout): Uint8Array {
  const count = layout.x.length;
  const checksumAt = headerBytes + 8 * count;
  const bytes = new Uint8Array(checksumAt + 4);
  const view = new DataView(bytes.buffer);
  bytes.set(magic, 0);
  view.setUint32(8, mapLayoutFormatVersion, true);
  view.setUint32(12, count, true);
  view.setUint32(16, layoutMethods.indexOf(layout.method), true);
  view.setFloat64(24, Date.parse(layout.builtAt), true);
  bytes.set(new Uint8Array(layout.x.buffer, layout.x.byteOffset, 4 * count), headerBytes);
  bytes.set(new Uint8Array(layout.y.buffer, layout.y.byteOffset, 4 * count), headerBytes + 4 * count);
  view.setUint32(checksumAt, crc32(bytes.subarray(0, checksumAt)), true);
  return bytes;
}

/** Reads bytes written by encodeMapLayout for a folder of `count` papers; anything else is `index_corrupt`. */
export function decodeMapLayout(bytes: Uint8Array, count: number): MapLayout {
  const corrupt = (why: string) => new AppError('index_corrupt', `Map layout: ${why}.`);
  if (bytes.length < headerBytes + 4) throw corrupt(`${bytes.length} bytes is shorter than the header`);
  if (magic.some((byte, i) => bytes[i] !== byte)) throw corrupt('not a map layout file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== mapLayoutFormatVersion) throw corrupt(`format version ${version}, this build reads ${mapLayoutFormatVersion}`);
  const stored = view.getUint32(12, true);
  if (stored !== count) throw corrupt(`it holds ${stored} papers, the index ${count}`);
  const checksumAt = headerBytes + 8 * count;
  if (bytes.length !== checksumAt + 4) throw corrupt(`${bytes.length} bytes, ${checksumAt + 4} expected`);
  if (crc32(bytes.subarray(0, checksumAt)) !== view.getUint32(checksumAt, true)) throw corrupt('checksum mismatch');
  const method = layoutMethods[view.getUint32(16, true)];
  if (!method) throw corrupt(`unknown method ${view.getUint32(16, true)}`);
  // Copied: the float arrays must be aligned, and must not keep the whole file alive.
  const floats = (offset: number) => {
    const values = new Float32Array(count);
    new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + 4 * count));
    return values;
  };
  return { method, builtAt: new Date(view.getFloat64(24, true)).toISOString(), x: floats(headerBytes), y: floats(headerBytes + 4 * count) };
}

export async function writeMapLayoutFile(path: string, layout: MapLayout): Promise<void> {
  await writeFileAtomic(path, encodeMapLayout(layout));
}

export async function readMapLayoutFile(path: string, count: number): Promise<MapLayout> {
  return readIndexFile(path, (bytes) => decodeMapLayout(bytes, count));
}
