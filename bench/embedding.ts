/**
 * Section 1, embedding throughput: papers/s of the product's ingestion CLI against the model's
 * own limit here (bench/workers/onnx-tight-loop.ts) on the same papers, alternating the two so
 * that a noisy neighbour hurts both alike. Both use every core (EMBED_THREADS defaults to the
 * core count; the tight loop gets the same threads and reports its best layout).
 */
import { availableParallelism } from 'node:os';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runWorker } from './lib/child-result.js';
import type { BenchContext, SectionResult } from './lib/context.js';
import { ingest, writeSlice } from './lib/dataset.js';
import { median } from './lib/stats.js';

export interface EmbeddingResult extends SectionResult {
  papers: number;
  threads: number;
  /** The ingestion's own figure: reading, validation, embedding, index and files (model load excluded). */
  ingestPapersPerSecond: number;
  /** The same with process start and model load, as a user times `npm run ingest`. */
  ingestWallPapersPerSecond: number;
  limitPapersPerSecond: number;
  /** Median over runs of ingestion ÷ limit in the same run. */
  ratio: number;
  runs: { ingestPapersPerSecond: number; ingestWallPapersPerSecond: number; limitPapersPerSecond: number }[];
}

export async function measureEmbedding(context: BenchContext): Promise<EmbeddingResult> {
  const papers = context.quick ? 300 : 2000;
  const threads = availableParallelism();
  const input = await writeSlice(context.dataFile, papers, join(context.cacheDir, `papers-${papers}.jsonl`));
  const runs: EmbeddingResult['runs'] = [];
  for (let run = 0; run < context.repetitions; run++) {
    const indexDir = join(context.cacheDir, 'tmp', 'embedding-index');
    await rm(indexDir, { recursive: true, force: true });
    // The defaults, pinned against an environment that sets others (EMBED_WORKERS: one a thread, at most eight).
    const ingested = ingest(input, indexDir, { EMBED_THREADS: String(threads), EMBED_BATCH_SIZE: '1', EMBED_WORKERS: String(Math.min(threads, 8)) });
    const reported = /([\d.]+) papers\/s/.exec(ingested.stderr);
    if (!reported) throw new Error(`the ingestion printed no papers/s:\n${ingested.stderr}`);
    const limit = await runWorker<{ papersPerSecond: number }>('bench/workers/onnx-tight-loop.ts', ['--papers', input, '--threads', String(threads)]);
    runs.push({
      ingestPapersPerSecond: Number(reported[1]),
      ingestWallPapersPerSecond: papers / (ingested.wallMs / 1000),
      limitPapersPerSecond: limit.papersPerSecond,
    });
    console.error(
      `embedding: run ${run + 1}: ingestion ${runs.at(-1)!.ingestPapersPerSecond.toFixed(1)} papers/s, limit ${limit.papersPerSecond.toFixed(1)} papers/s`,
    );
  }
  return {
    section: 'embedding',
    measuredAt: new Date().toISOString(),
    notes: [
      `${papers} papers (the first of the data file), the default EMBED_BATCH_SIZE (1) and EMBED_WORKERS, EMBED_THREADS ${threads}; the limit is the best layout of bench/workers/onnx-tight-loop.ts; ${runs.length} alternating runs, medians.`,
    ],
    papers,
    threads,
    ingestPapersPerSecond: median(runs.map((run) => run.ingestPapersPerSecond)),
    ingestWallPapersPerSecond: median(runs.map((run) => run.ingestWallPapersPerSecond)),
    limitPapersPerSecond: median(runs.map((run) => run.limitPapersPerSecond)),
    ratio: median(runs.map((run) => run.ingestPapersPerSecond / run.limitPapersPerSecond)),
    runs,
  };
}
