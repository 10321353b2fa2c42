/**
 * Facets and the map at the size of the arXiv data set (74,728 papers), without embedding it all
 * (~40 min): the real records, with vectors made from a sample of real embeddings (`--sample`
 * papers embedded by the product's model; every other paper gets a sampled paper's vector plus
 * noise, renormalized). Facet counting reads only the records, so its figures are real; search
 * and layout timings run on those semi-real vectors (the layout's clusters are the samples').
 *
 *   node --expose-gc --import tsx bench/facets-map.ts [--data <papers.jsonl.gz>] [--sample 1000]
 *
 * The index folder is built once (HNSW from the vectors, without a map layout, so the server's
 * worker computes it as for an index built before maps) and kept in bench/.cache/facets-map.
 * Prints the figures and writes bench/results/facets-map.json.
 */
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { paperPassage, type Embedder } from '../src/embedding/embedder.js';
import { loadEmbedder } from '../src/embedding/load-embedder.js';
import { getModel } from '../src/embedding/model-registry.js';
import { loadConfig } from '../src/config/config.js';
import { AppError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { facetNames } from '../src/papers/paper-facets.js';
import { mapRecordToPaper } from '../src/papers/paper-record.js';
import type { Paper } from '../src/papers/paper.js';
import { SearchService } from '../src/search/search-service.js';
import type { SearchMode } from '../src/search/search-modes.js';
import { EmbeddedStorage } from '../src/storage/embedded/embedded-storage.js';
import { IndexFolderWriter } from '../src/storage/embedded/index-folder-writer.js';
import { FacetColumns } from '../src/storage/embedded/facet-columns.js';
import { computeLayout } from '../src/storage/embedded/map/map-layout.js';
import { PaperStore } from '../src/storage/embedded/paper-store.js';
import { readVectorsFile } from '../src/storage/embedded/vectors-file.js';
import { scaleVector, seededRandom } from './lib/vectors.js';
import { median } from './lib/stats.js';

const { values: options } = parseArgs({
  options: { data: { type: 'string', default: '/work/shared/data/arxiv/papers.jsonl.gz' }, sample: { type: 'string', default: '1000' } },
});
const model = getModel('all-MiniLM-L6-v2');
const cacheDir = join(import.meta.dirname, '.cache', 'facets-map');
const indexDir = join(cacheDir, 'index');
const log = createLogger('silent');
const figures: Record<string, unknown> = { measuredAt: new Date().toISOString(), loadAverageBefore: loadavg()[0] };
const note = (name: string, value: unknown) => {
  figures[name] = value;
  console.error(`${name}: ${JSON.stringify(value)}`);
};

async function readPapers(path: string): Promise<Paper[]> {
  const papers: Paper[] = [];
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const mapped = mapRecordToPaper(JSON.parse(line));
    if (mapped.ok) papers.push(mapped.paper);
  }
  return papers;
}

/** Real embeddings of `count` papers spread over the collection, one after another, cached. */
async function sampleVectors(papers: readonly Paper[], count: number): Promise<Float32Array> {
  const file = join(cacheDir, `sample-${count}.f32`);
  const stride = Math.floor(papers.length / count);
  const sample = Array.from({ length: count }, (_, i) => papers[i * stride]!);
  if (!existsSync(file)) {
    const embedder = await loadEmbedder(model, loadConfig({ MODEL_DIR: join(import.meta.dirname, '..', 'models'), LOG_LEVEL: 'silent' }), log);
    const started = performance.now();
    const vectors = await embedder.embedPassages(sample.map((paper) => paperPassage(paper.title, paper.abstract)));
    await embedder.dispose();
    console.error(`embedded ${count} sample papers in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const bytes = new Float32Array(count * model.dimension);
    vectors.forEach((vector, i) => bytes.set(vector, i * model.dimension));
    await writeFile(file, new Uint8Array(bytes.buffer));
  }
  const bytes = await readFile(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Paper i gets sample i mod S plus gaussian noise (cosine about 0.92 to it), as the scale benchmark makes its vectors. */
async function buildBenchIndex(papers: readonly Paper[], samples: Float32Array): Promise<void> {
  if (existsSync(join(indexDir, 'manifest.json'))) return;
  const random = seededRandom(9);
  const started = performance.now();
  const writer = await IndexFolderWriter.create(indexDir, model, { layout: { kind: 'none' } });
  for (let i = 0; i < papers.length; i++) await writer.add(papers[i]!, scaleVector(samples, i, random));
  await writer.finish({ input: options.data!, read: papers.length, rejected: 0 });
  console.error(`built the bench index (HNSW of ${papers.length} vectors, BM25) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** Answers with a stored paper's vector for its title (query texts here are titles), so timings leave the model out. */
class StoredVectorEmbedder implements Embedder {
  readonly model = model;
  readonly state = 'ready' as const;
  constructor(private readonly byText: Map<string, Float32Array>) {}
  async embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.byText.get(text)!);
  }
  async embedPassages(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embedQueries(texts);
  }
  async dispose(): Promise<void> {}
}

/** Wall and CPU milliseconds of `task` (CPU time is what to compare on a shared machine: it does not count time spent waiting for a core). */
async function timed<T>(task: () => T | Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await task();
  const used = process.cpuUsage(cpu);
  return { result, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

function heapMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

await mkdir(cacheDir, { recursive: true });
const papers = await readPapers(options.data!);
note('papers', papers.length);
const samples = await sampleVectors(papers, Number(options.sample));
await buildBenchIndex(papers, samples);

// 1. Facet columns: the lazy build over the stored records, as the first facet request pays it.
{
  const store = await PaperStore.load(join(indexDir, 'papers.jsonl'), papers.length);
  const before = heapMiB();
  const builds: { wallMs: number; cpuMs: number }[] = [];
  let columns: FacetColumns | undefined;
  for (let run = 0; run < 3; run++) {
    const build = await timed(() => FacetColumns.build(store));
    columns = build.result;
    builds.push(build);
  }
  note('facetColumnsBuild', { wallMs: round(median(builds.map((run) => run.wallMs))), cpuMs: round(median(builds.map((run) => run.cpuMs))) });
  note('facetColumnsHeapMiB', round(heapMiB() - before, 1));
  note('facetDictionaries', { categories: columns!.categories.dictionary.size, authors: columns!.authors.dictionary.size });
}

const storage = await EmbeddedStorage.open({
  folder: indexDir,
  model,
  efSearch: 128,
  walDir: join(cacheDir, 'wal'),
  acceptsWrites: true,
  snapshotAfterOperations: 10_000_000,
  snapshotAfterMs: 86_400_000,
  log,
});
try {
  const random = seededRandom(4);
  const queries = Array.from({ length: 60 }, () => papers[Math.floor(random() * papers.length)]!);
  const byTitle = new Map<string, Float32Array>();
  const stored = await storage.vectors(queries.map((paper) => paper.id));
  queries.forEach((paper, i) => byTitle.set(paper.title, stored[i]!));
  const service = new SearchService(storage, new StoredVectorEmbedder(byTitle), 'hybrid');

  // 2. GET /v1/facets over the whole collection (the columns are built by the first call).
  const firstCall = await timed(() => service.collectionFacets(facetNames, undefined));
  note('firstFacetsCall', { wallMs: round(firstCall.wallMs), cpuMs: round(firstCall.cpuMs) });
  const facetCases: Record<string, Parameters<SearchService['collectionFacets']>[1]> = {
    all: undefined,
    'categories_any=cs.CL': { categories: { any: ['cs.CL'] } },
    'year_gte=2026&categories_any=cs.CV,cs.RO': { year: { gte: 2026 }, categories: { any: ['cs.CV', 'cs.RO'] } },
  };
  const collectionFacets: Record<string, { wallMs: number; cpuMs: number; papers: number }> = {};
  for (const [name, filter] of Object.entries(facetCases)) {
    const runs: { wallMs: number; cpuMs: number }[] = [];
    let counted = 0;
    for (let run = 0; run < 20; run++) {
      const call = await timed(() => service.collectionFacets(facetNames, filter));
      counted = call.result.papers;
      runs.push(call);
    }
    collectionFacets[name] = { wallMs: round(median(runs.map((run) => run.wallMs))), cpuMs: round(median(runs.map((run) => run.cpuMs))), papers: counted };
  }
  note('collectionFacetsMedian', collectionFacets);

  // 3. Ranked lists with and without all three facets, interleaved, same queries; CPU time per request.
  const rankedLists: Record<string, { withoutCpuMs: number; withCpuMs: number; withoutWallMs: number; withWallMs: number; cpuRatio: number }> = {};
  const compare = async (name: string, run: (facets: typeof facetNames | undefined, paper: Paper) => Promise<unknown>) => {
    const without: { wallMs: number; cpuMs: number }[] = [];
    const withFacets: { wallMs: number; cpuMs: number }[] = [];
    for (let pass = 0; pass < 2; pass++) {
      for (const paper of queries) {
        for (const facets of [undefined, facetNames]) (facets ? withFacets : without).push(await timed(() => run(facets, paper)));
      }
    }
    const cpu = (runs: typeof without) => median(runs.map((one) => one.cpuMs));
    const wall = (runs: typeof without) => median(runs.map((one) => one.wallMs));
    rankedLists[name] = {
      withoutCpuMs: round(cpu(without), 3),
      withCpuMs: round(cpu(withFacets), 3),
      withoutWallMs: round(wall(without), 3),
      withWallMs: round(wall(withFacets), 3),
      cpuRatio: round(cpu(withFacets) / cpu(without)),
    };
  };
  for (const mode of ['dense', 'lexical', 'hybrid'] as SearchMode[]) {
    await compare(mode, (facets, paper) => service.searchText(paper.title, { k: 10, mode, ...(facets ? { facets } : {}) }));
  }
  await compare('related', (facets, paper) => service.relatedToPaper(paper.id, { k: 10, ...(facets ? { facets } : {}) }));
  note('rankedListMedian', rankedLists);

  // 4. The map: the layout computed here (CPU time on this thread), then in the server's worker
  // (this folder has none), then GET /v1/map's work.
  const vectorsOnDisk = await readVectorsFile(join(indexDir, 'vectors.f32'), papers.length, model.dimension);
  const direct = await timed(() => computeLayout(vectorsOnDisk, papers.length, model.dimension));
  note('computeLayout', {
    papers: papers.length,
    method: direct.result.method,
    wallSeconds: round(direct.wallMs / 1000, 1),
    cpuSeconds: round(direct.cpuMs / 1000, 1),
  });
  const layoutStarted = performance.now();
  for (;;) {
    try {
      await storage.map();
      break;
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'map_building')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  note('layoutInWorkerSeconds', round((performance.now() - layoutStarted) / 1000, 1));
  const mapRuns: { wallMs: number; cpuMs: number }[] = [];
  let bodyBytes = 0;
  for (let run = 0; run < 10; run++) {
    const call = await timed(async () => {
      const map = await service.map();
      const base64 = (values: Float32Array | Uint16Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
      return JSON.stringify({ count: map.ids.length, ids: map.ids, x: base64(map.x), y: base64(map.y), groups: map.groups, group: base64(map.group) });
    });
    mapRuns.push(call);
    bodyBytes = Buffer.byteLength(call.result);
  }
  note('mapResponse', { wallMs: round(median(mapRuns.map((run) => run.wallMs))), cpuMs: round(median(mapRuns.map((run) => run.cpuMs))), bytes: bodyBytes });

  // 5. Papers written since the layout, placed when the map is next asked for.
  const writes = 1_000;
  const vectors = await storage.vectors(Array.from({ length: writes }, (_, i) => papers[(i * 37) % papers.length]!.id));
  await storage.commit(
    Array.from({ length: writes }, (_, i) => [
      { op: 'put' as const, paper: { id: `bench-written-${i}`, title: `Written ${i}`, abstract: 'A written paper.' }, vector: vectors[i]! },
    ]),
  );
  const placing = await timed(() => storage.map());
  note('placeWrittenPapers', { papers: writes, wallMs: round(placing.wallMs), cpuMs: round(placing.cpuMs), cpuMsPerPaper: round(placing.cpuMs / writes, 3) });
} finally {
  await storage.close();
  await rm(join(cacheDir, 'wal'), { recursive: true, force: true });
}
figures.loadAverageAfter = loadavg()[0];
await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
await writeFile(join(import.meta.dirname, 'results', 'facets-map.json'), `${JSON.stringify(figures, null, 2)}\n`);
