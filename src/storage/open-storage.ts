import { walDirOf, type Config } from '../config/config.js';
import type { ModelDescription } from '../embedding/model-registry.js';
import type { Logger } from '../log.js';
import { restoreInterruptedReplace } from '../shared/fs-atomic.js';
import { EmbeddedStorage } from './embedded/embedded-storage.js';
import { modelOfManifest, readManifest } from './embedded/manifest.js';
import { IndexFolderWriter } from './embedded/index-folder-writer.js';
import type { CollectionBuilder, PaperStorage } from './paper-storage.js';

/**
 * The model the configured collection was built with, read before anything is loaded (so the
 * model and the collection can load side by side). Finishes an index folder swap a crash
 * interrupted, first: until then there is no folder to read.
 */
export async function collectionModel(config: Config, log: Logger): Promise<ModelDescription> {
  if (await restoreInterruptedReplace(config.INDEX_DIR)) {
    log.warn(
      { index: config.INDEX_DIR },
      'a snapshot swap was interrupted by a crash; restored the previous index folder (the write-ahead log replays the rest)',
    );
  }
  return modelOfManifest(await readManifest(config.INDEX_DIR));
}

/** Opens the configured collection for serving, built with `model`. */
export function openStorage(config: Config, model: ModelDescription, log: Logger): Promise<PaperStorage> {
  return EmbeddedStorage.open({
    folder: config.INDEX_DIR,
    model,
    efSearch: config.HNSW_EF_SEARCH,
    walDir: walDirOf(config),
    acceptsWrites: config.API_KEYS.length > 0,
    snapshotAfterOperations: config.SNAPSHOT_AFTER_WRITES,
    snapshotAfterMs: config.SNAPSHOT_INTERVAL_MS,
    log,
  });
}

/**
 * A builder of a new collection at `target` (an index folder), made with `model`: ingestion adds
 * the papers, and `finish` replaces what was served from there.
 */
export function createCollectionBuilder(target: string, model: ModelDescription): Promise<CollectionBuilder> {
  return IndexFolderWriter.create(target, model);
}
