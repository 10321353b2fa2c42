import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../log.js';
import { restoreInterruptedReplace } from '../../shared/fs-atomic.js';
import { isHeldByRunningProcess } from './folder-lock.js';

/** How long a reader waits for a running server's swap of the index folder to end: two renames. */
const swapWaitMs = 2_000;

/**
 * Restores the index folder a crash left mid-swap (a snapshot or a rebuild killed between its two
 * renames: no folder at `folder`, the previous one set aside beside it), unless a running server
 * holds it: then the folder is missing only between the two renames of its swap, which it
 * finishes (or undoes) itself, and a reader restoring the old folder there would make both fail.
 * Every command that reads, checks or rebuilds an index folder settles it first: read as missing,
 * the folder would be reported as no index, or replaced by a new build that removes what was set
 * aside.
 */
export async function settleIndexFolder(folder: string, log: Logger | undefined): Promise<void> {
  for (const waitUntil = Date.now() + swapWaitMs; await isHeldByRunningProcess(folder);) {
    if ((await stat(folder).catch(() => undefined)) !== undefined || Date.now() > waitUntil) return;
    await sleep(20);
  }
  if (await restoreInterruptedReplace(folder)) {
    log?.warn(
      { index: folder },
      'a swap of the index folder (a snapshot or a rebuild) was interrupted by a crash; restored the previous index folder (the write-ahead log replays the rest)',
    );
  }
}
