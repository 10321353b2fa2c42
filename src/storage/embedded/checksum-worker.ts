/** Hashes one index file (see verifyIndexFiles), so that the large files of a folder are hashed side by side. */
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskAnswer } from '../../shared/worker-threads.js';
import { checksumOf, type FileChecksum } from './index-integrity.js';

const { path } = workerData as { path: string };
try {
  parentPort!.postMessage({ ok: true, checksum: await checksumOf(path) } satisfies TaskAnswer<{ checksum: FileChecksum }>);
} catch (error) {
  parentPort!.postMessage({ ok: false, message: String((error as { message?: unknown }).message) } satisfies TaskAnswer<never>);
}
