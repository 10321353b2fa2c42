import { LruCache } from '../shared/lru-cache.js';
import { keptBytes, type KeptAnswer } from './kept-answer.js';

/** What the encoded answers may take in all by default: every ten-hit related list of about 7,000 papers (18 kB each with every field; 25 kB once kept gzipped too). */
export const defaultAnswerCacheMiB = 128;

/** A rough size of an entry beyond its bytes: the Buffer object, the Map entry and the key string's header. */
const bytesPerEntry = 200;

/** Where an answer is kept: the service and the version of its contents it was computed from, and the request's URL. */
export interface AnswerSlot {
  readonly owner: object;
  readonly version: number;
  readonly key: string;
}

/**
 * Encoded JSON answers of GET routes whose answer depends only on the request's URL and the
 * collection's contents, so a repeated request skips the route's work and the JSON encoding,
 * which is most of what a related list costs once its neighbours are precomputed (see
 * docs/performance.md). An answer belongs to one service and one version of its contents: the
 * first lookup after a write or a snapshot swap empties the cache, so an answer never misses a
 * write it follows. Bounded by bytes; the least recently used answers leave first.
 */
export class AnswerCache {
  private readonly answers: LruCache<string, KeptAnswer>;
  private owner: object | undefined;
  private version: number | undefined;

  /** `maxBytes` 0 turns the cache off. */
  constructor(maxBytes: number) {
    const capacity = maxBytes > 0 ? Number.POSITIVE_INFINITY : 0;
    this.answers = new LruCache(capacity, (key, answer) => 2 * key.length + keptBytes(answer) + bytesPerEntry, maxBytes);
  }

  /** The answer kept for `slot`, if any. */
  get(slot: AnswerSlot): KeptAnswer | undefined {
    if (slot.owner !== this.owner || slot.version !== this.version) {
      this.answers.clear();
      this.owner = slot.owner;
      this.version = slot.version;
      return undefined;
    }
    return this.answers.get(slot.key);
  }

  /** Keeps `answer` for `slot` (replacing what was kept) unless the contents have moved on since the slot was taken. */
  set(slot: AnswerSlot, answer: KeptAnswer): void {
    if (slot.owner === this.owner && slot.version === this.version) this.answers.set(slot.key, answer);
  }

  get size(): number {
    return this.answers.size;
  }
}
