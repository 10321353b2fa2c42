import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import type { SchedulerObserver } from './embed-scheduler.js';
import { ensureModelFiles } from './model-files.js';
import type { ModelDescription } from './model-registry.js';
import { WorkerEmbedder } from './worker-embedder.js';

/** Fetches the model's files if they are missing, then loads it. */
export async function loadEmbedder(model: ModelDescription, config: Config, log: Logger, observer?: SchedulerObserver): Promise<WorkerEmbedder> {
  await ensureModelFiles(model, { modelDir: config.MODEL_DIR, sources: config.MODEL_SOURCES, hubEndpoint: config.HF_ENDPOINT, log });
  const started = performance.now();
  const embedder = await WorkerEmbedder.create(model, {
    modelDir: config.MODEL_DIR,
    threads: config.EMBED_THREADS,
    queryThreads: queryThreads(config),
    batchSize: config.EMBED_BATCH_SIZE,
    maxBatchTokens: config.EMBED_BATCH_MAX_TOKENS,
    maxQueuedTokens: config.EMBED_QUEUE_MAX_TOKENS,
    observer,
    log,
  });
  log.info({ model: model.id, ms: Math.round(performance.now() - started) }, 'model loaded');
  return embedder;
}

/**
 * Short queries (model calls of at most 64 tokens, see transformers-embedder.ts) take one core
 * fewer than passages (at least one): the index work a search does with the query's vector runs
 * on the main thread at the same time as the next queries' model call.
 * On two cores, 32 clients searching got about 1.5x the searches per second this way (200–227
 * against 125–151), for about 1 ms more at one client (see docs/performance.md).
 */
export function queryThreads(config: Pick<Config, 'EMBED_THREADS' | 'EMBED_QUERY_THREADS'>): number {
  return config.EMBED_QUERY_THREADS ?? Math.max(1, config.EMBED_THREADS - 1);
}
