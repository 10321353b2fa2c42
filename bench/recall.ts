/**
 * Section 4, accuracy next to speed: recall@10 of the served index against exact search at each
 * ef offered (HNSW_EF_SEARCH, 10 to 2,000; the default is 128), with the latency at that ef.
 * The chart (bench/report.ts) draws this curve with the peers' points.
 */
import { join } from 'node:path';
import { runWorker } from './lib/child-result.js';
import type { BenchContext, SectionResult } from './lib/context.js';
import { groundTruth } from './lib/exact.js';
import { medianOfRuns } from './lib/stats.js';
import { readVectors } from './lib/vectors.js';

export const efValues = [10, 16, 32, 64, 128, 256, 512, 1024];

export interface RecallPoint {
  ef: number;
  recall10: number;
  p50: number;
  p99: number;
}

export interface RecallResult extends SectionResult {
  count: number;
  queries: number;
  points: RecallPoint[];
}

/** The ground truth file for the dataset, computed once (brute force) and cached. */
export function truthFile(context: BenchContext): string {
  const queries = context.quick ? 200 : 500;
  const file = join(context.cacheDir, `truth-${context.dataset.count}-${queries}.json`);
  groundTruth(readVectors(context.dataset.vectorsFile, context.dataset.count), context.dataset.count, queries, file);
  return file;
}

export async function measureRecall(context: BenchContext): Promise<RecallResult> {
  const truth = truthFile(context);
  const runs: RecallPoint[][] = [];
  for (let round = 0; round < context.repetitions; round++) {
    runs.push(
      await runWorker<RecallPoint[]>('bench/workers/ef-sweep.ts', [
        '--index',
        join(context.dataset.indexDir, 'hnsw.bin'),
        '--truth',
        truth,
        '--efs',
        efValues.join(','),
      ]),
    );
  }
  const points = efValues.map((ef, i) => {
    const { recall10, p50, p99 } = medianOfRuns(runs.map((run) => ({ recall10: run[i]!.recall10, p50: run[i]!.p50, p99: run[i]!.p99 })));
    return { ef, recall10, p50, p99 };
  });
  return {
    section: 'recall',
    measuredAt: new Date().toISOString(),
    notes: ['Queries are stored papers (related-by-id, the paper itself excluded); exact top 10 by brute-force inner product over all vectors.'],
    count: context.dataset.count,
    queries: context.quick ? 200 : 500,
    points,
  };
}
