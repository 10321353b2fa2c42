import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Embedder } from '../../src/embedding/embedder.js';
import { openIndexFolder, type LoadedIndex } from '../../src/storage/embedded/index-folder.js';
import { describeModel } from '../../src/storage/model-summary.js';
import { ingestPapers } from '../../src/ingest/ingest.js';
import type { Logger } from '../../src/log.js';

export interface CachedIndex {
  index: LoadedIndex;
  /** Ingestion throughput when the index was built by this call; null when it came from the cache. */
  papersPerSecond: number | null;
}

/**
 * Builds the index of a corpus with the product's own ingestion once per (corpus file, model) and
 * reuses it on later runs: the cache key covers the file's path, size and mtime and the model.
 */
export async function cachedIndex(corpus: string, embedder: Embedder, options: { cache: string; efSearch: number; log: Logger }): Promise<CachedIndex> {
  const corpusInfo = await stat(corpus);
  const fingerprint = JSON.stringify(describeModel(embedder.model));
  const key = createHash('sha256')
    .update(`${resolve(corpus)}:${corpusInfo.size}:${corpusInfo.mtimeMs}:${fingerprint}`)
    .digest('hex')
    .slice(0, 16);
  const folder = join(options.cache, `eval-${embedder.model.id}-${key}`);
  let papersPerSecond: number | null = null;
  try {
    await stat(join(folder, 'manifest.json'));
  } catch {
    const summary = await ingestPapers(embedder, { input: corpus, format: 'jsonl', indexDir: folder, log: options.log });
    papersPerSecond = summary.papersPerSecond;
  }
  return { index: await openIndexFolder(folder, embedder.model, options.efSearch), papersPerSecond };
}
