import type { ModelDescription } from './model-registry.js';
import type { TransformersEmbedderOptions } from './transformers-embedder.js';

/** Messages between the WorkerEmbedder (main thread) and the embedder worker. */
export interface WorkerSetup {
  model: ModelDescription;
  options: TransformersEmbedderOptions;
}

/** `embed` is one model call's texts (the main thread's scheduler forms the batches). */
export type WorkerRequest = { type: 'embed'; id: number; kind: 'query' | 'passage'; texts: string[] } | { type: 'close' };

export type WorkerReply = { type: 'ready' } | { type: 'vectors'; id: number; packed: Float32Array } | { type: 'error'; id: number; message: string };
