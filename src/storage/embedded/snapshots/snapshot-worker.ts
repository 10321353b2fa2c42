/**
 * Builds a snapshot off the main thread: rebuilding BM25 and, after deletions, the HNSW graph
 * takes seconds to a minute of CPU at 75k papers, which would stall every request on the main
 * thread. The worker uses its own copy of the index (read from disk), never the one being served.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeFailure, isDiskFull, isOutOfFileDescriptors } from '../../../errors.js';
import { StopRequest } from '../../../shared/worker-threads.js';
import type { SnapshotDelta } from '../live-index.js';
import { buildSnapshot, type SnapshotBase } from './snapshot-builder.js';

const { folder, delta, base, stop } = workerData as { folder: string; delta: SnapshotDelta; base: SnapshotBase; stop: SharedArrayBuffer };
try {
  parentPort!.postMessage({ ok: true, result: await buildSnapshot(folder, delta, base, new StopRequest(stop)) });
} catch (error) {
  const { code } = error as { code?: unknown };
  const reported = isDiskFull(error) ? 'disk_full' : isOutOfFileDescriptors(error) ? 'overloaded' : typeof code === 'string' ? code : undefined;
  parentPort!.postMessage({ ok: false, code: reported, message: describeFailure(error) });
}
