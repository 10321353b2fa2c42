/** Reading a BEIR-layout benchmark and building (once) the product's index of its corpus. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Embedder } from '../../src/embedding/embedder.js';
import { ingestPapers } from '../../src/ingest/ingest.js';
import type { Logger } from '../../src/log.js';
import { EmbeddedStorage } from '../../src/storage/embedded/embedded-storage.js';
import { openIndexFolder, type LoadedIndex } from '../../src/storage/embedded/index-folder.js';
import { describeModel } from '../../src/storage/model-summary.js';
import type { Judgments } from './metrics.js';

export interface BenchmarkQuery {
  _id: string;
  text: string;
}

export async function readJsonLines<T>(path: string): Promise<T[]> {
  const rows: T[] = [];
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line.trim()) rows.push(JSON.parse(line) as T);
  }
  return rows;
}

/** query id → (document id → graded relevance), from a BEIR qrels TSV with a header line. */
export async function readQrels(path: string): Promise<Map<string, Judgments>> {
  const qrels = new Map<string, Map<string, number>>();
  const lines = (await readFile(path, 'utf8')).split('\n').slice(1);
  for (const line of lines) {
    const [queryId, docId, score] = line.trim().split('\t');
    if (!queryId || !docId || score === undefined) continue;
    const judgments = qrels.get(queryId) ?? new Map<string, number>();
    judgments.set(docId, Number(score));
    qrels.set(queryId, judgments);
  }
  return qrels;
}

/**
 * The index of `corpus` for `embedder`'s model, built on first use into `cacheDir` (keyed by the
 * corpus file, the model description and the texts per model run, which move the vectors) and
 * reused afterwards. `papersPerSecond` is null when the
 * cached index was reused.
 */
export async function cachedIndex(
  corpus: string,
  cacheDir: string,
  embedder: Embedder,
  options: { efSearch: number; textsPerRun: number; log: Logger },
): Promise<{ index: LoadedIndex; papersPerSecond: number | null }> {
  const corpusInfo = await stat(corpus);
  const fingerprint = JSON.stringify([describeModel(embedder.model), options.textsPerRun]);
  const key = createHash('sha256')
    .update(`${resolve(corpus)}:${corpusInfo.size}:${corpusInfo.mtimeMs}:${fingerprint}`)
    .digest('hex')
    .slice(0, 16);
  const folder = join(cacheDir, `eval-${embedder.model.id}-${key}`);
  let papersPerSecond: number | null = null;
  try {
    await stat(join(folder, 'manifest.json'));
  } catch {
    const summary = await ingestPapers(embedder, { input: corpus, format: 'jsonl', indexDir: folder, log: options.log });
    papersPerSecond = summary.papersPerSecond;
  }
  return { index: await openIndexFolder(folder, embedder.model, options.efSearch), papersPerSecond };
}

/** The product's storage over a cached benchmark index, read-only (no API keys, no write log). */
export function readOnlyStorage(index: LoadedIndex, embedder: Embedder, options: { efSearch: number; log: Logger }): Promise<EmbeddedStorage> {
  return EmbeddedStorage.open({
    folder: index.folder,
    model: embedder.model,
    efSearch: options.efSearch,
    walDir: `${index.folder}.no-wal`,
    acceptsWrites: false,
    snapshotAfterOperations: 1,
    snapshotAfterMs: 60_000,
    log: options.log,
  });
}
