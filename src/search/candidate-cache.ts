import { VersionedCache } from '../shared/versioned-cache.js';
import type { RankedCandidate } from './ranking.js';

/** Lists kept by default. A hybrid list of 100 candidates and its key take about 16 kB: 16 MB in all. */
export const defaultResultCacheSize = 1_000;

/**
 * What the lists may take in all, whatever their count: a key holds the whole text (an abstract
 * may be long) and the filter, and a dense or lexical list may be 1,000 deep.
 */
const maxCachedBytes = 32 * 1024 * 1024;

/** A rough size of a candidate in memory: the object, its id string and its ranks. */
const bytesPerCandidate = 160;

/**
 * Ranked candidate lists of recent searches, so a repeated search (the same text, mode, depth and
 * filter: a second page, a client's retry, a popular query, the page re-rendered) skips the model,
 * HNSW and BM25. Solr's queryResultCache works the same way. Slots are the service, the version
 * of the collection's contents (see PaperStorage.resultsVersion) and the search: the first lookup
 * after a write empties the cache. Lists are kept as given (callers must not change them).
 * Bounded by count and by size (a list over an eighth of the size is not kept); the least
 * recently used entries leave first.
 */
export class CandidateCache extends VersionedCache<readonly RankedCandidate[]> {
  /** `capacity` 0 turns the cache off. */
  constructor(capacity: number, maxBytes = maxCachedBytes) {
    super(capacity, (key, list) => 2 * key.length + bytesPerCandidate * list.length, maxBytes);
  }
}
