import { LruCache } from '../../shared/lru-cache.js';

/**
 * Title vectors for related-by-id, embedded on first use and kept by title text (so an edited
 * title is embedded again and a deleted paper's entry simply ages out). Bounded: the least
 * recently used titles leave first.
 */
export class TitleVectors {
  private readonly byTitle: LruCache<string, Float32Array>;

  /**
   * 384-dimension vectors take 1.5 kB each: 50,000 titles of usual length hold about 80 MB. The
   * weight counts the title's text too, so titles near their 2,000-character limit (4 kB as a
   * key) cannot take the cache to four times that.
   */
  constructor(capacity = 50_000, maxBytes = 96 * 1024 * 1024) {
    this.byTitle = new LruCache(capacity, (title, vector) => title.length * 2 + vector.byteLength, maxBytes);
  }

  /** The vector of each title (undefined for a blank one), the missing ones embedded by `embed` in one call. */
  async of(titles: readonly string[], embed: (titles: string[]) => Promise<Float32Array[]>): Promise<(Float32Array | undefined)[]> {
    const keys = titles.map((title) => title.trim());
    const found = new Map<string, Float32Array>();
    for (const key of new Set(keys)) {
      const vector = key.length > 0 ? this.byTitle.get(key) : undefined;
      if (vector) found.set(key, vector);
    }
    const missing = [...new Set(keys.filter((key) => key.length > 0 && !found.has(key)))];
    if (missing.length > 0) {
      const vectors = await embed(missing);
      missing.forEach((key, i) => {
        // A copy: the vector is a view of its model call's reply, which holds every text of the
        // call (20 titles of one related list in 30 kB), bytes the bound would not count.
        const vector = vectors[i]!.slice();
        found.set(key, vector);
        this.byTitle.set(key, vector);
      });
    }
    return keys.map((key) => found.get(key));
  }

  get size(): number {
    return this.byTitle.size;
  }
}
