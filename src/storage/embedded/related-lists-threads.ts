import type { Logger } from '../../log.js';
import { startWorkerTask, StopRequest, type StopCheck } from '../../shared/worker-threads.js';
import { RelatedLists, type RangeArrays } from './related-lists.js';
import type { VectorIndex } from './vector-index.js';

/**
 * What the worker computes: the lists of labels `from`..count−1 of the graph saved at
 * `graphFile`, stopping when any of `stops` is raised.
 */
export interface RelatedRangeTask {
  graphFile: string;
  dimension: number;
  efSearch: number;
  count: number;
  from: number;
  stops: SharedArrayBuffer[];
}

/**
 * Collections from this size compute their related lists on two threads: a list is one graph
 * search (about half a millisecond at 75,000 papers, 36 s for them all on one core), and a
 * second thread costs loading the saved graph again (0.1 s at 75,000 papers).
 */
const parallelRelatedListsMinimum = 5_000;

/**
 * Every paper's related list (RelatedLists.compute), the upper half of the labels computed by a
 * worker thread from `graphFile` (the same graph, saved) while this thread computes the lower
 * half: the same lists in about half the time on two cores. Should the worker fail, the failure
 * is logged and this thread computes its half too. `stop` is checked between papers; when it is
 * a StopRequest, the worker reads the same flag.
 */
export async function computeRelatedLists(
  graph: VectorIndex,
  graphFile: string,
  count: number,
  log: Logger,
  stop?: StopCheck,
  parallelFrom = parallelRelatedListsMinimum,
): Promise<RelatedLists> {
  if (count < parallelFrom) return RelatedLists.compute(graph, count, stop);
  const from = Math.floor(count / 2);
  // The worker's own flag, raised if this thread's half fails: the caller's stays as it was.
  const workerStop = new StopRequest();
  const stops = [workerStop.buffer, ...(stop instanceof StopRequest ? [stop.buffer] : [])];
  const task = startWorkerTask<{ range: RangeArrays }>(import.meta.url, 'related-lists-worker', {
    graphFile,
    dimension: graph.dimension,
    efSearch: graph.efSearch,
    count,
    from,
    stops,
  } satisfies RelatedRangeTask);
  const lists = RelatedLists.toCompute(count);
  try {
    lists.computeRange(graph, 0, from, stop);
  } catch (error) {
    workerStop.request();
    await task.exited;
    throw error;
  }
  const answer = await task.answer;
  await task.exited;
  if (answer.ok) return lists.takeRange(from, answer.range);
  stop?.throwIfAborted();
  log.warn({ reason: answer.message }, 'the related lists thread failed; computing its half of the lists on the main thread');
  return lists.computeRange(graph, from, count, stop);
}
