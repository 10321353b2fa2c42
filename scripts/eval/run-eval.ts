/**
 * Retrieval quality on a BEIR-layout benchmark, through the product's own ingestion and search
 * code: `npm run eval -- --corpus <corpus.jsonl> --queries <queries.jsonl> --qrels <qrels.tsv>
 * [--mode dense|lexical|hybrid|all] [--model <id>|all] [--long-passages truncate|windows] [--sweep]
 * [--json] [--cache <dir>] [--limit <n>] [--backend embedded|weaviate|both]`. `--sweep` adds nDCG@10 for each
 * fusion setting. `--backend weaviate` loads the cached index's papers and vectors (no model call)
 * into a collection of the Weaviate cluster named by WEAVIATE_URL and WEAVIATE_GRPC, once, and
 * measures the same modes there, plus Weaviate's own hybrid fusion (`hybrid-weaviate`).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../../src/config/config.js';
import { loadEmbedder } from '../../src/embedding/load-embedder.js';
import { getModel, halfWindowStrategy, knownModelIds, withLongPassages, type ModelDescription } from '../../src/embedding/model-registry.js';
import { openIndexFolder, type LoadedIndex } from '../../src/storage/embedded/index-folder.js';
import { describeModel } from '../../src/storage/embedded/manifest.js';
import { ingestPapers } from '../../src/ingest/ingest.js';
import { dot } from '../../src/shared/vector-math.js';
import { readVectorsFile, vectorAt } from '../../src/storage/embedded/vectors-file.js';
import { createLogger } from '../../src/log.js';
import { searchModes, type SearchMode } from '../../src/search/search-modes.js';
import { SearchService } from '../../src/search/search-service.js';
import { fuseNormalized } from './min-max-fusion.js';
import type { RankedCandidate } from '../../src/search/ranking.js';
import { EmbeddedStorage } from '../../src/storage/embedded/embedded-storage.js';
import { createCollectionBuilder } from '../../src/storage/open-storage.js';
import type { PaperStorage, ScoredId, StorageBackendName } from '../../src/storage/paper-storage.js';
import { readCollectionPointer } from '../../src/storage/weaviate/collection-pointer.js';
import { WeaviateStorage } from '../../src/storage/weaviate/weaviate-storage.js';
import { fuseReciprocalRank } from './reciprocal-rank.js';
import { mean, ndcgAt, overlapAt, recallAt, reciprocalRankAt, type Judgments } from './metrics.js';

const argumentsSchema = z.object({
  corpus: z.string(),
  queries: z.string(),
  qrels: z.string(),
  mode: z.enum([...searchModes, 'all']).default('all'),
  model: z.enum(['all', ...knownModelIds]).default('all'),
  json: z.boolean().default(false),
  cache: z.string().default('bench/.cache'),
  limit: z.coerce.number().int().positive().optional(),
  sweep: z.boolean().default(false),
  'long-passages': z.enum(['truncate', 'windows']).default('truncate'),
  backend: z.enum(['embedded', 'weaviate', 'both']).default('embedded'),
});

interface ModeResult {
  model: string;
  backend: StorageBackendName;
  mode: SearchMode | 'hybrid-weaviate';
  ndcg10: number;
  recall10: number;
  recall100: number;
  mrr10: number;
  queriesPerSecond: number;
  msPerQuery: number;
}

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    queries: { type: 'string' },
    qrels: { type: 'string' },
    mode: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean' },
    cache: { type: 'string' },
    limit: { type: 'string' },
    sweep: { type: 'boolean' },
    'long-passages': { type: 'string' },
    backend: { type: 'string' },
  },
});
const args = argumentsSchema.parse(values);
const config = loadConfig();
const log = createLogger(args.json ? 'silent' : 'warn');

const queries = await readJsonLines<{ _id: string; text: string }>(args.queries);
const qrels = await readQrels(args.qrels);
const judged = queries.filter((query) => qrels.has(query._id)).slice(0, args.limit);
const modes: SearchMode[] = args.mode === 'all' ? [...searchModes] : [args.mode];
const models = args.model === 'all' ? [...knownModelIds] : [args.model];

const results: ModeResult[] = [];
const sweeps: { model: string; fusion: string; ndcg10: number; recall100: number }[] = [];
const ingestion: { model: string; papersPerSecond: number | null; hnswRecallAt10: number }[] = [];
for (const modelId of models) {
  const model = args['long-passages'] === 'windows' ? withLongPassages(getModel(modelId), halfWindowStrategy(getModel(modelId))) : getModel(modelId);
  const embedder = await loadEmbedder(model, config, log);
  const { index, papersPerSecond } = await cachedIndex(modelId, embedder);
  // Read-only: no API keys and no log folder, so the storage opens no log.
  const storage = await EmbeddedStorage.open({
    folder: index.folder,
    model: embedder.model,
    efSearch: config.HNSW_EF_SEARCH,
    walDir: `${index.folder}.no-wal`,
    acceptsWrites: false,
    snapshotAfterOperations: 1,
    snapshotAfterMs: 60_000,
    log,
  });
  ingestion.push({
    model: modelId,
    papersPerSecond,
    hnswRecallAt10: await hnswRecall(
      index,
      embedder,
      judged.map((query) => query.text),
    ),
  });
  if (args.backend !== 'weaviate') await measureModes(modelId, storage, embedder);
  if (args.backend !== 'embedded') {
    const remote = await weaviateCopy(index.folder, storage, embedder.model);
    try {
      await measureModes(modelId, remote, embedder);
      const vectors = await embedder.embedQueries(judged.map((query) => query.text));
      await measure(modelId, 'weaviate', 'hybrid-weaviate', async (text, i) =>
        (await remote.engineHybrid(text, vectors[i]!, { k: 100, alpha: 0.5 })).map((hit) => hit.id),
      );
    } finally {
      await remote.close();
    }
  }
  if (args.sweep) sweeps.push(...(await sweepFusion(modelId, storage, embedder)));
  await storage.close();
  await embedder.dispose();
}

/** Every requested mode through the product's search service over `storage`. */
async function measureModes(modelId: string, storage: PaperStorage, embedder: Awaited<ReturnType<typeof loadEmbedder>>): Promise<void> {
  const service = new SearchService(storage, embedder);
  for (const mode of modes) {
    await measure(modelId, storage.backend, mode, async (text) => (await service.searchText(text, { k: 100, mode })).hits.map((hit) => hit.id));
  }
}

async function measure(
  modelId: string,
  backend: StorageBackendName,
  mode: ModeResult['mode'],
  rank: (text: string, index: number) => Promise<string[]>,
): Promise<void> {
  const perQuery = { ndcg10: [] as number[], recall10: [] as number[], recall100: [] as number[], mrr10: [] as number[] };
  const started = performance.now();
  for (const [i, query] of judged.entries()) {
    const ranked = await rank(query.text, i);
    const judgments = qrels.get(query._id)!;
    perQuery.ndcg10.push(ndcgAt(ranked, judgments, 10));
    perQuery.recall10.push(recallAt(ranked, judgments, 10));
    perQuery.recall100.push(recallAt(ranked, judgments, 100));
    perQuery.mrr10.push(reciprocalRankAt(ranked, judgments, 10));
  }
  const seconds = (performance.now() - started) / 1000;
  results.push({
    model: modelId,
    backend,
    mode,
    ndcg10: mean(perQuery.ndcg10),
    recall10: mean(perQuery.recall10),
    recall100: mean(perQuery.recall100),
    mrr10: mean(perQuery.mrr10),
    queriesPerSecond: judged.length / seconds,
    msPerQuery: (seconds * 1000) / judged.length,
  });
}

/**
 * The cached index's papers and vectors in a Weaviate collection of their own (alias named after
 * the index folder), loaded on the first run and reused after.
 */
async function weaviateCopy(folder: string, source: PaperStorage, model: ModelDescription): Promise<WeaviateStorage> {
  const settings = loadConfig({ ...process.env, BACKEND: 'weaviate', WEAVIATE_COLLECTION: `Eval${basename(folder).replace(/[^A-Za-z0-9]/g, '')}` });
  const pointerFolder = `${folder}.weaviate`;
  const existing = await readCollectionPointer(pointerFolder);
  if (!existing) {
    const builder = await createCollectionBuilder(pointerFolder, model, settings);
    try {
      let cursor: string | undefined;
      do {
        const page = await source.list(cursor, 1_000);
        const vectors = await source.vectors(page.papers.map((paper) => paper.id));
        for (const [i, paper] of page.papers.entries()) await builder.add(paper, vectors[i]!);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      await builder.finish({ input: folder, read: builder.size, rejected: 0 });
    } catch (error) {
      await builder.abort();
      throw error;
    }
  }
  const pointer = (await readCollectionPointer(pointerFolder))!;
  return WeaviateStorage.open({ settings, alias: pointer.alias, model, log });
}

if (args.json) {
  process.stdout.write(`${JSON.stringify({ queries: judged.length, results, ingestion, sweeps }, null, 2)}\n`);
} else {
  const round = (value: number, digits = 3) => value.toFixed(digits);
  const lines = [
    `${judged.length} queries from ${args.queries}`,
    '',
    '| model | backend | mode | nDCG@10 | Recall@10 | Recall@100 | MRR@10 | queries/s | ms/query |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.model} | ${r.backend} | ${r.mode} | ${round(r.ndcg10)} | ${round(r.recall10)} | ${round(r.recall100)} | ${round(r.mrr10)} | ${round(r.queriesPerSecond, 1)} | ${round(r.msPerQuery, 2)} |`,
    ),
    '',
    '| model | ingestion papers/s | HNSW recall@10 vs exact |',
    '|---|---|---|',
    ...ingestion.map((i) => `| ${i.model} | ${i.papersPerSecond === null ? '(cached index)' : round(i.papersPerSecond, 1)} | ${round(i.hnswRecallAt10, 4)} |`),
    ...(sweeps.length > 0
      ? [
          '',
          '| model | fusion | nDCG@10 | Recall@100 |',
          '|---|---|---|---|',
          ...sweeps.map((sw) => `| ${sw.model} | ${sw.fusion} | ${round(sw.ndcg10)} | ${round(sw.recall100)} |`),
        ]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** nDCG@10 of each fusion setting over the same dense and lexical candidate lists (for tuning on train). */
async function sweepFusion(modelId: string, storage: PaperStorage, embedder: Awaited<ReturnType<typeof loadEmbedder>>) {
  const vectors = await embedder.embedQueries(judged.map((query) => query.text));
  const candidates = await Promise.all(
    judged.map(async (query, i) => ({
      judgments: qrels.get(query._id)!,
      dense: await storage.nearest(vectors[i]!, { k: 100 }),
      lexical: await storage.lexical(query.text, { k: 100 }),
    })),
  );
  type Fuse = (dense: readonly ScoredId[], lexical: readonly ScoredId[]) => RankedCandidate[];
  const weights = Array.from({ length: 11 }, (_, step) => step / 10);
  const settings: [string, Fuse][] = [
    ...weights.map((weight): [string, Fuse] => [`normalized, dense weight ${weight.toFixed(1)}`, (d, l) => fuseNormalized(d, l, { denseWeight: weight })]),
    ['reciprocal rank, c = 60', (d, l) => fuseReciprocalRank(d, l, 60)],
  ];
  return settings.map(([fusion, fuse]) => {
    const ndcg: number[] = [];
    const recall: number[] = [];
    for (const candidate of candidates) {
      const ranked = fuse(candidate.dense, candidate.lexical)
        .slice(0, 100)
        .map((item) => item.id);
      ndcg.push(ndcgAt(ranked, candidate.judgments, 10));
      recall.push(recallAt(ranked, candidate.judgments, 100));
    }
    return { model: modelId, fusion, ndcg10: mean(ndcg), recall100: mean(recall) };
  });
}

/** Builds the corpus index once per (corpus file, model) and reuses it on later runs. */
async function cachedIndex(
  modelId: string,
  embedder: Awaited<ReturnType<typeof loadEmbedder>>,
): Promise<{ index: LoadedIndex; papersPerSecond: number | null }> {
  const corpusInfo = await stat(args.corpus);
  const fingerprint = JSON.stringify(describeModel(embedder.model));
  const key = createHash('sha256')
    .update(`${resolve(args.corpus)}:${corpusInfo.size}:${corpusInfo.mtimeMs}:${fingerprint}`)
    .digest('hex')
    .slice(0, 16);
  const folder = join(args.cache, `eval-${modelId}-${key}`);
  let papersPerSecond: number | null = null;
  try {
    await stat(join(folder, 'manifest.json'));
  } catch {
    const summary = await ingestPapers(embedder, { input: args.corpus, format: 'jsonl', indexDir: folder, log });
    papersPerSecond = summary.papersPerSecond;
  }
  return { index: await openIndexFolder(folder, embedder.model, config.HNSW_EF_SEARCH), papersPerSecond };
}

/** Recall@10 of the HNSW answers against exact search over the same stored vectors. */
async function hnswRecall(index: LoadedIndex, embedder: Awaited<ReturnType<typeof loadEmbedder>>, texts: string[]): Promise<number> {
  const dimension = index.manifest.model.dimension;
  const all = await readVectorsFile(join(index.folder, index.manifest.files.vectors), index.manifest.count, dimension);
  const vectors = await embedder.embedQueries(texts);
  const overlaps = vectors.map((query) => {
    const scores = new Float32Array(index.manifest.count);
    for (let label = 0; label < scores.length; label++) scores[label] = dot(query, vectorAt(all, label, dimension));
    const exact = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).slice(0, 10);
    const approximate = index.vectors.search(query, 10).map((neighbor) => neighbor.label);
    return overlapAt(approximate, exact, 10);
  });
  return mean(overlaps);
}

async function readJsonLines<T>(path: string): Promise<T[]> {
  const rows: T[] = [];
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line.trim()) rows.push(JSON.parse(line) as T);
  }
  return rows;
}

async function readQrels(path: string): Promise<Map<string, Map<string, number>>> {
  const qrels = new Map<string, Map<string, number>>();
  const lines = (await readFile(path, 'utf8')).split('\n').slice(1);
  for (const line of lines) {
    const [queryId, docId, score] = line.trim().split('\t');
    if (!queryId || !docId || score === undefined) continue;
    const judgments = qrels.get(queryId) ?? new Map<string, number>();
    judgments.set(docId, Number(score));
    qrels.set(queryId, judgments);
  }
  return qrels as Map<string, Judgments & Map<string, number>>;
}
