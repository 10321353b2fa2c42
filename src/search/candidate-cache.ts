import type { RankedCandidate } from './ranking.js';

/** Lists kept by default. A hybrid list of 100 candidates and its key take about 16 kB: 16 MB in all. */
export const defaultResultCacheSize = 1_000;

/**
 * What the lists may take in all, whatever their count: a key holds the whole text (an abstract
 * may be long) and the filter, and a dense or lexical list may be 1,000 deep. A list that alone
 * would take more than an eighth of it is not kept.
 */
const maxCachedBytes = 32 * 1024 * 1024;

/** A rough size of a candidate in memory: the object, its id string and its ranks. */
const bytesPerCandidate = 160;

interface Entry {
  list: readonly RankedCandidate[];
  bytes: number;
}

/**
 * Ranked candidate lists of recent searches, so a repeated search (the same text, mode, depth and
 * filter: a second page, a client's retry, a popular query, the page re-rendered) skips the model,
 * HNSW and BM25. Solr's queryResultCache works the same way. Entries belong to one version of the
 * collection's contents (see PaperStorage.resultsVersion): the first lookup after a write empties
 * the cache, so an answer never misses a write it follows. Bounded by count and by size: the least
 * recently used entries leave first.
 */
export class CandidateCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private version: number | undefined;

  /** `capacity` 0 turns the cache off. */
  constructor(
    private readonly capacity: number,
    private readonly maxBytes = maxCachedBytes,
  ) {}

  /** The list cached under `key` for this `version`, if any. */
  get(version: number, key: string): readonly RankedCandidate[] | undefined {
    if (version !== this.version) {
      this.entries.clear();
      this.bytes = 0;
      this.version = version;
      return undefined;
    }
    const entry = this.entries.get(key);
    if (entry) {
      // Re-inserting marks the entry as most recently used (a Map keeps insertion order).
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry?.list;
  }

  /** Keeps `list` (not copied: callers must not change it) for `version`. */
  set(version: number, key: string, list: readonly RankedCandidate[]): void {
    const bytes = 2 * key.length + bytesPerCandidate * list.length;
    if (this.capacity === 0 || version !== this.version || bytes > this.maxBytes / 8) return;
    this.forget(key);
    this.entries.set(key, { list, bytes });
    this.bytes += bytes;
    while (this.entries.size > this.capacity || this.bytes > this.maxBytes) this.forget(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
