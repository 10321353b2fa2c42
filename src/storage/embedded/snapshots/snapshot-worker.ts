/**
 * Builds a snapshot off the main thread: rebuilding BM25 and, after deletions, the HNSW graph
 * takes seconds to a minute of CPU at 75k papers, which would stall every request on the main
 * thread. The worker uses its own copy of the index (read from disk), never the one being served.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isDiskFull } from '../../../errors.js';
import { StopRequest } from '../../../shared/worker-threads.js';
import type { SnapshotDelta } from '../live-index.js';
import { buildSnapshot } from './snapshot-builder.js';

const { folder, delta, baseWalSeq, stop } = workerData as { folder: string; delta: SnapshotDelta; baseWalSeq: number; stop: SharedArrayBuffer };
try {
  parentPort!.postMessage({ ok: true, result: await buildSnapshot(folder, delta, baseWalSeq, new StopRequest(stop)) });
} catch (error) {
  const { code, message } = error as { code?: unknown; message?: unknown };
  parentPort!.postMessage({ ok: false, code: isDiskFull(error) ? 'disk_full' : typeof code === 'string' ? code : undefined, message: String(message) });
}
