import { startSiblingWorker, StopRequest } from '../../../shared/worker-threads.js';
import type { MapLayout } from './map-layout.js';

/** What a layout worker lays out: an index folder, or the vectors file of a build under way. */
export type LayoutSource = { folder: string } | { vectorsFile: string; count: number; dimension: number };

/** A folder's layout comes with the lineage and log position of the folder read. */
export type LayoutAnswer = { ok: true; lineage?: string; walSeq?: number; layout: MapLayout } | { ok: false; message: string };

/** A layout computed in a worker thread (map-layout-worker.ts). */
export interface LayoutThread {
  /** The worker's answer; a worker that fails or exits without one answers `ok: false`. */
  readonly answer: Promise<LayoutAnswer>;
  /** Asks the worker to stop at its next step and waits for it to end. */
  stop(): Promise<void>;
}

export function startLayoutThread(source: LayoutSource): LayoutThread {
  const stopRequest = new StopRequest();
  const worker = startSiblingWorker(import.meta.url, 'map-layout-worker', { source, stop: stopRequest.buffer });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const answer = new Promise<LayoutAnswer>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (error) => resolve({ ok: false, message: error.message }));
    worker.once('exit', (code) => resolve({ ok: false, message: `the worker exited with code ${code}` }));
  });
  return {
    answer,
    stop: async () => {
      stopRequest.request();
      await exited;
    },
  };
}
