import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ModelDescription } from '../../embedding/model-registry.js';
import { AppError } from '../../errors.js';
import { settleIndexFolder, swapBetweenRenamesEnded } from '../interrupted-swap.js';
import { decodeBm25Index } from './lexical/bm25-codec.js';
import type { Bm25Index } from './lexical/bm25-index.js';
import { readIndexFile } from './index-file-reader.js';
import { assertIntact, verifyIndexFiles } from './index-integrity.js';
import { assertManifestMatchesModel, readManifest, type Manifest } from './manifest.js';
import { readMapLayoutFile } from './map/map-layout-file.js';
import type { MapLayout } from './map/map-layout.js';
import { PaperStore } from './paper-store.js';
import type { RelatedLists } from './related-lists.js';
import { readRelatedListsFile } from './related-lists-file.js';
import { VectorIndex } from './vector-index.js';
import { readVectorsFile } from './vectors-file.js';

/**
 * An index folder as loaded for serving: `manifest.json` (written last), `hnsw.bin` (the graph),
 * `papers.jsonl` (the records, label order) and `lexical.bm25` (the BM25 index of the same
 * passages) and `vectors.f32` (the raw vectors, label order: what hybrid search reads a candidate's
 * cosine from; hnswlib's own copy costs a JavaScript array per vector to read, see vectors-file.ts).
 * `map-layout.bin` (the papers' map positions) is there when the folder was built with one, and
 * `related.bin` (each paper's nearest neighbours) in folders built since it was introduced.
 */
export interface LoadedIndex {
  folder: string;
  /** Whether the files were checked against recorded checksums; older folders have none. */
  integrity: 'checked' | 'no checksums';
  manifest: Manifest;
  papers: PaperStore;
  vectors: VectorIndex;
  /** The folder's vectors, by label (vectors.f32 as read by readVectorsFile). */
  storedVectors: Float32Array;
  lexical: Bm25Index;
  /** The map positions of the folder's papers, by label; absent in folders built without. */
  layout?: MapLayout;
  /** The precomputed related lists of the folder's papers; absent in folders built without. */
  related?: RelatedLists;
}

/** Loads of a folder that another process's snapshots keep replacing, before one is read whole. */
const loadAttempts = 3;

/**
 * Loads an index folder built with `model`; any other model, a damaged or an incomplete folder is
 * refused. A process that only reads the folder (a query command with `--index`, a server without
 * keys) may see a server's snapshot replace it between reading the manifest and reading the files,
 * and would take the new files for damage of the old folder's, or find no folder between the swap's
 * renames: it reads the folder again when the manifest is no longer the one it began with, or was not there.
 */
export async function openIndexFolder(folder: string, model: ModelDescription, efSearch: number): Promise<LoadedIndex> {
  for (let attempt = 1; ; attempt++) {
    let manifest: Manifest;
    try {
      manifest = await readManifest(folder);
    } catch (error) {
      if (attempt === loadAttempts || !(error instanceof AppError && error.code === 'index_missing')) throw error;
      await swapBetweenRenamesEnded(folder);
      continue;
    }
    let loaded: LoadedIndex;
    try {
      loaded = await loadIndexFolder(folder, manifest, model, efSearch);
    } catch (error) {
      if (attempt === loadAttempts || !(await folderReplacedSince(folder, manifest))) throw error;
      continue;
    }
    if (attempt === loadAttempts || !(await folderReplacedSince(folder, manifest))) return loaded;
  }
}

/** Whether the folder's manifest is another than `manifest`; once a swap under way has ended. */
async function folderReplacedSince(folder: string, manifest: Manifest): Promise<boolean> {
  await settleIndexFolder(folder, undefined);
  const current = await readManifest(folder).catch(() => undefined);
  return current === undefined || !isDeepStrictEqual(current, manifest);
}

async function loadIndexFolder(folder: string, manifest: Manifest, model: ModelDescription, efSearch: number): Promise<LoadedIndex> {
  assertManifestMatchesModel(manifest, model, folder);
  const verdicts = await verifyIndexFiles(folder, manifest, 'load');
  assertIntact(folder, verdicts);
  const hnswPath = join(folder, manifest.files.hnsw);
  try {
    await stat(hnswPath);
  } catch {
    throw new AppError('index_corrupt', `${hnswPath} is missing. Rebuild the index with npm run ingest.`);
  }
  const [papers, vectors, lexical] = await Promise.all([
    PaperStore.load(join(folder, manifest.files.papers), manifest.count),
    VectorIndex.load(hnswPath, manifest.model.dimension, efSearch),
    readIndexFile(join(folder, manifest.files.lexical), decodeBm25Index),
  ]);
  for (const [file, count] of [
    [hnswPath, vectors.count],
    [manifest.files.lexical, lexical.documentCount],
  ] as const) {
    if (count !== manifest.count) throw new AppError('index_corrupt', `${file} holds ${count} entries, the manifest says ${manifest.count}.`);
  }
  // Read after the checks above, so a damaged core file is the one reported.
  const storedVectors = await readVectorsFile(join(folder, manifest.files.vectors), manifest.count, manifest.model.dimension);
  const layout = manifest.files.map === undefined ? undefined : await readMapLayoutFile(join(folder, manifest.files.map), manifest.count);
  const related = manifest.files.related === undefined ? undefined : await readRelatedListsFile(join(folder, manifest.files.related), manifest.count, efSearch);
  const integrity = verdicts === 'no checksums' ? 'no checksums' : 'checked';
  return { folder, integrity, manifest, papers, vectors, storedVectors, lexical, ...(layout ? { layout } : {}), ...(related ? { related } : {}) };
}
