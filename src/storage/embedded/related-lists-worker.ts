/**
 * Computes the related lists of a range of labels (see computeRelatedLists) from a saved graph,
 * beside the thread that computes the others from the same graph in memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { eitherStop, StopRequest, type TaskAnswer } from '../../shared/worker-threads.js';
import { RelatedLists, type RangeArrays } from './related-lists.js';
import type { RelatedRangeTask } from './related-lists-threads.js';
import { VectorIndex } from './vector-index.js';

const { graphFile, dimension, efSearch, count, from, stops } = workerData as RelatedRangeTask;
try {
  const graph = await VectorIndex.load(graphFile, dimension, efSearch);
  const range = RelatedLists.computeRangeArrays(graph, from, count, eitherStop(...stops.map((buffer) => new StopRequest(buffer))));
  parentPort!.postMessage({ ok: true, range } satisfies TaskAnswer<{ range: RangeArrays }>, [
    range.labels.buffer as ArrayBuffer,
    range.scores.buffer as ArrayBuffer,
    range.lengths.buffer as ArrayBuffer,
  ]);
} catch (error) {
  parentPort!.postMessage({ ok: false, message: String((error as { message?: unknown }).message) } satisfies TaskAnswer<never>);
}
