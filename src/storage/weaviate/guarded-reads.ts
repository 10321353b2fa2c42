import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, isAppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { StorageHealth } from '../paper-storage.js';
import type { AliasWatch } from './alias-watch.js';
import type { ClusterHealth } from './cluster-health.js';
import { isPassingEngineError } from './engine-errors.js';

/** Pauses before each further try of a failed read: two more tries, about a second in all. */
const readRetryPausesMs = [200, 600];

/**
 * Whether the cluster may be asked at all (the alias watch's refusal, the health poll's verdict),
 * and reads asked of it: refused at once while it is down, tried again while a failure passes.
 */
export class GuardedReads {
  constructor(
    private readonly aliasWatch: AliasWatch,
    private readonly clusterHealth: ClusterHealth,
    private readonly log: Logger,
    /** Whether the storage was closed: a read failing then is the shutdown's, not the cluster's. */
    private readonly isClosed: () => boolean,
  ) {}

  health(): StorageHealth {
    const refusal = this.aliasWatch.refusal;
    return refusal === undefined ? this.clusterHealth.status : { status: 'down', reason: refusal };
  }

  /**
   * Runs a read, trying again after a pause when the engine fails in a way that passes (a replica
   * stopping or rejoining fails the queries that reach it for a moment; reads are idempotent). A
   * read failing because the cluster cannot be reached is the client's 503, not a 500.
   */
  async read<T>(operation: () => Promise<T>): Promise<T> {
    this.refuseWhileDown();
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        // A request still running when the server closed the client (shutdown ran past its drain).
        if (this.isClosed()) throw new AppError('shutting_down', undefined, { cause: error });
        const pauseMs = readRetryPausesMs[attempt];
        if (
          pauseMs !== undefined &&
          this.health().status !== 'down' &&
          (isPassingEngineError(error) || (isAppError(error) && error.code === 'storage_unavailable'))
        ) {
          this.log.warn({ err: error, attempt: attempt + 1 }, 'a Weaviate read failed; trying it again');
          await sleep(pauseMs);
          continue;
        }
        if (isAppError(error)) throw error;
        // Still failing after the retries: a node stopping or rejoining ("could not find class
        // Papers in schema" while its schema loads), a 503 to retry rather than a 500.
        if (this.health().status === 'down' || isPassingEngineError(error)) {
          throw new AppError('storage_unavailable', `The Weaviate cluster did not answer: ${(error as Error).message}`, { cause: error, retryAfterSeconds: 5 });
        }
        throw error;
      }
    }
  }

  /** While the health poll finds the cluster down, requests are refused at once rather than each waiting out the client's timeouts. */
  refuseWhileDown(): void {
    const refusal = this.aliasWatch.refusal;
    if (refusal !== undefined) throw new AppError('storage_unavailable', refusal, { retryAfterSeconds: 5 });
    const health = this.clusterHealth.status;
    if (health.status === 'down') throw new AppError('storage_unavailable', `The Weaviate cluster is down: ${health.reason}.`, { retryAfterSeconds: 5 });
  }
}
