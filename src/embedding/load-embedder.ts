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
    batchSize: config.EMBED_BATCH_SIZE,
    maxQueuedTokens: config.EMBED_QUEUE_MAX_TOKENS,
    observer,
    log,
  });
  log.info({ model: model.id, ms: Math.round(performance.now() - started) }, 'model loaded');
  return embedder;
}
