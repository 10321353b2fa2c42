/**
 * Computes a map layout off the main thread: UMAP and placing every paper take seconds of CPU
 * (about 1.5 s of UMAP on the 2,000 landmarks alone), which would stall every request of a
 * server, and which an index build runs beside its other finishing work. Reads either an index
 * folder's own vectors, answering with the folder it read (lineage and log position, so the
 * layout is never applied to another folder's labels), or a vectors file being built.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { lineageOf, readManifest } from '../manifest.js';
import { readVectorsFile } from '../vectors-file.js';
import { StopRequest, type TaskAnswer } from '../../../shared/worker-threads.js';
import { computeLayout, defaultLayoutSettings, type MapLayout } from './map-layout.js';
import type { FolderLayout, LayoutSource } from './layout-thread.js';

const { source, stop } = workerData as { source: LayoutSource; stop: SharedArrayBuffer };

async function layoutOf(source: LayoutSource): Promise<FolderLayout | { layout: MapLayout }> {
  const stopCheck = new StopRequest(stop);
  if ('vectorsFile' in source) {
    const { vectorsFile, count, dimension } = source;
    return { layout: computeLayout(await readVectorsFile(vectorsFile, count, dimension), count, dimension, defaultLayoutSettings, stopCheck) };
  }
  const manifest = await readManifest(source.folder);
  const { dimension } = manifest.model;
  const vectors = await readVectorsFile(join(source.folder, manifest.files.vectors), manifest.count, dimension);
  const layout = computeLayout(vectors, manifest.count, dimension, defaultLayoutSettings, stopCheck);
  return { lineage: lineageOf(manifest), walSeq: manifest.walSeq ?? 0, layout };
}

try {
  const answer = await layoutOf(source);
  parentPort!.postMessage({ ok: true, ...answer } satisfies TaskAnswer<FolderLayout | { layout: MapLayout }>, [
    answer.layout.x.buffer as ArrayBuffer,
    answer.layout.y.buffer as ArrayBuffer,
  ]);
} catch (error) {
  parentPort!.postMessage({ ok: false, message: String((error as { message?: unknown }).message) } satisfies TaskAnswer<never>);
}
