import { readFile } from 'node:fs/promises';
import { AppError } from '../../errors.js';

/**
 * Reads one file of an index folder and decodes it. A file that cannot be read, or that its
 * decoder refuses, is `index_corrupt` naming the file and the way out (decoders say what is
 * wrong, not where).
 */
export async function readIndexFile<T>(path: string, decode: (bytes: Uint8Array) => T): Promise<T> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new AppError('index_corrupt', `Cannot read ${path}: ${(error as Error).message}. Rebuild the index with npm run ingest.`, { cause: error });
  }
  try {
    return decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError('index_corrupt', `${path}: ${error.message} Rebuild the index with npm run ingest.`, { cause: error });
  }
}
