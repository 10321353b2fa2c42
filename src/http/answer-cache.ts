import { VersionedCache } from '../shared/versioned-cache.js';
import { keptBytes, type KeptAnswer } from './kept-answer.js';

/** A rough size of an entry beyond its bytes: the Buffer object, the Map entry and the key string's header. */
const bytesPerEntry = 200;

/**
 * Encoded JSON answers of GET routes whose answer depends only on the request's URL and the
 * collection's contents, so a repeated request skips the route's work and the JSON encoding,
 * which is most of what a related list costs once its neighbours are precomputed (see
 * docs/performance.md). Slots are the service, the version of its contents and the URL: the
 * first lookup after a write or a snapshot swap empties the cache. Bounded by bytes; the least
 * recently used answers leave first.
 */
export class AnswerCache extends VersionedCache<KeptAnswer> {
  /** `maxBytes` 0 turns the cache off. */
  constructor(maxBytes: number) {
    super(maxBytes > 0 ? Number.POSITIVE_INFINITY : 0, (key, answer) => 2 * key.length + keptBytes(answer) + bytesPerEntry, maxBytes);
  }
}
