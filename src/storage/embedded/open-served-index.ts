import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from '../../log.js';
import type { EmbeddedStorageOptions } from './embedded-storage.js';
import { lockFolder, type LockedFolder, type TakenOverLock } from './folder-lock.js';
import { openIndexFolder } from './index-folder.js';
import { LiveIndex } from './live-index.js';
import { lineageOf } from './manifest.js';
import { WriteLog } from './write-log/write-log.js';

/** What serving an index folder starts from. */
export interface OpenedIndex {
  live: LiveIndex;
  /** Absent on a read-only server that has never been written to. */
  writeLog: WriteLog | undefined;
  releaseFolder: () => Promise<void>;
}

/**
 * Loads the folder, then replays the writes logged since it was written, and hands the result to
 * `serve`. A server that takes writes first locks the folder by its real path (see lockFolder),
 * however it was named, and releases it should opening or `serve` fail.
 */
export async function openServedIndex<T>(options: EmbeddedStorageOptions, serve: (opened: OpenedIndex) => T): Promise<T> {
  if (!options.acceptsWrites) return serve(await openFolder(options, async () => undefined));
  const folder = await realpath(options.folder).catch(() => resolve(options.folder));
  const lock = await lockFolder(folder, 'index folder');
  if (lock.tookOver) reportTakeOver(options.log, 'index folder', lock.tookOver);
  try {
    return serve(await openFolder(options, lock.release));
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function openFolder(options: EmbeddedStorageOptions, releaseFolder: () => Promise<void>): Promise<OpenedIndex> {
  const loaded = await openIndexFolder(options.folder, options.model, options.efSearch);
  if (loaded.integrity === 'no checksums') {
    options.log.warn(
      { index: options.folder },
      'the index folder records no checksums (built by an older version): its files cannot be checked; the next snapshot or a rebuild records them',
    );
  }
  const live = new LiveIndex(loaded);
  // A server that takes no writes and finds no log opens none, so the index may live on a read-only disk.
  if (!options.acceptsWrites && !(await exists(options.walDir))) return { live, writeLog: undefined, releaseFolder };
  const opened = await WriteLog.open(options.walDir, lineageOf(live.manifest), live.appliedSeq + 1, { salvage: options.salvageWal ?? false });
  if (opened.salvaged) {
    options.log.warn(
      { damagedRecords: opened.salvaged.records, keptIn: opened.salvaged.keptIn },
      'left damaged write-ahead log records out (--salvage-wal): the writes they held are lost; the other writes are replayed',
    );
  }
  if (opened.movedAside) {
    options.log.warn(
      { movedTo: opened.movedAside },
      'the write-ahead log belonged to another build of the index (it was rebuilt by ingestion); moved it aside, not replayed',
    );
  }
  if (opened.lockTakenOver) reportTakeOver(options.log, 'write-ahead log', opened.lockTakenOver);
  if (opened.truncatedBytes > 0) {
    options.log.warn({ bytes: opened.truncatedBytes }, 'cut off an incomplete last write-ahead log record (a crash mid-write; it was never acknowledged)');
  }
  // In slices: /healthz answers while the server starts, and a replay in one piece held it for
  // the whole replay (9 s for 5,000 logged writes on 5,000 papers).
  const replayed = opened.records.filter((record) => record.seq > live.appliedSeq);
  await live.applyInSlices(replayed);
  if (replayed.length > 0) options.log.info({ writes: replayed.length, operations: live.pendingOperations }, 'replayed the write-ahead log');
  return { live, writeLog: opened.log, releaseFolder };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Says that a lock left on `what` was taken over: an info line when its process was seen gone, a
 * warning when it could not be checked. The holder's pid goes under its own key: every line
 * already carries `pid`, this process's, and a second one would read as the line's own.
 */
function reportTakeOver(log: Logger, what: LockedFolder, { holder, checked }: TakenOverLock): void {
  if (checked) {
    log.info({ holderPid: holder.pid, since: holder.since }, `took over the ${what} from a process that is no longer running (it ended without releasing it)`);
  } else {
    log.warn(
      { holderHost: holder.host, holderPid: holder.pid, since: holder.since },
      `took over the ${what} from a process on another host, which cannot be checked: make sure no other server serves this index folder`,
    );
  }
}
