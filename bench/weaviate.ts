/**
 * The Weaviate section: the same collection on both backends. Loads the dataset's stored papers
 * and vectors (no model call: the embedding rate is the embedding section's) into an embedded
 * index folder and into a collection of the Weaviate cluster named by WEAVIATE_URL and
 * WEAVIATE_GRPC (`eval "$(scripts/weaviate/cluster.sh start)"`), then serves each with the
 * compiled server and loads /v1/search (hybrid: the model embeds every query) and
 * /v1/papers/:id/related (storage only) at 1 and 32 clients, rounds interleaved. Memory: the
 * product server's peak RSS per backend and each Weaviate node's RSS after the load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/log.js';
import { EmbeddedStorage } from '../src/storage/embedded/embedded-storage.js';
import { modelOfManifest, readManifest } from '../src/storage/embedded/manifest.js';
import { copyCollection } from '../scripts/eval/copy-collection.js';
import { createCollectionBuilder } from '../src/storage/open-storage.js';
import type { CollectionBuilder, PaperStorage } from '../src/storage/paper-storage.js';
import { readCollectionPointer } from '../src/storage/weaviate/collection-pointer.js';
import type { BenchContext, SectionResult } from './lib/context.js';
import { runLoad, type LoadRequest, type LoadResult } from './lib/load-generator.js';
import { readPapers } from './lib/papers.js';
import { memoryMiB } from './lib/process-memory.js';
import { startServer } from './lib/server.js';
import { medianOfRuns } from './lib/stats.js';

const clientCounts = [1, 32] as const;
const backends = ['embedded', 'weaviate'] as const;

interface LoadFigures extends LoadResult {
  backend: (typeof backends)[number];
  route: string;
}

export interface WeaviateResult extends SectionResult {
  count: number;
  layout: { shards: number; replicationFactor: number; consistency: string; nodes: number };
  /** Papers/s of the storage alone (vectors given): an embedded index folder, and a Weaviate collection. */
  ingest: { embedded: { papersPerSecond: number; seconds: number }; weaviate: { papersPerSecond: number; seconds: number } };
  routes: LoadFigures[];
  /** Peak RSS of the product's server on each backend (MiB). */
  serverPeakRssMiB: Record<string, number>;
  /** RSS of each Weaviate node after the load (MiB), and the data folder's size on disk. */
  weaviateNodes: { node: string; rssMiB: number; peakRssMiB: number }[];
}

export async function measureWeaviate(context: BenchContext, port: number): Promise<WeaviateResult> {
  const environment: NodeJS.ProcessEnv = { ...process.env, BACKEND: 'weaviate' };
  if (!environment.WEAVIATE_URL || !environment.WEAVIATE_GRPC) {
    throw new Error('the weaviate section needs a cluster: eval "$(scripts/weaviate/cluster.sh start)" and export WEAVIATE_URL WEAVIATE_GRPC');
  }
  const settings = loadConfig({ ...environment, WEAVIATE_COLLECTION: `Bench${context.dataset.count}` });
  const log = createLogger('warn');
  const model = modelOfManifest(await readManifest(context.dataset.indexDir));
  const source = await EmbeddedStorage.open({
    folder: context.dataset.indexDir,
    model,
    efSearch: settings.HNSW_EF_SEARCH,
    walDir: `${context.dataset.indexDir}.no-wal`,
    acceptsWrites: false,
    snapshotAfterOperations: 1,
    snapshotAfterMs: 60_000,
    log,
  });
  const embeddedDir = join(context.cacheDir, `weaviate-bench-embedded-${context.dataset.count}`);
  const weaviateDir = join(context.cacheDir, `weaviate-bench-pointer-${context.dataset.count}`);
  const ingestFile = join(context.cacheDir, `weaviate-bench-ingest-${context.dataset.count}.json`);
  let ingest: WeaviateResult['ingest'];
  try {
    const pointer = await readCollectionPointer(weaviateDir);
    if (pointer?.count === context.dataset.count && existsSync(ingestFile) && existsSync(join(embeddedDir, 'manifest.json'))) {
      console.error(`weaviate: reusing the collection ${pointer.collection} (alias ${pointer.alias}) and the ingestion figures of ${ingestFile}`);
      ingest = JSON.parse(readFileSync(ingestFile, 'utf8')) as WeaviateResult['ingest'];
    } else {
      await rm(embeddedDir, { recursive: true, force: true });
      await mkdir(context.cacheDir, { recursive: true });
      const embedded = await copyInto(source, await createCollectionBuilder(embeddedDir, model));
      console.error(`weaviate: embedded index folder ${embedded.papersPerSecond.toFixed(0)} papers/s`);
      const weaviate = await copyInto(source, await createCollectionBuilder(weaviateDir, model, settings));
      console.error(`weaviate: Weaviate collection ${weaviate.papersPerSecond.toFixed(0)} papers/s`);
      ingest = { embedded, weaviate };
      await writeFile(ingestFile, `${JSON.stringify(ingest)}\n`);
    }
  } finally {
    await source.close();
  }

  const durationS = context.quick ? 3 : 10;
  const papers = await readPapers(context.dataset.indexDir, 2000);
  let i = 0;
  const nextPaper = () => papers[i++ % papers.length]!;
  const routes: Record<string, () => LoadRequest> = {
    '/v1/search': () => ({ method: 'POST', path: '/v1/search', body: { query: nextPaper().title ?? 'graph neural networks', k: 10 } }),
    '/v1/papers/:id/related': () => ({ method: 'GET', path: `/v1/papers/${encodeURIComponent(nextPaper().id)}/related?k=10` }),
  };
  const samples = new Map<string, LoadResult[]>();
  const serverPeakRssMiB: Record<string, number> = {};
  // One server per backend for the whole section, so what a server caches (the Weaviate
  // backend's term counts, the records either backend has parsed) is what a running service has:
  // the first round finds it cold, the later ones warm.
  const servers = new Map<(typeof backends)[number], Awaited<ReturnType<typeof startServer>>>();
  try {
    for (const [i, backend] of backends.entries()) {
      const server = await startServer(backend === 'embedded' ? embeddedDir : weaviateDir, {
        port: port + i,
        env: { QUERY_CACHE_SIZE: '0', RESULT_CACHE_SIZE: '0', BACKEND: backend },
      });
      servers.set(backend, server);
      await runLoad(server.base, 8, 2, routes['/v1/search']!); // warm-up
    }
    for (let round = 0; round < context.repetitions; round++) {
      for (const [backend, server] of servers) {
        for (const connections of clientCounts) {
          for (const [route, next] of Object.entries(routes)) {
            const result = await runLoad(server.base, connections, durationS, next);
            const key = `${backend} ${route} ${connections}`;
            samples.set(key, [...(samples.get(key) ?? []), result]);
            console.error(
              `weaviate: ${backend.padEnd(8)} ${route.padEnd(24)} ${String(connections).padStart(2)} clients: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`,
            );
          }
        }
      }
    }
    for (const [backend, server] of servers) serverPeakRssMiB[backend] = memoryMiB(server.process.pid!).peakRssMiB;
  } finally {
    for (const server of servers.values()) await server.stop();
  }
  const figures: LoadFigures[] = [...samples.entries()].map(([key, runs]) => {
    const [backend, route] = key.split(' ') as [LoadFigures['backend'], string];
    return { backend, route, ...medianOfRuns(runs) };
  });
  return {
    section: 'weaviate',
    measuredAt: new Date().toISOString(),
    notes: [
      `Both backends serve the same ${context.dataset.count} papers and vectors (${model.id}); ingestion figures are the storage's alone (vectors given; embedding is ~40 papers/s on 2 cores).`,
      `Weaviate: ${weaviateNodeCount()} nodes on this machine, ${settings.WEAVIATE_SHARDS} shards, replication factor ${settings.WEAVIATE_REPLICATION_FACTOR}, consistency ${settings.WEAVIATE_CONSISTENCY}; the product server, both Weaviate nodes and the load generator share the 2 cores.`,
      `${durationS} s per route, backend and client count; ${context.repetitions} rounds alternating the backends, each served by one server for the whole section (the first round finds its caches cold); medians. QUERY_CACHE_SIZE=0 and RESULT_CACHE_SIZE=0, hybrid search.`,
    ],
    count: context.dataset.count,
    layout: {
      shards: settings.WEAVIATE_SHARDS,
      replicationFactor: settings.WEAVIATE_REPLICATION_FACTOR,
      consistency: settings.WEAVIATE_CONSISTENCY,
      nodes: weaviateNodeCount(),
    },
    ingest,
    routes: figures,
    serverPeakRssMiB,
    weaviateNodes: weaviateNodeMemory(),
  };
}

/** Copies every paper and vector of `source` into `builder`, timing the storage side. */
async function copyInto(source: PaperStorage, builder: CollectionBuilder): Promise<{ papersPerSecond: number; seconds: number }> {
  const started = performance.now();
  await copyCollection(source, builder, { input: 'bench dataset' }, (copied) => {
    if (copied % 10_000 < 1_000) console.error(`weaviate: copied ${copied} papers`);
  });
  const seconds = (performance.now() - started) / 1000;
  return { papersPerSecond: builder.size / seconds, seconds };
}

function weaviateDataDir(): string {
  return process.env.WEAVIATE_DATA_DIR ?? '.weaviate-data';
}

function weaviateNodeCount(): number {
  return Number(process.env.WEAVIATE_NODES ?? 2);
}

function weaviateNodeMemory(): WeaviateResult['weaviateNodes'] {
  return Array.from({ length: weaviateNodeCount() }, (_, n) => {
    const pidFile = join(weaviateDataDir(), `node${n + 1}`, 'weaviate.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : Number.NaN;
    const memory = Number.isInteger(pid) ? memoryMiB(pid) : { rssMiB: Number.NaN, peakRssMiB: Number.NaN };
    return { node: `node${n + 1}`, ...memory };
  });
}
