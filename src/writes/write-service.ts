import { stat } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { AppError, errorCatalog, type ErrorCode } from '../errors.js';
import { paperPassage } from '../embedding/embedder.js';
import type { ModelDescription } from '../embedding/model-registry.js';
import { openIndexFolder } from '../storage/embedded/index-folder.js';
import { LiveIndex, type SnapshotDelta, type WriteOperation } from '../storage/embedded/live-index.js';
import { lineageOf, readManifest } from '../storage/embedded/manifest.js';
import type { Logger } from '../log.js';
import type { SearchService } from '../search/search-service.js';
import type { Paper } from '../papers/paper.js';
import { startSiblingWorker } from '../shared/worker-threads.js';
import type { SnapshotResult } from '../storage/embedded/snapshots/snapshot-builder.js';
import { WriteLog, type LoggedWrite } from '../storage/embedded/write-log/write-log.js';

export interface WriteServiceOptions {
  walDir: string;
  model: ModelDescription;
  efSearch: number;
  /** Take a snapshot once this many logged operations are not in one. */
  snapshotAfterOperations: number;
  /** ...or once the oldest of them is this old. */
  snapshotAfterMs: number;
  /** Whether the API accepts writes (an API key is configured); reported in stats only. */
  acceptsWrites: boolean;
  log: Logger;
}

/** Throws if the write may not happen, given which ids are present when its turn comes. */
type WriteCheck = (present: (id: string) => boolean) => void;

interface PendingWrite {
  operations: WriteOperation[];
  check: WriteCheck;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface WriteStats {
  enabled: boolean;
  /** Time the last snapshot of this process finished (null: none yet). */
  lastSnapshotAt: string | null;
  lastSnapshotMs: number | null;
  snapshotRunning: boolean;
  lastSnapshotError: string | null;
}

/**
 * Creates, replaces and deletes papers while the service runs. Each write is embedded, then,
 * one write at a time: checked against the current papers, appended to the write-ahead log and
 * flushed to disk, and only then applied to the live index and acknowledged. In the background,
 * snapshots fold the log into a new index folder and swap it in (see buildSnapshot).
 */
export class WriteService {
  /** Tail of the chain that runs writes and index swaps one at a time. */
  private turn: Promise<unknown> = Promise.resolve();
  private nextSeq: number;
  /** Writes waiting for the next group commit. */
  private waiting: PendingWrite[] = [];
  private snapshot: { done: Promise<void> } | undefined;
  private snapshotWorker: Worker | undefined;
  private oldestPendingAt: number | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** After a failed snapshot, the next is not tried before this time (unless asked for). */
  private retryAt = 0;
  private readonly snapshots: Omit<WriteStats, 'enabled' | 'snapshotRunning'> = { lastSnapshotAt: null, lastSnapshotMs: null, lastSnapshotError: null };

  private constructor(
    private readonly search: SearchService,
    /** Absent on a read-only server that has never been written to (see open). */
    private readonly log: WriteLog | undefined,
    private readonly options: WriteServiceOptions,
  ) {
    this.nextSeq = search.liveIndex.appliedSeq + 1;
    if (search.liveIndex.pendingOperations > 0) this.oldestPendingAt = Date.now();
    this.timer = setInterval(() => this.maybeSnapshot(), 1_000);
    this.timer.unref();
  }

  /**
   * Opens the log beside the index and replays the writes the index folder does not hold yet
   * onto the service's live index. Call before the service answers requests.
   */
  static async open(search: SearchService, options: WriteServiceOptions): Promise<WriteService> {
    const index = search.liveIndex;
    // A server that cannot accept writes and has no log to replay needs no log: the index may
    // then live on a read-only disk.
    if (!options.acceptsWrites && !(await exists(options.walDir))) return new WriteService(search, undefined, options);
    const opened = await WriteLog.open(options.walDir, lineageOf(index.manifest), index.appliedSeq + 1);
    if (opened.movedAside) {
      options.log.warn(
        { movedTo: opened.movedAside },
        'the write-ahead log belonged to another build of the index (it was rebuilt by ingestion); moved it aside, not replayed',
      );
    }
    if (opened.truncatedBytes > 0)
      options.log.warn({ bytes: opened.truncatedBytes }, 'cut off an incomplete last write-ahead log record (a crash mid-write; it was never acknowledged)');
    let replayed = 0;
    for (const record of opened.records) {
      if (record.seq <= index.appliedSeq) continue;
      index.apply(record.seq, record.operations);
      replayed++;
    }
    if (replayed > 0) options.log.info({ writes: replayed, operations: index.pendingOperations }, 'replayed the write-ahead log');
    return new WriteService(search, opened.log, options);
  }

  get stats(): WriteStats {
    return { enabled: this.options.acceptsWrites, ...this.snapshots, snapshotRunning: this.snapshot !== undefined };
  }

  /** Adds new papers, all or none; an id already present is a conflict. Ids are unique in the batch. */
  async create(papers: readonly Paper[]): Promise<void> {
    const assertAbsent = (present: (id: string) => boolean) => {
      const taken = papers.filter((paper) => present(paper.id)).map((paper) => paper.id);
      if (taken.length > 0) {
        throw new AppError(
          'paper_exists',
          `A paper with id ${taken.map((id) => `"${id}"`).join(', ')} already exists; use PUT /v1/papers/{id} to replace it.`,
          { details: { ids: taken } },
        );
      }
    };
    assertAbsent((id) => this.isStored(id));
    const operations = await this.embed(papers);
    await this.commit(operations, assertAbsent);
  }

  /** Creates or replaces the paper with `paper.id`; says which. */
  async put(paper: Paper): Promise<{ created: boolean }> {
    const operations = await this.embed([paper]);
    let created = false;
    await this.commit(operations, (present) => {
      created = !present(paper.id);
    });
    return { created };
  }

  async delete(id: string): Promise<void> {
    const assertPresent = (present: (id: string) => boolean) => {
      if (!present(id)) throw new AppError('paper_not_found', `No paper with id "${id}".`, { details: { id } });
    };
    assertPresent((stored) => this.isStored(stored));
    await this.commit([{ op: 'delete', id }], assertPresent);
  }

  /** Takes a snapshot now (if writes are pending) and waits for it. */
  async snapshotNow(): Promise<void> {
    this.maybeSnapshot(true);
    await this.snapshot?.done;
  }

  /**
   * Stops snapshots (a running one is abandoned: its staging folder is cleaned up at the next
   * start, and the log still holds every write) and closes the log after the last write.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.snapshotWorker?.terminate();
    await this.exclusive(async () => this.log?.close());
  }

  private async embed(papers: readonly Paper[]): Promise<WriteOperation[]> {
    const vectors = await this.search.embedding.embedPassages(papers.map((paper) => paperPassage(paper.title, paper.abstract)));
    // Copies: the embedder hands out views of one batch buffer.
    return papers.map((paper, i) => ({ op: 'put', paper, vector: Float32Array.from(vectors[i]!) }));
  }

  /**
   * Checks, logs durably, then applies, in that order. Writes that arrive while the log is being
   * flushed are committed together next (group commit): each is checked in arrival order against
   * the papers as the writes before it leave them, then all go to disk with one flush, then all
   * are applied and answered. A write is never answered before its flush.
   */
  private commit(operations: WriteOperation[], check: WriteCheck): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ operations, check, resolve, reject });
      if (this.waiting.length === 1) void this.exclusive(() => this.commitWaiting());
    });
  }

  private async commitWaiting(): Promise<void> {
    const group = this.waiting.splice(0);
    if (group.length === 0) return;
    if (this.closed || !this.log) {
      for (const write of group) write.reject(new AppError(this.closed ? 'shutting_down' : 'writes_disabled'));
      return;
    }
    // What the writes accepted so far in this group do to each id, before they are applied.
    const effects = new Map<string, boolean>();
    const present = (id: string) => effects.get(id) ?? this.isStored(id);
    const accepted: (PendingWrite & LoggedWrite)[] = [];
    for (const write of group) {
      try {
        write.check(present);
      } catch (error) {
        write.reject(error as Error);
        continue;
      }
      for (const operation of write.operations) effects.set(operation.op === 'delete' ? operation.id : operation.paper.id, operation.op === 'put');
      accepted.push({ ...write, seq: this.nextSeq + accepted.length });
    }
    if (accepted.length === 0) return;
    try {
      await this.log.append(accepted.map(({ seq, operations }) => ({ seq, operations })));
    } catch (error) {
      const failure = new AppError('write_failed', `The write could not be logged: ${(error as Error).message}. It was not applied.`, { cause: error });
      for (const write of accepted) write.reject(failure);
      return;
    }
    this.nextSeq += accepted.length;
    for (const write of accepted) {
      this.search.liveIndex.apply(write.seq, write.operations);
      write.resolve();
    }
    this.oldestPendingAt ??= Date.now();
  }

  private isStored(id: string): boolean {
    return this.search.liveIndex.papers.labelOf(id) !== undefined;
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.turn.then(task);
    this.turn = result.catch(() => undefined);
    return result;
  }

  private maybeSnapshot(force = false): void {
    const log = this.log;
    if (this.snapshot || this.closed || !log || (!force && Date.now() < this.retryAt)) return;
    const pending = this.search.liveIndex.pendingOperations;
    if (pending === 0) return;
    const due = pending >= this.options.snapshotAfterOperations || Date.now() - (this.oldestPendingAt ?? Date.now()) >= this.options.snapshotAfterMs;
    if (!force && !due) return;
    // runSnapshot handles its own failures; the catch only guarantees no rejection goes unhandled.
    const done = this.runSnapshot(log)
      .catch(() => undefined)
      .finally(() => {
        this.snapshot = undefined;
      });
    this.snapshot = { done };
  }

  private async runSnapshot(log: WriteLog): Promise<void> {
    const index = this.search.liveIndex;
    const started = performance.now();
    try {
      // Taken between writes, so the delta and the log position agree exactly.
      const delta = await this.exclusive(async () => {
        const taken = index.snapshotDelta();
        await log.rotate(taken.walSeq + 1);
        return taken;
      });
      let failure: unknown;
      const result = await this.buildInWorker(index.folder, delta).catch((error: unknown) => {
        failure = error;
        return undefined;
      });
      // The folder on disk decides, not the worker's answer: the swap may have happened even if
      // a step after it failed. Whatever folder is there is loaded when it is newer than the
      // served one, and the writes it lacks are applied on top.
      const onDisk = await readManifest(index.folder).catch(() => undefined);
      const served = index.manifest.walSeq ?? 0;
      if (!onDisk || lineageOf(onDisk) !== lineageOf(index.manifest) || (onDisk.walSeq ?? 0) <= served)
        throw failure ?? new AppError('internal', 'The snapshot left no newer index folder.');
      const loaded = await openIndexFolder(index.folder, this.options.model, this.options.efSearch);
      const folded = loaded.manifest.walSeq ?? 0;
      await this.exclusive(async () => {
        const next = new LiveIndex(loaded);
        for (const write of this.search.liveIndex.writesAfter(folded)) next.apply(write.seq, write.operations);
        this.search.replaceIndex(next);
        this.oldestPendingAt = next.pendingOperations > 0 ? Date.now() : undefined;
      });
      await log.removeThrough(folded);
      const ms = result?.ms ?? performance.now() - started;
      Object.assign(this.snapshots, { lastSnapshotAt: new Date().toISOString(), lastSnapshotMs: Math.round(ms), lastSnapshotError: null });
      this.options.log.info(
        { papers: loaded.manifest.count, walSeq: folded, rebuiltGraph: result?.rebuiltGraph, ms: Math.round(ms) },
        'snapshot written and swapped in',
      );
      if (failure) this.options.log.warn({ err: failure }, 'the snapshot reported a failure after its folder was in place; served it anyway');
    } catch (error) {
      if (this.closed) return;
      this.snapshots.lastSnapshotError = (error as Error).message;
      this.options.log.error({ err: error }, 'snapshot failed; the write-ahead log still holds every write, retrying later');
      this.retryAt = Date.now() + this.options.snapshotAfterMs;
    }
  }

  private buildInWorker(folder: string, delta: SnapshotDelta): Promise<SnapshotResult> {
    return new Promise((resolve, reject) => {
      const worker = startSiblingWorker(import.meta.url, 'snapshot-worker', { folder, delta, baseWalSeq: this.search.liveIndex.manifest.walSeq ?? 0 });
      this.snapshotWorker = worker;
      worker.once('message', (message: { ok: true; result: SnapshotResult } | { ok: false; code?: string; message: string }) => {
        if (message.ok) resolve(message.result);
        else reject(new AppError(isErrorCode(message.code) ? message.code : 'internal', message.message));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        this.snapshotWorker = undefined;
        reject(new AppError('internal', `The snapshot worker exited with code ${code}.`));
      });
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function isErrorCode(code: string | undefined): code is ErrorCode {
  return code !== undefined && Object.hasOwn(errorCatalog, code);
}
