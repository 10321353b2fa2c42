import type { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { startSiblingWorker } from '../shared/worker-threads.js';
import { EmbedScheduler, type EmbedRequestOptions, type ModelBatch, type SchedulerObserver, type TextKind } from './embed-scheduler.js';
import type { Embedder, ModelState } from './embedder.js';
import type { ModelDescription } from './model-registry.js';
import type { TransformersEmbedderOptions } from './transformers-embedder.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.js';

type Pending = { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void };

export interface WorkerEmbedderOptions extends TransformersEmbedderOptions {
  /** Estimated tokens that may wait for the model before requests are refused (see EmbedScheduler). */
  maxQueuedTokens: number;
  observer?: SchedulerObserver;
  log: Logger;
}

/** Restarts allowed within `restartWindowMs` before the model is given up for failed. */
const maxRestarts = 3;
const restartWindowMs = 5 * 60_000;

/**
 * The model behind a worker thread (see embedder-worker.ts for why), as a plain Embedder. Texts
 * reach the worker through an EmbedScheduler: fairly between clients, a batch at a time, and
 * refused at once when they could not be answered in time.
 *
 * Should the worker die (a crash in native code, memory exhausted), the model call it was running
 * is answered 503 and a new worker is started; texts still queued wait for it. A worker that keeps
 * dying (more than three times in five minutes) is given up: the model is then `failed`, every
 * request is refused, and readiness says so, for an orchestrator to restart the process.
 */
export class WorkerEmbedder implements Embedder {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly scheduler: EmbedScheduler;
  private current: ModelState = 'ready';
  /** The worker to send model calls to, once it is up. */
  private worker: Promise<Worker>;
  private readonly restarts: number[] = [];
  private disposing = false;

  private constructor(
    readonly model: ModelDescription,
    first: Worker,
    private readonly options: WorkerEmbedderOptions,
  ) {
    this.scheduler = new EmbedScheduler((batch) => this.runBatch(batch), {
      batchSize: options.batchSize,
      maxQueuedTokens: options.maxQueuedTokens,
      costOf: (text, kind) => estimatedTokens(text, kind, model),
      initialTokensPerSecond: 5_000,
      observer: options.observer,
    });
    this.worker = Promise.resolve(this.supervise(first));
  }

  static async create(model: ModelDescription, options: WorkerEmbedderOptions): Promise<WorkerEmbedder> {
    return new WorkerEmbedder(model, await startWorker(model, options), options);
  }

  /** `restarting` while a new worker loads after one died; `failed` once given up. */
  get state(): ModelState {
    return this.current;
  }

  /** Texts and estimated tokens waiting for the model, and its measured rate. */
  get queue(): { texts: number; tokens: number; tokensPerSecond: number } {
    return { ...this.scheduler.depth, tokensPerSecond: this.scheduler.rate };
  }

  embedQueries(texts: readonly string[], request?: EmbedRequestOptions): Promise<Float32Array[]> {
    return this.scheduler.submit('query', texts, request);
  }

  embedPassages(texts: readonly string[], request?: EmbedRequestOptions): Promise<Float32Array[]> {
    return this.scheduler.submit('passage', texts, request);
  }

  async dispose(): Promise<void> {
    this.disposing = true;
    this.scheduler.close(new AppError('shutting_down', 'The model is shutting down.'));
    if (this.current === 'failed') return;
    const worker = await this.worker;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ type: 'close' } satisfies WorkerRequest);
    await exited;
  }

  /** One model call in the worker. */
  private async runBatch({ kind, texts }: ModelBatch): Promise<Float32Array[]> {
    const worker = await this.worker;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'embed', id, kind, texts } satisfies WorkerRequest);
    });
    if (reply.type !== 'vectors') throw new AppError('internal', 'The embedding worker answered without vectors.');
    const { dimension } = this.model;
    return texts.map((_, i) => reply.packed.subarray(i * dimension, (i + 1) * dimension));
  }

  private supervise(worker: Worker): Worker {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') return;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.type === 'error') waiting.reject(new AppError('internal', `Embedding failed: ${reply.message}`));
      else waiting.resolve(reply);
    });
    let ended = false;
    const died = (reason: string) => {
      if (ended) return;
      ended = true;
      const stopped = new AppError('model_unavailable', `The model stopped while answering (${reason}); it is being restarted.`, { retryAfterSeconds: 5 });
      for (const waiting of this.pending.values()) waiting.reject(stopped);
      this.pending.clear();
      if (!this.disposing) this.restart(reason);
    };
    worker.on('error', (error) => died(error.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
    return worker;
  }

  private restart(reason: string): void {
    const now = Date.now();
    while (this.restarts.length > 0 && now - this.restarts[0]! > restartWindowMs) this.restarts.shift();
    if (this.restarts.length >= maxRestarts) {
      this.giveUp(`the model worker died ${maxRestarts + 1} times in ${restartWindowMs / 60_000} minutes (last: ${reason})`);
      return;
    }
    this.restarts.push(now);
    this.current = 'restarting';
    this.options.log.error({ reason, restart: this.restarts.length }, 'the model worker died; starting a new one');
    this.worker = startWorker(this.model, this.options).then(
      (worker) => {
        this.current = 'ready';
        this.options.log.info('the model worker was restarted');
        return this.supervise(worker);
      },
      (error: unknown) => {
        this.giveUp(`a new model worker could not start: ${(error as Error).message}`);
        throw error;
      },
    );
    // Model calls await the new worker; this only keeps a failed start from going unhandled.
    this.worker.catch(() => undefined);
  }

  private giveUp(reason: string): void {
    this.current = 'failed';
    this.options.log.fatal({ reason }, 'the model is given up; the process must be restarted');
    this.scheduler.close(new AppError('model_unavailable', `The model is not available (${reason}); the service must be restarted.`));
  }
}

/** Starts a worker and waits until its model is loaded. */
async function startWorker(model: ModelDescription, options: WorkerEmbedderOptions): Promise<Worker> {
  const { maxQueuedTokens: _queue, observer: _observer, log: _log, ...modelOptions } = options;
  const worker = startSiblingWorker(import.meta.url, 'embedder-worker', { model, options: modelOptions } satisfies WorkerSetup);
  await new Promise<void>((resolve, reject) => {
    const onMessage = (reply: WorkerReply) => {
      if (reply.type !== 'ready') return;
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error instanceof AppError ? error : new AppError('model_missing', `Cannot load model ${model.id}: ${error.message}`, { cause: error }));
    };
    const onExit = (code: number) => onError(new Error(`the embedding worker exited with code ${code} while loading`));
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
  return worker;
}

/**
 * About four characters a token for English prose under WordPiece, plus the special tokens; a
 * text is cut at the window unless the model embeds long passages as several windows.
 */
function estimatedTokens(text: string, kind: TextKind, model: ModelDescription): number {
  const tokens = Math.ceil(text.length / 4) + 2;
  return kind === 'passage' && model.longPassages.kind === 'windows' ? tokens : Math.min(tokens, model.maxTokens);
}
