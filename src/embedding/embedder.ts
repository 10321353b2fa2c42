import type { EmbedRequestOptions } from './embed-scheduler.js';
import type { ModelDescription } from './model-registry.js';

/**
 * What the rest of the service knows of the model: texts in, unit vectors out. Queries and
 * passages are separate because some models embed them differently (a query instruction).
 */
export interface Embedder {
  readonly model: ModelDescription;
  /** False once the model can no longer answer (its worker died): readiness reports it. */
  readonly healthy: boolean;
  /** `request` says who asks and until when (the model is shared fairly between clients, see EmbedScheduler). */
  embedQueries(texts: readonly string[], request?: EmbedRequestOptions): Promise<Float32Array[]>;
  embedPassages(texts: readonly string[], request?: EmbedRequestOptions): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/** The passage a paper is embedded as: title and abstract joined, as retrieval benchmarks assume. */
export function paperPassage(title: string | undefined, abstract: string): string {
  const cleanTitle = title?.trim() ?? '';
  const cleanAbstract = abstract.replace(/\s+/g, ' ').trim();
  return cleanTitle.length > 0 ? `${cleanTitle} ${cleanAbstract}` : cleanAbstract;
}
