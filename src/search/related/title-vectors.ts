/**
 * Title vectors for related-by-id, embedded on first use and kept by title text (so an edited
 * title is embedded again and a deleted paper's entry simply ages out). Bounded: the least
 * recently used titles leave first.
 */
export class TitleVectors {
  private readonly byTitle = new Map<string, Float32Array>();

  /** 384-dimension vectors take 1.5 kB each: 50,000 titles hold about 77 MB. */
  constructor(private readonly capacity = 50_000) {}

  /** The vector of each title (undefined for a blank one), the missing ones embedded by `embed` in one call. */
  async of(titles: readonly string[], embed: (titles: string[]) => Promise<Float32Array[]>): Promise<(Float32Array | undefined)[]> {
    const keys = titles.map((title) => title.trim());
    const missing = [...new Set(keys.filter((key) => key.length > 0 && !this.byTitle.has(key)))];
    if (missing.length > 0) {
      const vectors = await embed(missing);
      missing.forEach((key, i) => this.remember(key, vectors[i]!));
    }
    return keys.map((key) => {
      const vector = this.byTitle.get(key);
      if (vector) this.remember(key, vector);
      return vector;
    });
  }

  get size(): number {
    return this.byTitle.size;
  }

  private remember(key: string, vector: Float32Array): void {
    this.byTitle.delete(key);
    this.byTitle.set(key, vector);
    if (this.byTitle.size > this.capacity) this.byTitle.delete(this.byTitle.keys().next().value!);
  }
}
