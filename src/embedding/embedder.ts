import type { EmbedRequestOptions } from './embed-scheduler.js';
import type { ModelDescription } from './model-registry.js';

/**
 * What the rest of the service knows of the model: texts in, unit vectors out. Queries and
 * passages are separate because some models embed them differently (a query instruction).
 */
export interface Embedder {
  readonly model: ModelDescription;
  /** `restarting` while the model recovers from a crash, `failed` once it cannot answer any more: readiness reports it. */
  readonly state: ModelState;
  /** `request` says who asks and until when (the model is shared fairly between clients, see EmbedScheduler). */
  embedQueries(texts: readonly string[], request?: EmbedRequestOptions): Promise<Float32Array[]>;
  embedPassages(texts: readonly string[], request?: EmbedRequestOptions): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export type ModelState = 'ready' | 'restarting' | 'failed';

/** The passage a paper is embedded as: title and abstract joined, as retrieval benchmarks assume. */
export function paperPassage(title: string | undefined, abstract: string): string {
  const cleanTitle = title?.trim() ?? '';
  const cleanAbstract = abstract.replace(/\s+/g, ' ').trim();
  return cleanTitle.length > 0 ? `${cleanTitle} ${cleanAbstract}` : cleanAbstract;
}
