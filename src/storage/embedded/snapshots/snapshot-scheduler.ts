import { AppError, describeFailure, isAppError, isDiskFull, isErrorCode, isOutOfFileDescriptors } from '../../../errors.js';
import type { Logger } from '../../../log.js';
import { startSiblingWorker, StopRequest } from '../../../shared/worker-threads.js';
import type { SnapshotStats } from '../../paper-storage.js';
import { openIndexFolder } from '../index-folder.js';
import { LiveIndex, type SnapshotDelta } from '../live-index.js';
import { lineageOf, modelOfManifest, readManifest } from '../manifest.js';
import type { WriteLog } from '../write-log/write-log.js';
import type { SnapshotBase, SnapshotResult } from './snapshot-builder.js';

/** What the scheduler needs of the storage it snapshots. */
export interface SnapshotHost {
  /** The index being served now. */
  served(): LiveIndex;
  /** Runs `task` between two writes (writes and index swaps take turns). */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** Serves `next` from now on; called inside `exclusive`. */
  replace(next: LiveIndex): void;
  /** The folder on disk turned out to be another build (see index_replaced). */
  folderReplaced(): void;
}

export interface SnapshotPolicy {
  /** Take a snapshot once this many logged operations are not in one... */
  afterOperations: number;
  /** ...or once the oldest of them is this old. */
  afterMs: number;
  efSearch: number;
  log: Logger;
}

/**
 * Folds the write-ahead log into a new index folder in the background (a worker thread builds it,
 * see buildSnapshot) and swaps it in between two writes, then drops the log segments it holds.
 * A failed snapshot is retried after the interval; the log keeps every write meanwhile.
 */
export class SnapshotScheduler {
  private running: { done: Promise<unknown> } | undefined;
  private stopWorker: StopRequest | undefined;
  private oldestPendingAt: number | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** After a failed snapshot, the next is not tried before this time (unless asked for). */
  private retryAt = 0;
  private readonly last: Omit<SnapshotStats, 'snapshotRunning'> = { lastSnapshotAt: null, lastSnapshotMs: null, lastSnapshotError: null };

  constructor(
    private readonly host: SnapshotHost,
    private readonly writeLog: WriteLog,
    private readonly policy: SnapshotPolicy,
  ) {
    if (host.served().pendingOperations > 0) this.oldestPendingAt = Date.now();
    this.timer = setInterval(() => void this.maybeStart(), 1_000);
    this.timer.unref();
  }

  get stats(): SnapshotStats {
    return { ...this.last, snapshotRunning: this.running !== undefined };
  }

  /** Tells the scheduler a write was applied (the first one starts the age clock). */
  noteWrite(): void {
    this.oldestPendingAt ??= Date.now();
    void this.maybeStart();
  }

  /** Takes a snapshot now (after the one running, if any) when writes are pending, and waits for it; throws if it fails. */
  async snapshotNow(): Promise<void> {
    // Another may start as the running one ends (a write due for one): the snapshot asked for is the next.
    while (this.running) await this.running.done;
    if (this.closed) throw new AppError('shutting_down', 'The server is stopping: no snapshot was taken. The write-ahead log holds every write.');
    const failure = await this.maybeStart(true);
    if (!failure) return;
    // The worker reports a full disk as disk_full (no file descriptor left as overloaded); the
    // swap, on this thread, as the file system's own error.
    const reason = describeFailure(failure);
    if (isAppError(failure) && failure.code === 'index_replaced') throw new AppError('index_replaced', undefined, { cause: failure });
    if (isOutOfFileDescriptors(failure) || (isAppError(failure) && failure.code === 'overloaded'))
      throw new AppError(
        'overloaded',
        `The server has no file descriptor left (${reason}): the snapshot was not written; try again shortly. The write-ahead log still holds every write.`,
        { cause: failure, retryAfterSeconds: 5 },
      );
    if (isDiskFull(failure) || (isAppError(failure) && failure.code === 'disk_full'))
      throw new AppError('disk_full', `The disk is full (${reason}): the snapshot was not written. The write-ahead log still holds every write.`, {
        cause: failure,
      });
    throw new AppError('snapshot_failed', `The snapshot failed: ${reason}. The write-ahead log still holds every write.`, { cause: failure });
  }

  /** Stops: a running snapshot is abandoned at its next step and its staging folder removed (the log holds every write). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.stopWorker?.request();
    await this.running?.done;
  }

  /** Starts a snapshot when one is due (or `force`d); resolves to its failure, if any. */
  private maybeStart(force = false): Promise<unknown> | undefined {
    if (this.running || this.closed || (!force && Date.now() < this.retryAt)) return undefined;
    const pending = this.host.served().pendingOperations;
    if (pending === 0) return undefined;
    const due = pending >= this.policy.afterOperations || Date.now() - (this.oldestPendingAt ?? Date.now()) >= this.policy.afterMs;
    if (!force && !due) return undefined;
    // run reports its own failures; the catch only guarantees no rejection goes unhandled.
    const done = this.run()
      .catch((error: unknown) => error)
      .finally(() => {
        this.running = undefined;
      });
    this.running = { done };
    return done;
  }

  /** Builds, swaps in and cleans up one snapshot; resolves to the failure, if it failed. */
  private async run(): Promise<unknown> {
    const index = this.host.served();
    const started = performance.now();
    try {
      // Taken between writes, so the delta and the log position agree exactly.
      const { delta, moves } = await this.host.exclusive(async () => {
        const taken = { delta: index.snapshotDelta(), moves: index.positionMoves() };
        await this.writeLog.rotate(taken.delta.walSeq + 1);
        return taken;
      });
      let failure: unknown;
      const base = { lineage: lineageOf(index.manifest), walSeq: index.manifest.walSeq ?? 0 };
      const result = await this.buildInWorker(index.folder, delta, base).catch((error: unknown) => {
        failure = error;
        return undefined;
      });
      // The folder on disk decides, not the worker's answer: the swap may have happened even if
      // a step after it failed. Whatever folder is there is loaded when it is newer than the
      // served one, and the writes it lacks are applied on top.
      const onDisk = await readManifest(index.folder).catch(() => undefined);
      const served = index.manifest.walSeq ?? 0;
      if (!onDisk || lineageOf(onDisk) !== lineageOf(index.manifest) || (onDisk.walSeq ?? 0) <= served) {
        throw failure ?? new AppError('internal', 'The snapshot left no newer index folder.');
      }
      const loaded = await openIndexFolder(index.folder, modelOfManifest(onDisk), this.policy.efSearch);
      const folded = loaded.manifest.walSeq ?? 0;
      await this.host.exclusive(async () => {
        const next = new LiveIndex(loaded);
        next.carryFrom(this.host.served());
        next.followCursorsOf(this.host.served(), moves);
        // In slices: the new index is not served yet, and the writes made while the snapshot was
        // built can be thousands of papers (with four clients writing, a swap held every request 0.58 s).
        await next.applyInSlices(this.host.served().writesAfter(folded));
        this.host.replace(next);
        this.oldestPendingAt = next.pendingOperations > 0 ? Date.now() : undefined;
      });
      await this.writeLog.removeThrough(folded);
      const ms = result?.ms ?? performance.now() - started;
      Object.assign(this.last, { lastSnapshotAt: new Date().toISOString(), lastSnapshotMs: Math.round(ms), lastSnapshotError: null });
      this.policy.log.info(
        { papers: loaded.manifest.count, walSeq: folded, rebuiltGraph: result?.rebuiltGraph, ms: Math.round(ms) },
        'snapshot written and swapped in',
      );
      if (failure) this.policy.log.warn({ err: failure }, 'the snapshot reported a failure after its folder was in place; served it anyway');
      return undefined;
    } catch (error) {
      if (this.closed) return error;
      if (isAppError(error) && error.code === 'index_replaced') this.host.folderReplaced();
      this.last.lastSnapshotError = describeFailure(error);
      this.policy.log.error({ err: error }, 'snapshot failed; the write-ahead log still holds every write, retrying later');
      this.retryAt = Date.now() + this.policy.afterMs;
      return error;
    }
  }

  private buildInWorker(folder: string, delta: SnapshotDelta, base: SnapshotBase): Promise<SnapshotResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new AppError('shutting_down', 'The snapshot was not started: the service is shutting down.'));
        return;
      }
      const stop = new StopRequest();
      this.stopWorker = stop;
      const worker = startSiblingWorker(import.meta.url, 'snapshot-worker', { folder, delta, base, stop: stop.buffer });
      worker.once('message', (message: { ok: true; result: SnapshotResult } | { ok: false; code?: string; message: string }) => {
        if (message.ok) resolve(message.result);
        else reject(new AppError(isErrorCode(message.code) ? message.code : 'internal', message.message));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (this.stopWorker === stop) this.stopWorker = undefined;
        reject(new AppError('internal', `The snapshot worker exited with code ${code}.`));
      });
    });
  }
}
