/**
 * Section 2, the index: build time and peak memory from the stored vectors (no model), load
 * time of the saved index, and the server's start-up to ready and resident memory once ready.
 * Builds and loads run in their own processes (bench/workers/) so each peak RSS is theirs.
 */
import { join } from 'node:path';
import { runWorker } from './lib/child-result.js';
import type { BenchContext, SectionResult } from './lib/context.js';
import { memoryMiB } from './lib/process-memory.js';
import { startServer } from './lib/server.js';
import { median } from './lib/stats.js';

interface BuildRun {
  buildMs: number;
  peakRssMiB: number;
}
interface LoadRun {
  loadMs: number;
  rssAfterLoadMiB: number;
}

export interface IndexResult extends SectionResult {
  builds: { count: number; buildMs: number; peakRssMiB: number }[];
  load: { count: number; loadMs: number; rssAfterLoadMiB: number };
  server: { count: number; readyMs: number; rssReadyMiB: number; runs: number[] };
}

export const sliceSizes = (context: BenchContext): number[] =>
  context.quick ? [context.dataset.count] : [5_000, 20_000, context.dataset.count].filter((size) => size <= context.dataset.count);

export async function measureIndex(context: BenchContext, port: number): Promise<IndexResult> {
  const builds: IndexResult['builds'] = [];
  for (const count of sliceSizes(context)) {
    const runs: BuildRun[] = [];
    for (let run = 0; run < context.repetitions; run++) {
      runs.push(
        await runWorker<BuildRun>('bench/workers/hnsw-build.ts', [
          '--vectors',
          context.dataset.vectorsFile,
          '--count',
          String(count),
          '--out',
          join(context.cacheDir, 'tmp', `build-${count}.hnsw`),
        ]),
      );
    }
    builds.push({ count, buildMs: median(runs.map((run) => run.buildMs)), peakRssMiB: median(runs.map((run) => run.peakRssMiB)) });
    console.error(`index: built ${count} vectors in ${(builds.at(-1)!.buildMs / 1000).toFixed(1)} s`);
  }

  const loads: LoadRun[] = [];
  for (let run = 0; run < context.repetitions; run++) {
    loads.push(
      await runWorker<LoadRun>('bench/workers/hnsw-related.ts', [
        '--index',
        join(context.dataset.indexDir, 'hnsw.bin'),
        '--count',
        String(context.dataset.count),
        '--queries',
        '10',
      ]),
    );
  }

  const readyRuns: number[] = [];
  const rssRuns: number[] = [];
  for (let run = 0; run < context.repetitions; run++) {
    const server = await startServer(context.dataset.indexDir, { port });
    readyRuns.push(server.readyMs);
    rssRuns.push(memoryMiB(server.process.pid!).rssMiB);
    await server.stop();
  }
  console.error(`index: server ready in ${median(readyRuns).toFixed(0)} ms`);
  return {
    section: 'index',
    measuredAt: new Date().toISOString(),
    notes: [
      'Builds use the product VectorIndex (hnswlib-node, M 16, efConstruction 200, inner product) from the stored vectors: one core, as the ingestion does.',
      'Server start-up is spawn of dist/cli/serve.js to the first 200 from /readyz (index, papers, BM25 and model loaded); RSS is read from /proc right then.',
    ],
    builds,
    load: { count: context.dataset.count, loadMs: median(loads.map((run) => run.loadMs)), rssAfterLoadMiB: median(loads.map((run) => run.rssAfterLoadMiB)) },
    server: { count: context.dataset.count, readyMs: median(readyRuns), rssReadyMiB: median(rssRuns), runs: readyRuns },
  };
}
