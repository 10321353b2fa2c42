import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import type { SchedulerObserver } from './embed-scheduler.js';
import { ensureModelFiles } from './model-files.js';
import type { ModelDescription } from './model-registry.js';
import { WorkerEmbedder } from './worker-embedder.js';

/**
 * Fetches the model's files if they are missing, then loads it. `stop` abandons a fetch (which
 * can take minutes); a model being loaded into its workers is waited for, as a worker thread
 * cannot be ended inside ONNX Runtime.
 */
export async function loadEmbedder(
  model: ModelDescription,
  config: Config,
  log: Logger,
  observer?: SchedulerObserver,
  stop?: AbortSignal,
): Promise<WorkerEmbedder> {
  await ensureModelFiles(model, {
    modelDir: config.MODEL_DIR,
    sources: config.MODEL_SOURCES,
    hubEndpoint: config.HF_ENDPOINT,
    log,
    ...(stop ? { signal: stop } : {}),
  });
  const started = performance.now();
  const threading = modelThreads(config);
  const embedder = await WorkerEmbedder.create(model, {
    modelDir: config.MODEL_DIR,
    ...threading,
    batchSize: config.EMBED_BATCH_SIZE,
    maxBatchTokens: config.EMBED_BATCH_MAX_TOKENS,
    maxQueuedTokens: config.EMBED_QUEUE_MAX_TOKENS,
    observer,
    log,
  });
  log.info({ model: model.id, workers: threading.workers, threads: threading.threads, ms: Math.round(performance.now() - started) }, 'model loaded');
  return embedder;
}

/** Model workers when EMBED_WORKERS is unset (see modelThreads). */
const defaultMaxWorkers = 8;

/**
 * How the model's threads are laid out: `workers` model workers of `threads` threads each, and
 * `queryThreads` for a call of short search queries.
 *
 * One worker a thread by default, at most eight (with more threads, each of the eight gets
 * EMBED_THREADS ÷ 8 of them, rounded down): on two cores, 32 clients sending abstracts got
 * 1.15–1.28x the answers per second of one worker with both threads, because ONNX Runtime's
 * threads wait for each other at every operation and the main thread, busy on the same cores with
 * the indexes, kept stalling them; and a one-thread session embeds a text alone (each text in a
 * run of its own, EMBED_BATCH_SIZE 1) at about 1.2x the rate of the best batched layout, where a
 * two-thread session runs it at about 0.75x of its own batched rate (see
 * docs/performance.md#model-workers). Measured on two cores only. Each worker holds a copy of the
 * model and its working memory (about 90 MB each with MiniLM at rest), hence the cap.
 *
 * Short queries (model calls of at most 64 tokens, see transformers-embedder.ts) take one core
 * fewer than the model has (at least one, at most a worker's threads), and calls of queries run
 * side by side only as far as they leave the main thread a core (`queryCalls`; one on two cores,
 * see EmbedScheduler): the index work a search does with the query's vector runs on the main
 * thread at the same time as the next queries' model call. On two cores, 32 clients searching got
 * about 1.5x the searches per second this way (200–227 against 125–151).
 */
export function modelThreads(config: Pick<Config, 'EMBED_THREADS' | 'EMBED_WORKERS' | 'EMBED_QUERY_THREADS'>): {
  workers: number;
  threads: number;
  queryThreads: number;
  queryCalls: number;
} {
  const workers = config.EMBED_WORKERS ?? Math.min(defaultMaxWorkers, config.EMBED_THREADS);
  const threads = Math.max(1, Math.floor(config.EMBED_THREADS / workers));
  const queryThreads = config.EMBED_QUERY_THREADS ?? Math.max(1, Math.min(threads, config.EMBED_THREADS - 1));
  const queryCalls = Math.max(1, Math.min(workers, Math.floor((config.EMBED_THREADS - 1) / queryThreads)));
  return { workers, threads, queryThreads, queryCalls };
}
