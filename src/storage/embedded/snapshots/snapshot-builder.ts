import { join } from 'node:path';
import { defaultEfSearch } from '../../../config/config.js';
import { AppError } from '../../../errors.js';
import type { StopCheck } from '../../../shared/worker-threads.js';
import { IndexFolderWriter, type LayoutPlan, type MapPoint } from '../index-folder-writer.js';
import { assertIntact, verifyIndexFiles } from '../index-integrity.js';
import type { SnapshotDelta } from '../live-index.js';
import { lineageOf, modelOfManifest, readManifest, type Manifest } from '../manifest.js';
import { readPapersFile } from '../papers-file.js';
import { readRelatedListsFile } from '../related-lists-file.js';
import { VectorIndex } from '../vector-index.js';
import { readVectorsFile, vectorAt } from '../vectors-file.js';
/** The build a snapshot's changes were taken against: the served folder's lineage and the writes folded into it. */
export type SnapshotBase = { lineage: string; walSeq: number };

export interface SnapshotResult {
  manifest: Manifest;
  /** Whether the graph was rebuilt from scratch (tombstones purged) or extended in place. */
  rebuiltGraph: boolean;
  ms: number;
}

/**
 * Folds the writes since `folder` was written (`delta`) into a new index folder and swaps it in
 * atomically (see IndexFolderWriter): papers, vectors and BM25 are always rewritten without the
 * removed papers, so labels are dense again. The HNSW graph is extended in place when nothing
 * was removed (cheap; the related lists are carried and the added papers enter them), and rebuilt
 * from the stored vectors when something was (hnswlib cannot unlink a node; rebuilding is what
 * purges tombstones; every related list is computed again). CPU-heavy: run it in a worker thread.
 * Once `stop` throws, the new folder is abandoned and removed; the old one stays.
 *
 * The delta's labels count from the folder it was taken against (`base`); applied to any other
 * folder they would remove and duplicate the wrong papers, and the served build's writes would
 * land in a build that never took them. So a folder of another build is refused (index_replaced),
 * when the snapshot starts and again as the new folder is swapped in (ingestion may rebuild the
 * folder meanwhile).
 */
export async function buildSnapshot(folder: string, delta: SnapshotDelta, base?: SnapshotBase, stop?: StopCheck): Promise<SnapshotResult> {
  const started = performance.now();
  const manifest = await readManifest(folder);
  if (base) assertSnapshotBase(manifest, base);
  // The old folder's files are read back into the new one: a damaged one must not be copied on.
  assertIntact(folder, await verifyIndexFiles(folder, manifest, 'full'));
  const model = modelOfManifest(manifest);
  const removed = new Set(delta.removedBaseLabels);
  const rebuiltGraph = removed.size > 0;
  const seedGraph = rebuiltGraph ? undefined : await VectorIndex.load(join(folder, manifest.files.hnsw), manifest.model.dimension, 10);
  // An extended graph keeps its papers' lists, the added papers entering them as writes do,
  // until the collection has grown enough since they were all computed (see canCarryTo). A rebuilt
  // graph, or a folder without lists at the default ef, has every list computed again.
  const count = manifest.count + delta.added.length;
  const stored =
    seedGraph && manifest.files.related !== undefined
      ? await readRelatedListsFile(join(folder, manifest.files.related), manifest.count, defaultEfSearch, count)
      : undefined;
  const seedRelated = stored?.canCarryTo(count) ? stored : undefined;
  const layout: LayoutPlan = delta.layout ? { kind: 'carry', method: delta.layout.method, builtAt: delta.layout.builtAt } : { kind: 'none' };
  const writer = await IndexFolderWriter.create(folder, model, { parameters: manifest.hnsw, seedGraph, seedRelated, layout, stop });
  try {
    const { dimension } = manifest.model;
    const vectors = await readVectorsFile(join(folder, manifest.files.vectors), manifest.count, dimension);
    let label = 0;
    for await (const paper of readPapersFile(join(folder, manifest.files.papers))) {
      if (!removed.has(label)) await writer.add(paper, vectorAt(vectors, label, dimension), positionOf(delta, label));
      label++;
    }
    if (label !== manifest.count) throw new AppError('index_corrupt', `${folder}: papers.jsonl holds ${label} papers, the manifest says ${manifest.count}.`);
    for (const { paper, vector, position } of delta.added) await writer.add(paper, vector, position);
    const written = await writer.finish(
      manifest.source,
      { lineage: lineageOf(manifest), walSeq: delta.walSeq, createdAt: manifest.createdAt },
      base && (async (replaced) => assertSnapshotBase(await readManifest(replaced), base)),
    );
    return { manifest: written, rebuiltGraph, ms: performance.now() - started };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

function assertSnapshotBase(manifest: Manifest, base: SnapshotBase): void {
  if (lineageOf(manifest) !== base.lineage) {
    throw new AppError('index_replaced', 'The index folder was rebuilt by another process while this server ran: the snapshot was not written into it.');
  }
  if ((manifest.walSeq ?? 0) !== base.walSeq) {
    throw new AppError(
      'internal',
      `The index folder holds writes up to ${manifest.walSeq ?? 0}, but the snapshot's changes were taken against ${base.walSeq} (did another server take a snapshot of it?)`,
    );
  }
}

/** The map position the served index had for a label of the folder, if it had a layout. */
function positionOf(delta: SnapshotDelta, label: number): MapPoint | undefined {
  const layout = delta.layout;
  if (!layout || Number.isNaN(layout.x[label]!)) return undefined;
  return { x: layout.x[label]!, y: layout.y[label]! };
}
