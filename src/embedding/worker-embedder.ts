import type { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { startSiblingWorker } from '../shared/worker-threads.js';
import { EmbedScheduler, type EmbedRequestOptions, type ModelBatch, type SchedulerObserver, type TextKind } from './embed-scheduler.js';
import type { Embedder } from './embedder.js';
import type { ModelDescription } from './model-registry.js';
import type { TransformersEmbedderOptions } from './transformers-embedder.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.js';

type Pending = { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void };

export interface WorkerEmbedderOptions extends TransformersEmbedderOptions {
  /** Estimated tokens that may wait for the model before requests are refused (see EmbedScheduler). */
  maxQueuedTokens: number;
  observer?: SchedulerObserver;
}

/**
 * The model behind a worker thread (see embedder-worker.ts for why), as a plain Embedder. Texts
 * reach the worker through an EmbedScheduler: fairly between clients, a batch at a time, and
 * refused at once when they could not be answered in time.
 */
export class WorkerEmbedder implements Embedder {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;
  private readonly scheduler: EmbedScheduler;

  private constructor(
    readonly model: ModelDescription,
    private readonly worker: Worker,
    options: WorkerEmbedderOptions,
  ) {
    this.scheduler = new EmbedScheduler((batch) => this.runBatch(batch), {
      batchSize: options.batchSize,
      maxQueuedTokens: options.maxQueuedTokens,
      costOf: (text, kind) => estimatedTokens(text, kind, model),
      initialTokensPerSecond: 5_000,
      observer: options.observer,
    });
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') return;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.type === 'error') waiting.reject(new AppError('internal', `Embedding failed: ${reply.message}`));
      else waiting.resolve(reply);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      const stopped = new AppError('internal', `The embedding worker stopped: ${error.message}`);
      for (const waiting of this.pending.values()) waiting.reject(stopped);
      this.pending.clear();
      this.scheduler.close(stopped);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  static async create(model: ModelDescription, options: WorkerEmbedderOptions): Promise<WorkerEmbedder> {
    const { maxQueuedTokens: _queue, observer: _observer, ...modelOptions } = options;
    const worker = startWorker({ model, options: modelOptions });
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
    return new WorkerEmbedder(model, worker, options);
  }

  get healthy(): boolean {
    return this.failure === undefined;
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
    this.scheduler.close(new AppError('shutting_down', 'The model is shutting down.'));
    if (this.failure) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
    await exited;
  }

  /** One model call in the worker. */
  private async runBatch({ kind, texts }: ModelBatch): Promise<Float32Array[]> {
    const reply = await this.call({ type: 'embed', id: this.nextId++, kind, texts });
    if (reply.type !== 'vectors') throw new AppError('internal', 'The embedding worker answered without vectors.');
    const { dimension } = this.model;
    return texts.map((_, i) => reply.packed.subarray(i * dimension, (i + 1) * dimension));
  }

  private call(request: Exclude<WorkerRequest, { type: 'close' }>): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(new AppError('internal', `The embedding worker stopped: ${this.failure.message}`));
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }
}

/**
 * About four characters a token for English prose under WordPiece, plus the special tokens; a
 * text is cut at the window unless the model embeds long passages as several windows.
 */
function estimatedTokens(text: string, kind: TextKind, model: ModelDescription): number {
  const tokens = Math.ceil(text.length / 4) + 2;
  return kind === 'passage' && model.longPassages.kind === 'windows' ? tokens : Math.min(tokens, model.maxTokens);
}

function startWorker(setup: WorkerSetup): Worker {
  return startSiblingWorker(import.meta.url, 'embedder-worker', setup);
}
