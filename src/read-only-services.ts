import { cp, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { walDirOf, type Config } from './config/config.js';
import { AppError, isAppError } from './errors.js';
import type { Logger } from './log.js';
import { openServices, type Services } from './services.js';
import { makeTemporaryFolder } from './shared/temporary-folder.js';

/** No snapshot may start while a read-only process has the index open: these thresholds are never reached in its life. */
const neverSnapshot = { SNAPSHOT_AFTER_WRITES: 10_000_000, SNAPSHOT_INTERVAL_MS: 86_400_000 };

/**
 * The services over an index folder for a process that only reads it (the query commands'
 * `--index`, `mcp --index`) while a server may be serving the same folder. The write-ahead log is
 * replayed from a private copy: opening the log itself tidies it (an empty segment is removed and
 * made again), which would leave the server appending to a file no longer in the folder. No key
 * is configured, so no write is taken, and no snapshot can start. `close` removes the copy, and
 * so does the process's end without it (`| head` ends a query command with process.exit); with
 * `endOnSignal`, a SIGINT or SIGTERM that nothing else handles removes it and then ends the
 * process as the signal would (see makeTemporaryFolder).
 */
export async function openReadOnlyServices(config: Config, log: Logger, { endOnSignal = false } = {}): Promise<Services> {
  const walDir = walDirOf(config);
  const walCopy = await copyWriteLog(walDir, endOnSignal);
  try {
    const services = await openServices({ ...config, API_KEYS: [], AUTH_READS: false, AUTH_METRICS: false, ...neverSnapshot, WAL_DIR: walCopy.dir }, log);
    return {
      ...services,
      close: async () => {
        await services.close();
        await walCopy.remove();
      },
    };
  } catch (error) {
    await walCopy.remove();
    throw namingTheLog(error, walCopy.dir, walDir);
  }
}

/** An error about the private copy, told of the log itself: the copy is gone by the time anyone reads the message. */
function namingTheLog(error: unknown, copy: string, original: string): unknown {
  if (!isAppError(error) || !error.message.includes(copy)) return error;
  return new AppError(error.code, error.message.replaceAll(copy, original), {
    details: error.details,
    cause: error,
    retryAfterSeconds: error.retryAfterSeconds,
  });
}

/**
 * A private copy of the write-ahead log (or, when there is none, a path where none exists),
 * removed on close or at the process's end: it holds whole papers, and each query command that
 * ended early (`| head`, Ctrl-C) left one in the temporary folder.
 */
async function copyWriteLog(walDir: string, endOnSignal: boolean): Promise<{ dir: string; remove: () => Promise<void> }> {
  const parent = makeTemporaryFolder('paper-search-read-only-', { endOnSignal });
  try {
    const dir = join(parent.path, 'wal');
    const exists = await stat(walDir).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (exists) await cp(walDir, dir, { recursive: true });
    return { dir, remove: parent.remove };
  } catch (error) {
    await parent.remove();
    throw error;
  }
}
