import { open, readFile, realpath, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { AppError } from '../../errors.js';
import { isProcessRunning, processStartTime } from '../../shared/processes.js';
import { unwritablePathReason } from '../../shared/unwritable-path.js';

/** Who holds a folder: written into its lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  /** The process's start time where the system tells (see processStartTime): its id may be reused after it ends. */
  processStartedAt?: string;
}

/** A lock left on a folder and taken over: whose it was, and whether it was seen to be no longer held (its host is this one). */
export interface TakenOverLock {
  holder: LockHolder;
  checked: boolean;
}

/** What a lock guards, as its messages name it. */
export type LockedFolder = 'write-ahead log' | 'index folder' | 'index build';

/**
 * Makes a folder the one process's that opened it, as a database's lock file does. A server takes
 * two: its write-ahead log (a second server would tidy the log under the first, an empty segment
 * removed and made again so the first appends to a file no longer in the folder, and append
 * records of its own) and, by its real path, its index folder (a second server reaching it through
 * a symbolic link or with another WAL_DIR would snapshot over the first's writes). Either way
 * acknowledged writes would be lost. The lock file beside the folder (not in it: both are replaced
 * whole) names the holder's process (id and start time) and host; it is removed on release. One
 * left by a process that died (a crash, SIGKILL) is taken over: its process is gone from this host
 * (or a zombie, or its id now another process's), or it is this process's own id (a container
 * restarted). A holder on another host (a folder shared over the network) cannot be checked, so
 * it is taken over too, with a warning to the caller. Returns the release function, and whether a
 * lock was taken over.
 */
export async function lockFolder(folder: string, what: LockedFolder): Promise<{ release: () => Promise<void>; tookOver?: TakenOverLock }> {
  const path = lockPathOf(folder);
  const startedAt = processStartTime(process.pid);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...(startedAt ? { processStartedAt: startedAt } : {}) };
  let tookOver: TakenOverLock | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(me)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { release: () => releaseLock(path, me), ...(tookOver ? { tookOver } : {}) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritableFolder(folder, what, path, error) ?? error;
    }
    const holder = await readHolder(path);
    if (holder && holder.host === me.host && holder.pid !== me.pid && isProcessRunning(holder.pid, holder.processStartedAt)) {
      throw new AppError(
        'index_locked',
        what === 'index build'
          ? `The index folder ${folder.replace(/\.build$/, '')} is being built by process ${holder.pid} (since ${holder.since}): one build of a folder at a time. ` +
              `Wait for it to end, or build another folder; if no such process builds it, delete ${path}.`
          : `The ${what} ${folder} is in use by process ${holder.pid} (since ${holder.since}): another server serves this index folder. ` +
              `Stop it, or ask it with --url; if no such process serves it, delete ${path}.`,
      );
    }
    tookOver = holder && { holder, checked: holder.host === me.host };
    await rm(path, { force: true });
  }
  throw new AppError('index_locked', `The lock ${path} of the ${what} keeps changing: another process is opening this index folder.`);
}

/** Why a folder's lock cannot be made, as the setting to change says it (a read-only mount, a missing parent), or undefined for another failure. */
function unwritableFolder(folder: string, what: LockedFolder, path: string, error: unknown): AppError | undefined {
  const reason = unwritablePathReason(error);
  if (reason === undefined) return undefined;
  const setting = what === 'write-ahead log' ? 'WAL_DIR' : 'INDEX_DIR';
  const named = what === 'index build' ? `build of the index folder ${folder.replace(/\.build$/, '')}` : `${what} ${folder}`;
  return new AppError('config_invalid', `Cannot write the lock ${path} of the ${named}: ${reason}. Point ${setting} at a folder this process can write.`);
}

/**
 * Whether a process running on this host holds `folder`'s lock (taken by its real path, as
 * lockFolder takes it): what it does to the folder (a snapshot's swap) is its own to finish.
 */
export async function isHeldByRunningProcess(folder: string): Promise<boolean> {
  const holder = await readHolder(lockPathOf(await realpath(folder).catch(() => resolve(folder))));
  return holder !== undefined && holder.host === hostname() && holder.pid !== process.pid && isProcessRunning(holder.pid, holder.processStartedAt);
}

/** Beside the folder, not in it: a log folder is moved aside when it belongs to another build, an index folder replaced by each snapshot. */
function lockPathOf(folder: string): string {
  return `${folder.replace(/[\\/]+$/, '')}.lock`;
}

/** Removes the lock if it is still this holder's (someone may have deleted it by hand and started another server). */
async function releaseLock(path: string, me: LockHolder): Promise<void> {
  const holder = await readHolder(path);
  if (holder?.pid === me.pid && holder.since === me.since) await rm(path, { force: true });
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>;
    const valid = Number.isSafeInteger(holder.pid) && typeof holder.host === 'string' && typeof holder.since === 'string';
    return valid && (holder.processStartedAt === undefined || typeof holder.processStartedAt === 'string') ? (holder as LockHolder) : undefined;
  } catch {
    // Unreadable or half-written (its writer died between creating and filling it): nobody's.
    return undefined;
  }
}
