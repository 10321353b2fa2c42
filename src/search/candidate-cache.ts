import type { RankedCandidate } from './ranking.js';

/** Lists kept by default: a few hundred kB (a hybrid list is 100 ids and scores). */
export const defaultResultCacheSize = 1_000;

/**
 * Ranked candidate lists of recent searches, so a repeated search (the same text, mode, depth and
 * filter: a second page, a client's retry, a popular query, the page re-rendered) skips the model,
 * HNSW and BM25. Solr's queryResultCache works the same way. Entries belong to one version of the
 * collection's contents (see PaperStorage.resultsVersion): the first lookup after a write empties
 * the cache, so an answer never misses a write it follows. Bounded: the least recently used
 * entries leave first.
 */
export class CandidateCache {
  private readonly lists = new Map<string, readonly RankedCandidate[]>();
  private version: number | undefined;

  /** `capacity` 0 turns the cache off. */
  constructor(private readonly capacity: number) {}

  /** The list cached under `key` for this `version`, if any. */
  get(version: number, key: string): readonly RankedCandidate[] | undefined {
    if (version !== this.version) {
      this.lists.clear();
      this.version = version;
      return undefined;
    }
    const list = this.lists.get(key);
    if (list) {
      // Re-inserting marks the entry as most recently used (a Map keeps insertion order).
      this.lists.delete(key);
      this.lists.set(key, list);
    }
    return list;
  }

  /** Keeps `list` (not copied: callers must not change it) for `version`. */
  set(version: number, key: string, list: readonly RankedCandidate[]): void {
    if (this.capacity === 0 || version !== this.version) return;
    this.lists.set(key, list);
    if (this.lists.size > this.capacity) this.lists.delete(this.lists.keys().next().value!);
  }

  get size(): number {
    return this.lists.size;
  }
}
