/**
 * Section 3, query latency and throughput over HTTP: the compiled server as a child process,
 * autocannon in this process, 1, 8 and 32 concurrent keep-alive clients per route. /healthz is
 * the HTTP baseline (the same server, express and sockets, no work); hnswlib-node queried in
 * its own process is the index baseline. Rounds interleave routes and client counts so a noisy
 * neighbour is spread over all of them; each figure is the median over rounds.
 * The machine has two cores and the load generator takes CPU from the server: throughput at
 * 8 and 32 clients is that of server and client together on this machine.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../src/shared/seeded-random.js';
import { runWorker } from './lib/child-result.js';
import type { BenchContext, SectionResult } from './lib/context.js';
import { runLoad, type LoadRequest, type LoadResult } from './lib/load-generator.js';
import { readPapers } from './lib/papers.js';
import { memoryMiB } from './lib/process-memory.js';
import { startServer } from './lib/server.js';
import { median, medianOfRuns, type LatencySummary } from './lib/stats.js';

export const clientCounts = [1, 8, 32] as const;

/** Related-by-id with `Accept-Encoding: gzip`: kept answers are sent compressed. */
export const relatedGzip = '/v1/papers/:id/related (gzip)';

/** Related-by-id with `Cache-Control: no-cache`: the server's kept encoded answers are not used. */
export const relatedComputed = '/v1/papers/:id/related (no-cache)';

/**
 * Related-by-id of any paper of the collection, drawn at random: at 74,728 papers most are asked
 * for the first time (ANSWER_CACHE_MB keeps some 7,000 lists), as a load generator that draws ids
 * from the whole collection asks.
 */
export const relatedAnyPaper = '/v1/papers/:id/related (any paper)';

/** The same as a client that takes gzip asks: what a Go or Python load generator drawing ids from the whole collection measures. */
export const relatedAnyPaperGzip = '/v1/papers/:id/related (any paper, gzip)';

export interface RouteFigures extends LoadResult {
  route: string;
}

export interface HttpResult extends SectionResult {
  count: number;
  durationS: number;
  rounds: number;
  routes: RouteFigures[];
  serverPeakRssMiB: number;
  /**
   * The model's own rate on the abstracts /v1/similar is sent (ONNX sessions in a tight loop on
   * pre-tokenized calls, the best of the layouts of bench/workers/onnx-tight-loop.ts with as many
   * threads as the server's model), measured between the load rounds with the server idle: the
   * ceiling of /v1/similar's req/s.
   */
  modelAbstractsPerSecond: number;
  /** Related-by-id in one process, no HTTP: the product's VectorIndex and hnswlib-node itself. */
  indexBaseline: { vectorIndex: LatencySummary; hnswlibRaw: LatencySummary };
}

/** Each route with a generator of varied requests: every query text or paper differs. */
function routes(papers: { id: string; title?: string; abstract: string }[], everyId: readonly string[]): Record<string, () => LoadRequest> {
  let i = 0;
  const nextPaper = () => papers[i++ % papers.length]!;
  const random = seededRandom(7);
  return {
    '/healthz': () => ({ method: 'GET', path: '/healthz' }),
    '/v1/papers/:id/related': () => ({ method: 'GET', path: `/v1/papers/${encodeURIComponent(nextPaper().id)}/related?k=10` }),
    // The same as a client that takes gzip asks (browsers; Go's HTTP client, so hey and vegeta).
    [relatedGzip]: () => ({
      method: 'GET',
      path: `/v1/papers/${encodeURIComponent(nextPaper().id)}/related?k=10`,
      headers: { 'accept-encoding': 'gzip' },
    }),
    // The same lists computed and encoded for every request, as a first ask of each is.
    [relatedComputed]: () => ({
      method: 'GET',
      path: `/v1/papers/${encodeURIComponent(nextPaper().id)}/related?k=10`,
      headers: { 'cache-control': 'no-cache' },
    }),
    [relatedAnyPaper]: () => ({ method: 'GET', path: `/v1/papers/${encodeURIComponent(everyId[Math.floor(random() * everyId.length)]!)}/related?k=10` }),
    [relatedAnyPaperGzip]: () => ({
      method: 'GET',
      path: `/v1/papers/${encodeURIComponent(everyId[Math.floor(random() * everyId.length)]!)}/related?k=10`,
      headers: { 'accept-encoding': 'gzip' },
    }),
    // A title makes a realistic short query; hybrid is the service's default mode.
    '/v1/search': () => ({ method: 'POST', path: '/v1/search', body: { query: nextPaper().title ?? 'graph neural networks', k: 10 } }),
    '/v1/similar': () => {
      const paper = nextPaper();
      return { method: 'POST', path: '/v1/similar', body: { title: paper.title, abstract: paper.abstract, k: 10 } };
    },
  };
}

/**
 * Waits for the server to finish what a cell left it: autocannon stops at its deadline, but
 * the server still answers the requests in flight (up to 32 abstracts waiting for the model for
 * /v1/similar), which would otherwise run during the next cell. One more request of the same
 * route queues behind them.
 */
async function settle(base: string, request: LoadRequest): Promise<void> {
  const { method, path, body, headers } = request;
  const init = body === undefined ? { method, headers } : { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
  await (await fetch(`${base}${path}`, init)).arrayBuffer();
}

export async function measureHttp(context: BenchContext, port: number): Promise<HttpResult> {
  const durationS = context.quick ? 3 : 10;
  const papers = await readPapers(context.dataset.indexDir, 2000);
  const generators = routes(
    papers,
    (await readPapers(context.dataset.indexDir, Number.POSITIVE_INFINITY)).map((paper) => paper.id),
  );
  // The query cache off: every search pays for the model, as a new query does.
  const server = await startServer(context.dataset.indexDir, { port, env: { QUERY_CACHE_SIZE: '0', RESULT_CACHE_SIZE: '0' } });
  const samples = new Map<string, LoadResult[]>();
  const modelRates: number[] = [];
  const abstractsFile = join(context.cacheDir, 'tmp', 'similar-abstracts.jsonl');
  // Ten batches are a steady state; the whole 2,000 would take minutes of model time a round.
  const modelPapers = papers.slice(0, 320);
  await writeFile(abstractsFile, modelPapers.map(({ title, abstract }) => JSON.stringify({ title, abstract })).join('\n'));
  let serverPeakRssMiB = Number.NaN;
  try {
    await runLoad(server.base, 8, 2, generators['/v1/search']!); // warm-up: JIT, model arenas, page cache
    for (let round = 0; round < context.repetitions; round++) {
      for (const connections of clientCounts) {
        for (const [route, next] of Object.entries(generators)) {
          const result = await runLoad(server.base, connections, durationS, next);
          await settle(server.base, next());
          const key = `${route} ${connections}`;
          samples.set(key, [...(samples.get(key) ?? []), result]);
          console.error(
            `http: ${route.padEnd(24)} ${String(connections).padStart(2)} clients: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms`,
          );
        }
      }
      const model = await runWorker<{ papersPerSecond: number }>('bench/workers/onnx-tight-loop.ts', [
        '--papers',
        abstractsFile,
        '--threads',
        String(availableParallelism()),
      ]);
      modelRates.push(model.papersPerSecond);
      console.error(`http: model on the abstracts, server idle: ${model.papersPerSecond.toFixed(1)} abstracts/s`);
    }
    serverPeakRssMiB = memoryMiB(server.process.pid!).peakRssMiB;
  } finally {
    await server.stop();
  }
  const figures: RouteFigures[] = [...samples.entries()].map(([key, runs]) => {
    const { connections, requestsPerSecond, p50, p95, p99, errors } = medianOfRuns(runs);
    return { route: key.slice(0, key.lastIndexOf(' ')), connections, requestsPerSecond, p50, p95, p99, errors };
  });

  const hnsw = join(context.dataset.indexDir, 'hnsw.bin');
  const baseline = async (raw: boolean): Promise<LatencySummary> => {
    const runs: LatencySummary[] = [];
    for (let round = 0; round < context.repetitions; round++) {
      runs.push(
        await runWorker<LatencySummary>('bench/workers/hnsw-related.ts', [
          '--index',
          hnsw,
          '--count',
          String(context.dataset.count),
          '--queries',
          '2000',
          ...(raw ? ['--raw'] : []),
        ]),
      );
    }
    return medianOfRuns(runs.map(({ p50, p95, p99, n }) => ({ p50, p95, p99, n })));
  };
  return {
    section: 'http',
    measuredAt: new Date().toISOString(),
    notes: [
      `${durationS} s per route and client count, ${context.repetitions} interleaved rounds, medians; QUERY_CACHE_SIZE=0 and RESULT_CACHE_SIZE=0, default HNSW_EF_SEARCH, SEARCH_MODE (hybrid) and ANSWER_CACHE_MB (related lists kept encoded; the no-cache rows compute and encode every answer).`,
      'Two cores: autocannon runs beside the server and takes CPU from it, so req/s at 8 and 32 clients is a floor for the server alone.',
    ],
    count: context.dataset.count,
    durationS,
    rounds: context.repetitions,
    routes: figures,
    serverPeakRssMiB,
    modelAbstractsPerSecond: median(modelRates),
    indexBaseline: { vectorIndex: await baseline(false), hnswlibRaw: await baseline(true) },
  };
}

export const findRoute = (result: HttpResult, route: string, connections: number): RouteFigures | undefined =>
  result.routes.find((figures) => figures.route === route && figures.connections === connections);
