import { LruCache } from './lru-cache.js';

/** Where a value is kept: who computed it, from which version of its contents, and under which key. */
export interface CacheSlot {
  readonly owner: object;
  readonly version: number;
  readonly key: string;
}

/**
 * An LruCache whose entries belong to one owner and one version of the contents they were computed
 * from: the first lookup for another owner or version empties it, and a value computed before the
 * contents moved on is not kept, so nothing kept outlives a write it follows.
 */
export class VersionedCache<V> {
  private readonly entries: LruCache<string, V>;
  private owner: object | undefined;
  private version: number | undefined;

  /** See LruCache: at most `capacity` entries and `maxWeight` in all; capacity 0 keeps nothing. */
  constructor(
    readonly capacity: number,
    weigh: (key: string, value: V) => number,
    maxWeight: number,
  ) {
    this.entries = new LruCache(capacity, weigh, maxWeight);
  }

  /** The value kept for `slot`, if any. */
  get(slot: CacheSlot): V | undefined {
    if (slot.owner !== this.owner || slot.version !== this.version) {
      this.entries.clear();
      this.owner = slot.owner;
      this.version = slot.version;
      return undefined;
    }
    return this.entries.get(slot.key);
  }

  /** Keeps `value` for `slot` (replacing what was kept) unless the contents have moved on since the slot was taken. */
  set(slot: CacheSlot, value: V): void {
    if (slot.owner === this.owner && slot.version === this.version) this.entries.set(slot.key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
