import { startWorkerTask, StopRequest, type TaskAnswer } from '../../../shared/worker-threads.js';
import type { MapLayout } from './map-layout.js';

/** What a layout worker lays out: an index folder, or the vectors file of a build under way. */
export type LayoutSource = { folder: string } | { vectorsFile: string; count: number; dimension: number };

/** A folder's layout, with the lineage and log position of the folder read. */
export interface FolderLayout {
  lineage: string;
  walSeq: number;
  layout: MapLayout;
}

/** A layout computed in a worker thread (map-layout-worker.ts). */
export interface LayoutThread<T> {
  /** The worker's answer; a worker that fails or exits without one answers `ok: false`. */
  readonly answer: Promise<TaskAnswer<T>>;
  /** Asks the worker to stop at its next step and waits for it to end. */
  stop(): Promise<void>;
}

/** The layout of an index folder, from its own vectors. */
export function startFolderLayout(folder: string): LayoutThread<FolderLayout> {
  return startLayoutThread({ folder });
}

/** The layout of a build's vectors file, written and closed. */
export function startBuildLayout(vectorsFile: string, count: number, dimension: number): LayoutThread<{ layout: MapLayout }> {
  return startLayoutThread({ vectorsFile, count, dimension });
}

function startLayoutThread<T>(source: LayoutSource): LayoutThread<T> {
  const stopRequest = new StopRequest();
  const task = startWorkerTask<T>(import.meta.url, 'map-layout-worker', { source, stop: stopRequest.buffer });
  return {
    answer: task.answer,
    stop: async () => {
      stopRequest.request();
      await task.exited;
    },
  };
}
