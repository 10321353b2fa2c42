import type { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { startSiblingWorker } from '../shared/worker-threads.js';
import type { Embedder } from './embedder.js';
import type { ModelDescription } from './model-registry.js';
import type { TransformersEmbedderOptions } from './transformers-embedder.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.js';

type Pending = { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void };

/** The model behind a worker thread (see embedder-worker.ts for why), as a plain Embedder. */
export class WorkerEmbedder implements Embedder {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;

  private constructor(
    readonly model: ModelDescription,
    private readonly worker: Worker,
  ) {
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
      for (const waiting of this.pending.values()) waiting.reject(new AppError('internal', `The embedding worker stopped: ${error.message}`));
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  static async create(model: ModelDescription, options: TransformersEmbedderOptions): Promise<WorkerEmbedder> {
    const worker = startWorker({ model, options });
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
    return new WorkerEmbedder(model, worker);
  }

  get healthy(): boolean {
    return this.failure === undefined;
  }

  embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embed('query', texts);
  }

  embedPassages(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embed('passage', texts);
  }

  async dispose(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
    await exited;
  }

  private async embed(kind: 'query' | 'passage', texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const reply = await this.call({ type: 'embed', id: this.nextId++, kind, texts: [...texts] });
    if (reply.type !== 'vectors') return [];
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

function startWorker(setup: WorkerSetup): Worker {
  return startSiblingWorker(import.meta.url, 'embedder-worker', setup);
}
