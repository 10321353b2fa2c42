import { AppError } from '../errors.js';
import type { Paper } from '../papers/paper.js';
import { SerialQueue } from '../shared/serial-queue.js';
import type { PaperChange, PaperStorage } from '../storage/paper-storage.js';

/**
 * Throws if the write may not happen, given the papers when its turn comes: `present` says
 * whether an id is stored once the writes before it in the group are applied, `written` what the
 * last of those writes left under it (the paper, or null when it deleted it; undefined when none
 * touched it).
 */
export type WriteCheck = (present: (id: string) => Promise<boolean>, written: (id: string) => Paper | null | undefined) => Promise<void>;

interface PendingWrite {
  changes: PaperChange[];
  check: WriteCheck;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Commits writes to storage one group at a time (group commit): writes that arrive while a commit
 * is under way are committed together next, each checked in arrival order against the papers as
 * the writes before it leave them.
 */
export class GroupCommit {
  /** Runs commits one at a time. */
  private readonly turns = new SerialQueue();
  /** Writes waiting for the next group commit. */
  private waiting: PendingWrite[] = [];
  private closed = false;

  constructor(
    private readonly storage: PaperStorage,
    /** Whether a paper has exactly this id stored. */
    private readonly isStored: (id: string) => Promise<boolean>,
  ) {}

  /** Resolves once the write is committed; rejects with its check's error, the commit's, or shutting_down once closed. */
  commit(changes: PaperChange[], check: WriteCheck): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ changes, check, resolve, reject });
      if (this.waiting.length === 1) void this.turns.run(() => this.commitWaiting());
    });
  }

  /** Settles once every commit queued so far has. */
  idle(): Promise<unknown> {
    return this.turns.idle();
  }

  /** Refuses the writes of every commit that has not started (shutting_down). */
  close(): void {
    this.closed = true;
  }

  /** Checks each waiting write in arrival order, commits the accepted ones together, answers each. */
  private async commitWaiting(): Promise<void> {
    const group = this.waiting.splice(0);
    if (this.closed) {
      for (const write of group) write.reject(new AppError('shutting_down'));
      return;
    }
    // What the writes accepted so far in this group leave under each id (null: deleted), before they are applied.
    const effects = new Map<string, Paper | null>();
    const present = async (id: string) => {
      const effect = effects.get(id);
      return effect === undefined ? await this.isStored(id) : effect !== null;
    };
    const written = (id: string) => effects.get(id);
    const accepted: PendingWrite[] = [];
    for (const write of group) {
      try {
        await write.check(present, written);
      } catch (error) {
        write.reject(error);
        continue;
      }
      for (const change of write.changes) {
        if (change.op === 'delete') effects.set(change.id, null);
        else effects.set(change.paper.id, change.paper);
      }
      accepted.push(write);
    }
    if (accepted.length === 0) return;
    try {
      await this.storage.commit(accepted.map((write) => write.changes));
    } catch (error) {
      for (const write of accepted) write.reject(error);
      return;
    }
    for (const write of accepted) write.resolve();
  }
}
