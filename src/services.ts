import type { Config } from './config/config.js';
import type { SchedulerObserver } from './embedding/embed-scheduler.js';
import { loadEmbedder } from './embedding/load-embedder.js';
import { QueryCachingEmbedder } from './embedding/query-cache.js';
import { AppError } from './errors.js';
import type { Logger } from './log.js';
import { SearchService } from './search/search-service.js';
import { collectionModel, openStorage } from './storage/open-storage.js';
import type { PaperStorage } from './storage/paper-storage.js';
import { WriteService } from './writes/write-service.js';

/** The services over the configured collection, with the model it was built with: what every front end runs on. */
export interface Services {
  search: SearchService;
  writes: WriteService;
  storage: PaperStorage;
  /** Texts and estimated tokens waiting for the model, and its measured rate. */
  modelQueue(): { texts: number; tokens: number; tokensPerSecond: number };
  /** Refuses new writes, closes the storage after the last one, stops the model. */
  close(): Promise<void>;
}

/**
 * Opens the configured collection and the model that built it, side by side, and builds the
 * services over them, the model warmed up. A failure releases whatever had loaded; `stop`
 * abandons fetching the model's files.
 */
export async function openServices(config: Config, log: Logger, modelObserver?: SchedulerObserver, stop?: AbortSignal): Promise<Services> {
  const started = performance.now();
  const model = await collectionModel(config, log);
  if (config.MODEL && config.MODEL !== model.id) {
    throw new AppError(
      'index_incompatible',
      `MODEL is ${config.MODEL} but the index at ${config.INDEX_DIR} was built with ${model.id}. ` +
        `Unset MODEL to serve this index, or rebuild it: npm run ingest -- --input <papers file> --index ${config.INDEX_DIR} --model ${config.MODEL}`,
    );
  }
  const [loadedEmbedder, openedStorage] = await Promise.allSettled([loadEmbedder(model, config, log, modelObserver, stop), openStorage(config, model, log)]);
  if (loadedEmbedder.status === 'rejected' || openedStorage.status === 'rejected') {
    if (loadedEmbedder.status === 'fulfilled') await loadedEmbedder.value.dispose();
    if (openedStorage.status === 'fulfilled') await openedStorage.value.close();
    // Whichever failed is the reason given, the model's first.
    throw loadedEmbedder.status === 'rejected' ? loadedEmbedder.reason : (openedStorage as PromiseRejectedResult).reason;
  }
  const embedder = loadedEmbedder.value;
  const storage = openedStorage.value;
  const search = new SearchService(storage, new QueryCachingEmbedder(embedder, config.QUERY_CACHE_SIZE), config.SEARCH_MODE, config.RESULT_CACHE_SIZE);
  const writes = new WriteService(storage, embedder);
  const { papers, pending } = await storage.stats();
  log.info({ papers, pendingWrites: pending, model: model.id, ms: Math.round(performance.now() - started) }, 'model and index loaded');
  return {
    search,
    writes,
    storage,
    modelQueue: () => embedder.queue,
    close: async () => {
      await writes.close();
      await storage.close();
      await embedder.dispose();
    },
  };
}
