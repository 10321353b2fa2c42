/**
 * Section 6, scale: 1,000,000 vectors (the real ones, then perturbed copies; lib/vectors.ts)
 * built with the product's VectorIndex and parameters, saved, then loaded by a fresh process and
 * queried by label as /v1/papers/:id/related does. Reports build time and peak RSS of the build,
 * load time, related-by-id p50/p99 and the peak RSS of the serving process (goal: under 4 GB).
 * The build is single-threaded and long, so its result is kept beside the index in
 * bench/.cache and reused until that file is deleted; the result says when it was built.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWorker } from './lib/child-result.js';
import type { BenchContext, SectionResult } from './lib/context.js';
import { medianOfRuns } from './lib/stats.js';

export const scaleCount = 1_000_000;

interface BuildFigures {
  count: number;
  buildMs: number;
  saveMs: number;
  peakRssMiB: number;
  builtAt?: string;
}
interface ServeFigures {
  loadMs: number;
  rssAfterLoadMiB: number;
  p50: number;
  p99: number;
  peakRssMiB: number;
}

export interface ScaleResult extends SectionResult {
  count: number;
  build: BuildFigures;
  serve: ServeFigures;
  indexFileMiB: number;
}

export async function measureScale(context: BenchContext): Promise<ScaleResult> {
  const indexFile = join(context.cacheDir, `scale-${scaleCount}.hnsw`);
  const buildFile = `${indexFile}.build.json`;
  let build: BuildFigures;
  if (existsSync(indexFile) && existsSync(buildFile)) {
    build = JSON.parse(readFileSync(buildFile, 'utf8')) as BuildFigures;
    console.error(`scale: reusing the ${scaleCount} index built at ${build.builtAt}`);
  } else {
    console.error(`scale: building ${scaleCount} vectors (single-threaded, tens of minutes)`);
    build = {
      ...(await runWorker<BuildFigures>('bench/workers/hnsw-build.ts', [
        '--vectors',
        context.dataset.vectorsFile,
        '--count',
        String(scaleCount),
        '--out',
        indexFile,
      ])),
      builtAt: new Date().toISOString(),
    };
    writeFileSync(buildFile, JSON.stringify(build));
  }
  const runs: ServeFigures[] = [];
  for (let round = 0; round < context.repetitions; round++) {
    runs.push(await runWorker<ServeFigures>('bench/workers/hnsw-related.ts', ['--index', indexFile, '--count', String(scaleCount), '--queries', '2000']));
  }
  return {
    section: 'scale',
    measuredAt: new Date().toISOString(),
    notes: [
      `${context.dataset.count} real vectors plus perturbed copies (gaussian noise, sigma 0.02 per dimension, renormalized) up to ${scaleCount}; HNSW M 16, efConstruction 200, ef 128.`,
      'Serving memory is the peak RSS of a process that loads the saved index and answers 2,000 related-by-id queries; the paper records and BM25 index of a 1M-paper service are not part of it.',
    ],
    count: scaleCount,
    build,
    serve: medianOfRuns(runs.map(({ loadMs, rssAfterLoadMiB, p50, p99, peakRssMiB }) => ({ loadMs, rssAfterLoadMiB, p50, p99, peakRssMiB }))),
    indexFileMiB: statSync(indexFile).size / 2 ** 20,
  };
}
