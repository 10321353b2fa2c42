import type { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { startSiblingWorker } from '../shared/worker-threads.js';
import { EmbedScheduler, type EmbedRequestOptions, type ModelBatch, type SchedulerObserver } from './embed-scheduler.js';
import type { Embedder, ModelState } from './embedder.js';
import type { ModelDescription } from './model-registry.js';
import { estimatedTokens } from './token-estimate.js';
import type { TransformersEmbedderOptions } from './transformers-embedder.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.js';

type Pending = { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void };

export interface WorkerEmbedderOptions extends TransformersEmbedderOptions {
  /** Model workers, each running one model call at a time with `threads` intra-op threads. */
  workers: number;
  /** Calls of search queries that may run at once (see modelThreads). */
  queryCalls: number;
  /** Estimated tokens that may wait for the model before requests are refused (see EmbedScheduler). */
  maxQueuedTokens: number;
  /** Estimated tokens per model call (see EmbedScheduler). */
  maxBatchTokens: number;
  observer?: SchedulerObserver;
  log: Logger;
}

/**
 * Texts sent to a worker at once, whatever the texts per model run (`batchSize`): a message to a
 * worker and its answer cost the main thread about as much for one text as for many, and with one
 * text per run (the default) a message of one text each would spend that on every text.
 */
const textsPerWorkerCall = 32;

/** Restarts allowed within `restartWindowMs` before the model is given up for failed. */
const maxRestarts = 3;
const restartWindowMs = 5 * 60_000;

/** One model worker: the thread once it is up, and the model calls it is answering. */
interface ModelWorker {
  thread: Promise<Worker>;
  busy: boolean;
  restarting: boolean;
  readonly pending: Map<number, Pending>;
}

/**
 * The model behind worker threads (see embedder-worker.ts for why), as a plain Embedder. Texts
 * reach the workers through an EmbedScheduler: fairly between clients, a batch at a time per
 * worker, and refused at once when they could not be answered in time. Several workers of one
 * thread each keep the cores busy where one worker of several threads would not: ONNX Runtime's
 * threads wait for each other at every operation, so a main thread busy on the same cores
 * (searching the indexes for the vectors just embedded) stalls them all (see
 * docs/performance.md#model-workers).
 *
 * Should a worker die (a crash in native code, memory exhausted), the model call it was running
 * is answered 503 and a new worker is started; texts still queued wait for it or go to another
 * worker. Workers that keep dying (more than three times in five minutes) are given up: the model
 * is then `failed`, every request is refused, and readiness says so, for an orchestrator to
 * restart the process.
 */
export class WorkerEmbedder implements Embedder {
  private nextId = 1;
  private readonly scheduler: EmbedScheduler;
  private failed = false;
  private readonly workers: ModelWorker[] = [];
  private readonly restarts: number[] = [];
  private disposing = false;

  private constructor(
    readonly model: ModelDescription,
    private readonly options: WorkerEmbedderOptions,
  ) {
    this.scheduler = new EmbedScheduler((batch) => this.runBatch(batch), {
      batchSize: Math.max(options.batchSize, textsPerWorkerCall),
      textsRunAlone: options.batchSize === 1,
      concurrency: 1,
      queryConcurrency: options.queryCalls,
      maxBatchTokens: options.maxBatchTokens,
      maxQueuedTokens: options.maxQueuedTokens,
      costOf: (text, kind) => estimatedTokens(text, kind, model),
      initialTokensPerSecond: 5_000,
      observer: options.observer,
    });
  }

  static async create(model: ModelDescription, options: WorkerEmbedderOptions): Promise<WorkerEmbedder> {
    const embedder = new WorkerEmbedder(model, options);
    await embedder.startWorkers(Math.max(1, options.workers));
    return embedder;
  }

  /**
   * Starts the workers side by side, each supervised from the moment it is up (one that dies
   * while the others still load is restarted); if one cannot start, stops the others.
   */
  private async startWorkers(count: number): Promise<void> {
    const started = await Promise.allSettled(
      Array.from({ length: count }, async () => {
        const thread = await startWorker(this.model, this.options);
        const worker: ModelWorker = { thread: Promise.resolve(thread), busy: false, restarting: false, pending: new Map() };
        this.supervise(worker, thread);
        this.workers.push(worker);
      }),
    );
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) {
      this.disposing = true;
      await Promise.all(this.workers.map((worker) => worker.thread.then((thread) => thread.terminate()).catch(() => undefined)));
      throw failure.reason;
    }
    this.scheduler.setConcurrency(this.workersUp());
  }

  /** `restarting` while no worker is up (new ones load after they died); `failed` once given up. */
  get state(): ModelState {
    if (this.failed) return 'failed';
    return this.workers.every((worker) => worker.restarting) ? 'restarting' : 'ready';
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
    if (this.failed) return;
    await Promise.all(
      this.workers.map(async (worker) => {
        const thread = await worker.thread;
        const exited = new Promise((resolve) => thread.once('exit', resolve));
        thread.postMessage({ type: 'close' } satisfies WorkerRequest);
        await exited;
      }),
    );
  }

  /**
   * One model call in an idle worker, one that is up if there is one (the scheduler runs no more
   * calls at once than there are workers).
   */
  private async runBatch({ kind, texts }: ModelBatch): Promise<Float32Array[]> {
    const idle = this.workers.filter((candidate) => !candidate.busy);
    const worker = idle.find((candidate) => !candidate.restarting) ?? idle[0];
    if (!worker) throw new AppError('internal', 'Every model worker is busy.');
    worker.busy = true;
    try {
      const thread = await worker.thread;
      const reply = await new Promise<WorkerReply>((resolve, reject) => {
        const id = this.nextId++;
        worker.pending.set(id, { resolve, reject });
        thread.postMessage({ type: 'embed', id, kind, texts } satisfies WorkerRequest);
      });
      if (reply.type !== 'vectors') throw new AppError('internal', 'The embedding worker answered without vectors.');
      const { dimension } = this.model;
      return texts.map((_, i) => reply.packed.subarray(i * dimension, (i + 1) * dimension));
    } finally {
      worker.busy = false;
    }
  }

  private supervise(worker: ModelWorker, thread: Worker): void {
    thread.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') return;
      const waiting = worker.pending.get(reply.id);
      if (!waiting) return;
      worker.pending.delete(reply.id);
      if (reply.type === 'error') waiting.reject(new AppError('internal', `Embedding failed: ${reply.message}`));
      else waiting.resolve(reply);
    });
    let ended = false;
    const died = (reason: string) => {
      if (ended) return;
      ended = true;
      const stopped = new AppError('model_unavailable', `The model stopped while answering (${reason}); it is being restarted.`, { retryAfterSeconds: 5 });
      for (const waiting of worker.pending.values()) waiting.reject(stopped);
      worker.pending.clear();
      if (!this.disposing) this.restart(worker, reason);
    };
    thread.on('error', (error) => died(error.message));
    thread.on('exit', (code) => died(`exit code ${code}`));
  }

  private restart(worker: ModelWorker, reason: string): void {
    if (this.failed) return;
    const now = Date.now();
    while (this.restarts.length > 0 && now - this.restarts[0]! > restartWindowMs) this.restarts.shift();
    if (this.restarts.length >= maxRestarts) {
      this.giveUp(`a model worker died ${maxRestarts + 1} times in ${restartWindowMs / 60_000} minutes (last: ${reason})`);
      return;
    }
    this.restarts.push(now);
    worker.restarting = true;
    this.options.log.error({ reason, restart: this.restarts.length }, 'a model worker died; starting a new one');
    worker.thread = startWorker(this.model, this.options).then(
      (thread) => {
        this.supervise(worker, thread);
        worker.restarting = false;
        this.options.log.info('the model worker was restarted');
        this.scheduler.setConcurrency(this.workersUp());
        return thread;
      },
      (error: unknown) => {
        this.giveUp(`a new model worker could not start: ${(error as Error).message}`);
        throw error;
      },
    );
    // Model calls await the new worker; this only keeps a failed start from going unhandled.
    worker.thread.catch(() => undefined);
    this.scheduler.setConcurrency(this.workersUp());
  }

  private workersUp(): number {
    return this.workers.filter((worker) => !worker.restarting).length;
  }

  private giveUp(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.options.log.fatal({ reason }, 'the model is given up; the process must be restarted');
    this.scheduler.close(new AppError('model_unavailable', `The model is not available (${reason}); the service must be restarted.`));
    // The other workers have nothing left to do.
    for (const worker of this.workers)
      void worker.thread.then(
        (thread) => thread.postMessage({ type: 'close' } satisfies WorkerRequest),
        () => undefined,
      );
  }
}

/** A worker thread's stack by default (Node's resourceLimits.stackSizeMb). */
const defaultWorkerStackMb = 4;

/**
 * The stack a model worker needs. ONNX Runtime reads the process's command line
 * (/proc/self/cmdline) as its first session is made, recursing about 550 bytes of stack deep per
 * byte of it: past about 15 KB of arguments (1,400 paper ids given to `get --index`) it overflowed
 * the default stack and the process died of a segmentation fault. So the stack is 1 KiB per byte
 * of the command line (about twice what it takes) when that is more than the default.
 */
function modelWorkerStackMb(commandLine: readonly string[] = [process.execPath, ...process.execArgv, ...process.argv.slice(1)]): number {
  const bytes = commandLine.reduce((sum, argument) => sum + Buffer.byteLength(argument) + 1, 0);
  return Math.max(defaultWorkerStackMb, Math.ceil((bytes * 1024) / (1 << 20)));
}

/** Starts a worker and waits until its model is loaded. */
async function startWorker(model: ModelDescription, options: WorkerEmbedderOptions): Promise<Worker> {
  const { workers: _workers, maxQueuedTokens: _queue, maxBatchTokens: _batchTokens, observer: _observer, log: _log, ...modelOptions } = options;
  const worker = startSiblingWorker(import.meta.url, 'embedder-worker', { model, options: modelOptions } satisfies WorkerSetup, {
    stackSizeMb: modelWorkerStackMb(),
  });
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
