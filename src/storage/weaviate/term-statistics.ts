/** The two counts of a collection BM25's idf is made of, as Weaviate answers them (one aggregate query each). */
export interface TermCounts {
  /** Papers stored. */
  documents(): Promise<number>;
  /** Papers holding `term` (an analyzed term). */
  holding(term: string): Promise<number>;
}

export interface TermStatisticsOptions {
  /** How long a count is reused: the staleness a search's score may have after another server's writes. */
  ttlMs: number;
  /** Terms remembered at most (the least recently fetched are forgotten first). */
  maxTerms: number;
  now?: () => number;
}

interface Entry {
  count: Promise<number>;
  fetchedAt: number;
}

const documentsKey = '\u0000documents';

/**
 * The collection's document count and per-term document frequencies, kept for `ttlMs`. Each is
 * an aggregate query to the cluster (a round trip and a filter over the inverted index), and a
 * hybrid search's lexical ceiling needs one per query word: fetched every time, they made a
 * search cost a dozen round trips and queued up under concurrent load. Concurrent searches
 * asking for the same term share one query. A write through this process forgets the counts it
 * changed; another server's writes reach them within `ttlMs`. A common word's count moves little
 * with a few papers; a rare word's can move a lot (40 papers of a word none held), so `ttlMs` is
 * kept short.
 */
export class TermStatistics {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(
    private readonly counts: TermCounts,
    private readonly options: TermStatisticsOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  documents(): Promise<number> {
    return this.cached(documentsKey, () => this.counts.documents());
  }

  /** Papers holding each term, in order. */
  frequencies(terms: readonly string[]): Promise<number[]> {
    return Promise.all(terms.map((term) => this.cached(term, () => this.counts.holding(term))));
  }

  /** Forgets every count (the collection they were counted on is no longer the one served). */
  forgetAll(): void {
    this.entries.clear();
  }

  /** Forgets the counts a write changed: the papers stored, and the terms of the papers it put or removed. */
  forget(terms: Iterable<string>): void {
    this.entries.delete(documentsKey);
    for (const term of terms) this.entries.delete(term);
  }

  private cached(key: string, fetch: () => Promise<number>): Promise<number> {
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry && now - entry.fetchedAt < this.options.ttlMs) return entry.count;
    const count = fetch();
    // Re-inserted, so the Map's order is the order of fetching and the oldest go first.
    this.entries.delete(key);
    this.entries.set(key, { count, fetchedAt: now });
    // A failed count is not kept: the next search asks again.
    count.catch(() => {
      if (this.entries.get(key)?.count === count) this.entries.delete(key);
    });
    while (this.entries.size > this.options.maxTerms) this.entries.delete(this.entries.keys().next().value!);
    return count;
  }
}
