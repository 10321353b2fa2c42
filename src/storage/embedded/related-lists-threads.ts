import { startSiblingWorker, StopRequest, type StopCheck } from '../../shared/worker-threads.js';
import { RelatedLists } from './related-lists.js';
import type { VectorIndex } from './vector-index.js';

/** What the worker computes: the lists of labels `from`..count−1 of the graph saved at `graphFile`. */
export interface RelatedRangeTask {
  graphFile: string;
  dimension: number;
  efSearch: number;
  count: number;
  from: number;
  stop: SharedArrayBuffer;
}

export type RelatedRangeAnswer = { ok: true; range: { labels: Int32Array; scores: Float32Array; lengths: Int16Array } } | { ok: false; message: string };

/**
 * Collections from this size compute their related lists on two threads: a list is one graph
 * search (about half a millisecond at 75,000 papers, 33–47 s for them all on one core), and a
 * second thread costs loading the saved graph again (0.1 s at 75,000 papers).
 */
export const parallelRelatedListsMinimum = 5_000;

/**
 * Every paper's related list (RelatedLists.compute), the upper half of the labels computed by a
 * worker thread from `graphFile` (the same graph, saved) while this thread computes the lower
 * half: the same lists in about half the time on two cores. Should the worker fail, this thread
 * computes its half too. `stop` is checked between papers; when it is a StopRequest, the worker
 * reads the same flag.
 */
export async function computeRelatedLists(
  graph: VectorIndex,
  graphFile: string,
  count: number,
  stop?: StopCheck,
  parallelFrom = parallelRelatedListsMinimum,
): Promise<RelatedLists> {
  if (count < parallelFrom) return RelatedLists.compute(graph, count, stop);
  const from = Math.floor(count / 2);
  const workerStop = stop instanceof StopRequest ? stop : new StopRequest();
  const task: RelatedRangeTask = { graphFile, dimension: graph.dimension, efSearch: graph.efSearch, count, from, stop: workerStop.buffer };
  const worker = startSiblingWorker(import.meta.url, 'related-lists-worker', task);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const answer = new Promise<RelatedRangeAnswer>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (error) => resolve({ ok: false, message: error.message }));
    worker.once('exit', (code) => resolve({ ok: false, message: `the worker exited with code ${code}` }));
  });
  const lists = RelatedLists.toCompute(count);
  try {
    lists.computeRange(graph, 0, from, stop);
  } catch (error) {
    workerStop.request();
    await exited;
    throw error;
  }
  const answered = await answer;
  await exited;
  return answered.ok ? lists.takeRange(from, answered.range) : lists.computeRange(graph, from, count, stop);
}
