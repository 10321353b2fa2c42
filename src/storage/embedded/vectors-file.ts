import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { AppError } from '../../errors.js';

/**
 * `vectors.f32`, the stored unit vectors of an index folder: float32, little-endian, one vector
 * after another in label order, no header (the manifest gives the count and dimension). It is
 * what rebuilds and exact search read; the HNSW graph keeps its own copy. Every platform Node
 * runs on is little-endian, so the bytes are viewed as a Float32Array as they are.
 */
export async function readVectorsFile(path: string, count: number, dimension: number): Promise<Float32Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new AppError('index_corrupt', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const expected = count * dimension * 4;
  if (bytes.byteLength !== expected) throw new AppError('index_corrupt', `${path} holds ${bytes.byteLength} bytes, ${expected} expected.`);
  // Copied unless aligned: a Float32Array cannot view a Buffer at an offset that is not a multiple of 4.
  return bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, count * dimension) : new Float32Array(new Uint8Array(bytes).buffer);
}

/** The vector of `label` in vectors read by readVectorsFile (a view, not a copy). */
export function vectorAt(vectors: Float32Array, label: number, dimension: number): Float32Array {
  return vectors.subarray(label * dimension, (label + 1) * dimension);
}

/** Appends vectors to a vectors file in label order, honouring stream back-pressure. */
export class VectorsFileWriter {
  private readonly stream: WriteStream;
  /** A write error, surfaced on the next append or close instead of crashing the process. */
  private failure: Error | undefined;

  constructor(path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  async append(vector: Float32Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength))) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await new Promise<void>((done, fail) => this.stream.end((error?: Error | null) => (error ? fail(error) : done())));
    if (this.failure) throw this.failure;
  }

  /** Abandons the file (a failed build): closes it without waiting for pending writes. */
  destroy(): void {
    this.stream.destroy();
  }
}
