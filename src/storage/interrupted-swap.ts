import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { restoreInterruptedReplace, setAsideFoldersOf, type SetAsideFolder } from '../shared/fs-atomic.js';
import { isProcessRunning } from '../shared/processes.js';
import { isHeldByRunningProcess } from './embedded/folder-lock.js';

/** How long a command waits for another process's swap of the index folder to end: two renames. */
const swapWaitMs = 2_000;

/**
 * Restores the index folder a crash left mid-swap (a snapshot or a rebuild killed between its two
 * renames: no folder at `folder`, the previous one set aside beside it). Every command that reads,
 * checks or rebuilds an index folder settles it first: read as missing, the folder would be
 * reported as no index, or replaced by a new build that removes what was set aside.
 *
 * A swap still under way is left to the process making it (a server's snapshot, an ingest): the
 * folder is then missing only between its two renames, and restoring the old folder there would
 * make that swap fail. The swapping process is the one whose id the set-aside folder carries.
 */
export async function settleIndexFolder(folder: string, log: Logger | undefined): Promise<void> {
  let setAside = await setAsideFoldersOf(folder);
  for (const waitUntil = Date.now() + swapWaitMs; setAside.length > 0 && (await swapUnderWay(folder, setAside));) {
    if (Date.now() > waitUntil) return;
    await sleep(20);
    setAside = await setAsideFoldersOf(folder);
  }
  if (setAside.length === 0) return;
  if (setAside.length > 1) {
    throw new AppError(
      'index_missing',
      `The index folder ${folder} is missing, and several folders were set aside beside it by swaps a crash interrupted: ${setAside.map((entry) => basename(entry.path)).join(', ')}. Move the one to serve to ${folder} (the newest manifest's createdAt and walSeq tell), then start again.`,
    );
  }
  try {
    await restoreInterruptedReplace(folder);
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError(
      'index_missing',
      `The index folder ${folder} is missing, and the one a crash left set aside at ${setAside[0]!.path} could not be put back: ${(error as Error).message}. Move it to ${folder}.`,
      { cause: error },
    );
  }
  log?.warn(
    { index: folder, restored: setAside[0]!.path },
    'a swap of the index folder (a snapshot or a rebuild) was interrupted by a crash; restored the previous index folder (the write-ahead log replays the rest)',
  );
}

/**
 * Returns once no swap of the folder is between its two renames (no folder, the previous one set
 * aside beside it), or after swapWaitMs: a reader that found no folder there reads it again.
 */
export async function swapBetweenRenamesEnded(folder: string): Promise<void> {
  for (const waitUntil = Date.now() + swapWaitMs; (await setAsideFoldersOf(folder)).length > 0 && Date.now() <= waitUntil;) await sleep(20);
}

/**
 * Whether a live process is swapping the folder: the one named by a set-aside folder, unless it
 * is this one (its own swaps are never under way while it settles, and in a container a restarted
 * server may have the id of the one that crashed). A note written before notes held an id leaves
 * only the folder's lock holder to ask.
 */
async function swapUnderWay(folder: string, setAside: readonly SetAsideFolder[]): Promise<boolean> {
  for (const { swapper } of setAside) {
    if (swapper === undefined ? await isHeldByRunningProcess(folder) : swapper !== process.pid && isProcessRunning(swapper)) return true;
  }
  return false;
}
