/**
 * Retrieval quality on a BEIR-layout benchmark, through the product's own ingestion and search
 * code: `npm run eval -- [--benchmark beir] --corpus <corpus.jsonl> --queries <queries.jsonl> --qrels <qrels.tsv>
 * [--mode dense|lexical|hybrid|all] [--model <id>|all] [--long-passages truncate|windows] [--title-weight <w>] [--sweep]
 * [--json] [--cache <dir>] [--limit <n>] [--calibration [--junk <junk.jsonl>]]`. `--sweep` adds nDCG@10
 * for each fusion setting. `--calibration` adds, per mode, how well the top hit's score tells a
 * right answer (judged relevant) from a wrong one or from an off-topic or junk query
 * (junk-queries.jsonl by default), and what share of each a score threshold keeps. `--backend
 * weaviate|both` loads the cached index's papers and vectors (no model call) into a collection of
 * the Weaviate cluster named by WEAVIATE_URL and WEAVIATE_GRPC, once, and measures the same modes
 * there, plus Weaviate's own hybrid fusion (`hybrid-weaviate`).
 */
import { basename, join } from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../../src/config/config.js';
import { loadEmbedder } from '../../src/embedding/load-embedder.js';
import { getModel, halfWindowStrategy, knownModelIds, withLongPassages, withTitleWeight, type ModelDescription } from '../../src/embedding/model-registry.js';
import type { LoadedIndex } from '../../src/storage/embedded/index-folder.js';
import { dot } from '../../src/shared/vector-math.js';
import { readVectorsFile, vectorAt } from '../../src/storage/embedded/vectors-file.js';
import { createLogger } from '../../src/log.js';
import { searchModes, type SearchMode } from '../../src/search/search-modes.js';
import { SearchService } from '../../src/search/search-service.js';
import { fuseNormalized } from './min-max-fusion.js';
import type { RankedCandidate } from '../../src/search/ranking.js';
import { createCollectionBuilder } from '../../src/storage/open-storage.js';
import { copyCollection } from './copy-collection.js';
import type { PaperStorage, ScoredId, StorageBackendName } from '../../src/storage/paper-storage.js';
import { readCollectionPointer } from '../../src/storage/weaviate/collection-pointer.js';
import { WeaviateStorage } from '../../src/storage/weaviate/weaviate-storage.js';
import { cachedIndex, readJsonLines, readOnlyStorage, readQrels, type BenchmarkQuery } from './benchmark-data.js';
import { separation, shareAtLeast, type SeparationReport } from './calibration-metrics.js';
import { junkQueriesPath, type JunkQuery } from './generate-junk-queries.js';
import { fuseReciprocalRank } from './reciprocal-rank.js';
import { mean, ndcgAt, overlapAt, recallAt, reciprocalRankAt } from './metrics.js';
import { parsedFlags, parseScriptArguments } from './script-arguments.js';

const argumentsSchema = z.object({
  benchmark: z.literal('beir').optional(),
  corpus: z.string(),
  queries: z.string(),
  qrels: z.string(),
  mode: z.enum([...searchModes, 'all']).default('all'),
  model: z.enum(['all', ...knownModelIds]).default('all'),
  json: z.boolean().default(false),
  cache: z.string().default('bench/.cache'),
  limit: z.coerce.number().int().positive().optional(),
  sweep: z.boolean().default(false),
  calibration: z.boolean().default(false),
  junk: z.string().default(junkQueriesPath),
  'long-passages': z.enum(['truncate', 'windows']).default('truncate'),
  /** The weight of the title in paper vectors (default: the model's own). */
  'title-weight': z.coerce.number().nonnegative().optional(),
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

const { values } = parsedFlags({
  options: {
    benchmark: { type: 'string' },
    corpus: { type: 'string' },
    queries: { type: 'string' },
    qrels: { type: 'string' },
    mode: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean' },
    cache: { type: 'string' },
    limit: { type: 'string' },
    sweep: { type: 'boolean' },
    calibration: { type: 'boolean' },
    junk: { type: 'string' },
    'long-passages': { type: 'string' },
    'title-weight': { type: 'string' },
    backend: { type: 'string' },
  },
});
const args = parseScriptArguments(argumentsSchema, values);
const config = loadConfig();
const log = createLogger(args.json ? 'silent' : 'warn');

const queries = await readJsonLines<BenchmarkQuery>(args.queries);
const qrels = await readQrels(args.qrels);
const judged = queries.filter((query) => qrels.has(query._id)).slice(0, args.limit);
const junkQueries = args.calibration ? await readJsonLines<JunkQuery>(args.junk) : [];
/** Thresholds whose effect on the top hits --calibration reports. */
const reportedThresholds = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
const modes: SearchMode[] = args.mode === 'all' ? [...searchModes] : [args.mode];
const models = args.model === 'all' ? [...knownModelIds] : [args.model];

const results: ModeResult[] = [];
const sweeps: { model: string; fusion: string; ndcg10: number; recall100: number }[] = [];
const calibrations: CalibrationRow[] = [];
const ingestion: { model: string; papersPerSecond: number | null; hnswRecallAt10: number }[] = [];
for (const modelId of models) {
  const windowed = args['long-passages'] === 'windows' ? withLongPassages(getModel(modelId), halfWindowStrategy(getModel(modelId))) : getModel(modelId);
  const model = args['title-weight'] === undefined ? windowed : withTitleWeight(windowed, args['title-weight']);
  const embedder = await loadEmbedder(model, config, log);
  const { index, papersPerSecond } = await cachedIndex(args.corpus, args.cache, embedder, {
    efSearch: config.HNSW_EF_SEARCH,
    textsPerRun: config.EMBED_BATCH_SIZE,
    log,
  });
  const storage = await readOnlyStorage(index, embedder, { efSearch: config.HNSW_EF_SEARCH, log });
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
        (await remote.engineHybrid(text, vectors[i]!, { k: 100, alpha: 0.5 })).map((hit) => ({ id: hit.id, score: hit.score })),
      );
    } finally {
      await remote.close();
    }
  }
  if (args.sweep) sweeps.push(...(await sweepFusion(modelId, storage, embedder)));
  await storage.close();
  await embedder.dispose();
}

/** Every requested mode through the product's search service over `storage`, with the calibration when asked. */
async function measureModes(modelId: string, storage: PaperStorage, embedder: Awaited<ReturnType<typeof loadEmbedder>>): Promise<void> {
  const service = new SearchService(storage, embedder);
  for (const mode of modes) {
    const topHits = await measure(modelId, storage.backend, mode, async (text) => (await service.searchText(text, { k: 100, mode })).hits);
    if (args.calibration) {
      const junkTop: number[] = [];
      for (const query of junkQueries) junkTop.push((await service.searchText(query.text, { k: 1, mode })).hits[0]?.score ?? 0);
      const ndcg10 = results.at(-1)!.ndcg10;
      calibrations.push({ model: modelId, mode, ndcg10, ...calibrationOf(topHits, junkTop) });
    }
  }
}

/** nDCG@10, recall and MRR of one ranking over the judged queries; the top hit of each, for the calibration. */
async function measure(
  modelId: string,
  backend: StorageBackendName,
  mode: ModeResult['mode'],
  rank: (text: string, index: number) => Promise<{ id: string; score: number }[]>,
): Promise<TopHit[]> {
  const perQuery = { ndcg10: [] as number[], recall10: [] as number[], recall100: [] as number[], mrr10: [] as number[] };
  const topHits: TopHit[] = [];
  const started = performance.now();
  for (const [i, query] of judged.entries()) {
    const hits = await rank(query.text, i);
    const ranked = hits.map((hit) => hit.id);
    const judgments = qrels.get(query._id)!;
    perQuery.ndcg10.push(ndcgAt(ranked, judgments, 10));
    perQuery.recall10.push(recallAt(ranked, judgments, 10));
    perQuery.recall100.push(recallAt(ranked, judgments, 100));
    perQuery.mrr10.push(reciprocalRankAt(ranked, judgments, 10));
    topHits.push({ score: hits[0]?.score ?? 0, right: hits[0] !== undefined && (judgments.get(hits[0].id) ?? 0) > 0 });
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
  return topHits;
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
    await copyCollection(source, await createCollectionBuilder(pointerFolder, model, settings), { input: folder });
  }
  const pointer = (await readCollectionPointer(pointerFolder))!;
  return WeaviateStorage.open({ settings, alias: pointer.alias, model, log });
}

if (args.json) {
  process.stdout.write(`${JSON.stringify({ queries: judged.length, results, ingestion, sweeps, calibrations }, null, 2)}\n`);
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
    ...(calibrations.length > 0 ? calibrationTables(calibrations, round) : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

interface TopHit {
  score: number;
  right: boolean;
}

interface ThresholdShares {
  threshold: number;
  rightKept: number;
  wrongKept: number;
  junkKept: number;
}

type CalibrationRow = { model: string; mode: SearchMode; ndcg10: number; thresholds: ThresholdShares[] } & SeparationReport;

/** How the top hits' scores separate right from wrong answers and from junk queries, and what thresholds keep. */
function calibrationOf(topHits: readonly TopHit[], junkTop: readonly number[]): SeparationReport & { thresholds: ThresholdShares[] } {
  const right = topHits.filter((hit) => hit.right).map((hit) => hit.score);
  const wrong = topHits.filter((hit) => !hit.right).map((hit) => hit.score);
  return {
    ...separation(right, wrong, junkTop),
    thresholds: reportedThresholds.map((threshold) => ({
      threshold,
      rightKept: shareAtLeast(right, threshold),
      wrongKept: shareAtLeast(wrong, threshold),
      junkKept: shareAtLeast(junkTop, threshold),
    })),
  };
}

function calibrationTables(rows: readonly CalibrationRow[], round: (value: number, digits?: number) => string): string[] {
  return [
    '',
    `Top hit of each query: right = judged relevant, wrong = not (${judged.length} benchmark queries); junk = ${junkQueries.length} off-topic and junk queries (${args.junk}).`,
    '',
    '| model | mode | nDCG@10 | right / wrong / junk | AUC right vs wrong+junk | AUC right vs wrong | median right | median wrong | median junk | threshold keeping 90% right | wrong removed | junk removed |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (c) =>
        `| ${c.model} | ${c.mode} | ${round(c.ndcg10)} | ${c.right} / ${c.wrong} / ${c.junk} | ${round(c.aucRightVsWrongOrJunk)} | ${round(c.aucRightVsWrong)} | ${round(c.medianRight)} | ${round(c.medianWrong)} | ${round(c.medianJunk)} | ${round(c.threshold90)} | ${round(c.wrongRemoved90)} | ${round(c.junkRemoved90)} |`,
    ),
    '',
    '| model | mode | score threshold | right kept | wrong kept | junk kept |',
    '|---|---|---|---|---|---|',
    ...rows.flatMap((c) =>
      c.thresholds.map((t) => `| ${c.model} | ${c.mode} | ${t.threshold} | ${round(t.rightKept)} | ${round(t.wrongKept)} | ${round(t.junkKept)} |`),
    ),
  ];
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
