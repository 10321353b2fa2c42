/**
 * Computes the map layout of an index folder built without one, off the main thread: UMAP and
 * placing every paper take seconds of CPU at 75,000 papers, which would stall every request.
 * Reads the folder's own vectors; answers with the folder it read (lineage and log position), so
 * the layout is never applied to another folder's labels.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { lineageOf, readManifest } from '../manifest.js';
import { readVectorsFile } from '../vectors-file.js';
import { StopRequest } from '../../../shared/worker-threads.js';
import { computeLayout, defaultLayoutSettings } from './map-layout.js';

const { folder, stop } = workerData as { folder: string; stop: SharedArrayBuffer };
try {
  const manifest = await readManifest(folder);
  const { dimension } = manifest.model;
  const layout = computeLayout(
    await readVectorsFile(join(folder, manifest.files.vectors), manifest.count, dimension),
    manifest.count,
    dimension,
    defaultLayoutSettings,
    new StopRequest(stop),
  );
  parentPort!.postMessage({ ok: true, lineage: lineageOf(manifest), walSeq: manifest.walSeq ?? 0, layout }, [
    layout.x.buffer as ArrayBuffer,
    layout.y.buffer as ArrayBuffer,
  ]);
} catch (error) {
  parentPort!.postMessage({ ok: false, message: String((error as { message?: unknown }).message) });
}
