import type { EmbedRequestOptions } from './embed-scheduler.js';
import type { Embedder } from './embedder.js';
import { LruCache } from '../shared/lru-cache.js';

/**
 * Remembers the vectors of recent queries (least recently used dropped first): repeated searches,
 * pagination and retries skip the model. Passages are not cached: each abstract is rarely sent
 * twice and costs far more memory per entry.
 */
export class QueryCachingEmbedder implements Embedder {
  private readonly cache: LruCache<string, Float32Array>;

  constructor(
    private readonly inner: Embedder,
    capacity: number,
  ) {
    this.cache = new LruCache(capacity);
  }

  get model(): Embedder['model'] {
    return this.inner.model;
  }

  get state(): Embedder['state'] {
    return this.inner.state;
  }

  async embedQueries(texts: readonly string[], request?: EmbedRequestOptions): Promise<Float32Array[]> {
    const vectors = new Map<string, Float32Array>();
    const missing: string[] = [];
    for (const text of new Set(texts)) {
      const cached = this.cache.get(text);
      if (cached) {
        vectors.set(text, cached);
      } else {
        missing.push(text);
      }
    }
    if (missing.length > 0) {
      const embedded = await this.inner.embedQueries(missing, request);
      missing.forEach((text, i) => vectors.set(text, this.remember(text, embedded[i]!)));
    }
    return texts.map((text) => vectors.get(text)!);
  }

  embedPassages(texts: readonly string[], request?: EmbedRequestOptions): Promise<Float32Array[]> {
    return this.inner.embedPassages(texts, request);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }

  /** Keeps a copy (the vector may be a view into a reply buffer holding a whole batch) and returns it. */
  private remember(text: string, vector: Float32Array): Float32Array {
    const copy = vector.slice();
    this.cache.set(text, copy);
    return copy;
  }
}
