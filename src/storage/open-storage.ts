import { dirname, resolve } from 'node:path';
import { makeFolders } from '../shared/fs-atomic.js';
import { walDirOf, type Config, type StorageSettings } from '../config/config.js';
import { modelAsRecorded, type ModelDescription } from '../embedding/model-registry.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { EmbeddedStorage } from './embedded/embedded-storage.js';
import { lockFolder } from './embedded/folder-lock.js';
import { settleIndexFolder } from './interrupted-swap.js';
import { modelOfManifest, readManifest } from './embedded/manifest.js';
import { IndexFolderWriter } from './embedded/index-folder-writer.js';
import type { CollectionBuilder, PaperStorage } from './paper-storage.js';
import { holdsCollectionPointer, readCollectionPointer, type CollectionPointer } from './weaviate/collection-pointer.js';
import { WeaviateCollectionBuilder } from './weaviate/weaviate-collection-builder.js';
import { WeaviateStorage } from './weaviate/weaviate-storage.js';

/**
 * The model the configured collection was built with, read before anything is loaded (so the
 * model and the collection can load side by side). Finishes an index folder swap a crash
 * interrupted, first: until then there is no folder to read. For Weaviate the folder's manifest
 * names the model; opening the storage then checks the collection itself agrees.
 */
export async function collectionModel(config: Config, log: Logger): Promise<ModelDescription> {
  await settleIndexFolder(config.INDEX_DIR, log);
  if (config.BACKEND === 'weaviate') {
    const pointer = await weaviatePointer(config.INDEX_DIR);
    return modelAsRecorded(pointer.model);
  }
  if (await holdsCollectionPointer(config.INDEX_DIR)) {
    throw new AppError('config_invalid', `The index at ${config.INDEX_DIR} is a Weaviate collection; serve it with BACKEND=weaviate (and WEAVIATE_URL).`);
  }
  return modelOfManifest(await readManifest(config.INDEX_DIR));
}

/** Opens the configured collection for serving, built with `model`. */
export async function openStorage(config: Config, model: ModelDescription, log: Logger): Promise<PaperStorage> {
  if (config.BACKEND === 'weaviate') {
    const pointer = await weaviatePointer(config.INDEX_DIR);
    return WeaviateStorage.open({ settings: config, alias: pointer.alias, model, log });
  }
  return EmbeddedStorage.open({
    folder: config.INDEX_DIR,
    model,
    efSearch: config.HNSW_EF_SEARCH,
    walDir: walDirOf(config),
    salvageWal: config.WAL_SALVAGE,
    acceptsWrites: config.API_KEYS.length > 0,
    snapshotAfterOperations: config.SNAPSHOT_AFTER_WRITES,
    snapshotAfterMs: config.SNAPSHOT_INTERVAL_MS,
    log,
  });
}

/**
 * A builder of a new collection for `target` (an index folder), made with `model`: ingestion adds
 * the papers, and `finish` replaces what was served from there (embedded: the folder; Weaviate:
 * the collection behind the alias, and the folder then names it). Without settings, embedded.
 * With `helperThreads`, an embedded build finishes on a second core too (see
 * IndexFolderWriterOptions.helperThreads).
 */
export async function createCollectionBuilder(
  target: string,
  model: ModelDescription,
  settings?: StorageSettings,
  helperThreads?: { log: Logger },
): Promise<CollectionBuilder> {
  const builder =
    settings?.BACKEND === 'weaviate'
      ? await WeaviateCollectionBuilder.create(target, model, settings)
      : await IndexFolderWriter.create(target, model, {
          ...(settings ? { writeLog: walDirOf({ WAL_DIR: settings.WAL_DIR, INDEX_DIR: target }) } : {}),
          ...(helperThreads ? { helperThreads } : {}),
        });
  // One build of a folder at a time: of two, the one finishing last replaced the other's without a
  // word, and the first to finish had said it built an index no longer there. Taken once the
  // builder has checked the target, in the folder's parent (which a Weaviate build only makes as it publishes).
  let lock: Awaited<ReturnType<typeof lockFolder>>;
  try {
    await makeFolders(dirname(resolve(target)));
    lock = await lockFolder(`${resolve(target)}.build`, 'index build');
  } catch (error) {
    await builder.abort();
    throw error;
  }
  return releasingWhenDone(builder, lock.release);
}

/** The builder, `release` called once it has finished or been abandoned. */
function releasingWhenDone(builder: CollectionBuilder, release: () => Promise<void>): CollectionBuilder {
  const releasedAfter = async <T>(step: Promise<T>): Promise<T> => {
    try {
      return await step;
    } finally {
      await release();
    }
  };
  return {
    get size() {
      return builder.size;
    },
    add: (paper, vector) => builder.add(paper, vector),
    finish: (source) => releasedAfter(builder.finish(source)),
    abort: () => releasedAfter(builder.abort()),
  };
}

async function weaviatePointer(folder: string): Promise<CollectionPointer> {
  const pointer = await readCollectionPointer(folder);
  if (pointer) return pointer;
  const embedded = await readManifest(folder).then(
    () => true,
    () => false,
  );
  throw new AppError(
    embedded ? 'config_invalid' : 'index_missing',
    embedded
      ? `The index at ${folder} is an embedded index folder, but BACKEND is weaviate. Serve it with BACKEND=embedded, or load its papers into Weaviate: BACKEND=weaviate npm run ingest -- --input <papers file> --index ${folder}`
      : `No Weaviate collection manifest at ${folder}. Build one with: BACKEND=weaviate npm run ingest -- --input <papers file> --index ${folder}`,
  );
}
