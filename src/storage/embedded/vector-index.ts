import hnswlib from 'hnswlib-node';
import { AppError } from '../../errors.js';
import type { HnswParameters } from './manifest.js';

export interface Neighbor {
  label: number;
  /** Cosine similarity: vectors are unit length and the space is inner product. */
  score: number;
}

export const defaultHnswParameters: HnswParameters = { space: 'ip', m: 16, efConstruction: 200, randomSeed: 100 };

/**
 * The depths a search asked for more than ef explores: the candidates of hybrid search and facets
 * (100) fit the first, so a server run at a lower ef does not search deep for those; the second is
 * the deepest page a list serves (offset + k at most 1,000) and the one more tie completion asks.
 */
const searchDepths = [128, 1_001] as const;

/**
 * The depths whose explorations make up a list of more than ef, whatever its length: ef, each
 * fixed depth past it, then twice the last, and so on. A list stops at the first tier that holds
 * its k papers (one short of k, papers skipped as missed, goes on to the next, as a longer list's
 * would).
 */
function* tiersPast(ef: number): Generator<number> {
  yield ef;
  let last = ef;
  for (const depth of searchDepths) {
    if (depth <= ef) continue;
    yield depth;
    last = depth;
  }
  for (;;) yield (last *= 2);
}

/** The only user of hnswlib-node: approximate nearest neighbours over unit vectors by inner product. */
export class VectorIndex {
  private constructor(
    private readonly hnsw: hnswlib.HierarchicalNSW,
    readonly dimension: number,
  ) {}

  static create(dimension: number, parameters: HnswParameters, initialCapacity = 1024): VectorIndex {
    const hnsw = new hnswlib.HierarchicalNSW(parameters.space, dimension);
    hnsw.initIndex({
      maxElements: Math.max(1, initialCapacity),
      m: parameters.m,
      efConstruction: parameters.efConstruction,
      randomSeed: parameters.randomSeed,
    });
    return new VectorIndex(hnsw, dimension);
  }

  static async load(path: string, dimension: number, efSearch: number): Promise<VectorIndex> {
    const hnsw = new hnswlib.HierarchicalNSW('ip', dimension);
    try {
      await hnsw.readIndex(path);
    } catch (error) {
      throw new AppError('index_corrupt', `Cannot read the HNSW index ${path}: ${(error as Error).message}. Rebuild the index with npm run ingest.`);
    }
    hnsw.setEf(efSearch);
    return new VectorIndex(hnsw, dimension);
  }

  get count(): number {
    return this.hnsw.getCurrentCount();
  }

  /** Adds a vector under `label`, growing the index when it is full. */
  add(label: number, vector: Float32Array): void {
    const capacity = this.hnsw.getMaxElements();
    // An index saved empty loads with capacity 0, which doubling would keep at 0.
    if (this.hnsw.getCurrentCount() >= capacity) this.hnsw.resizeIndex(Math.max(1024, capacity * 2));
    this.hnsw.addPoint(Array.from(vector), label);
  }

  /**
   * Tombstones `label`: hnswlib keeps the node for routing but never returns it. The graph is
   * rebuilt without it at the next snapshot that has tombstones.
   */
  remove(label: number): void {
    this.hnsw.markDelete(label);
  }

  /** The k nearest vectors (fewer if fewer exist or pass `accept`), best first. */
  search(vector: Float32Array, k: number, accept?: (label: number) => boolean): Neighbor[] {
    return this.searchArray(Array.from(vector), k, accept);
  }

  /**
   * The k nearest vectors to the stored vector of `label`, best first, never `label` itself
   * (nor any of `excluded`). Without `accept`, asks hnswlib for a few more instead of passing a
   * filter: a JavaScript callback per visited node costs about a quarter of the search.
   */
  searchNear(label: number, k: number, excluded: ReadonlySet<number>, accept?: (label: number) => boolean): Neighbor[] {
    return this.searchArrayExcluding(this.hnsw.getPoint(label), k, new Set([label, ...excluded]), accept);
  }

  /** Like search, leaving out `excluded` labels (see searchNear for how). */
  searchExcluding(vector: Float32Array, k: number, excluded: ReadonlySet<number>, accept?: (label: number) => boolean): Neighbor[] {
    return this.searchArrayExcluding(Array.from(vector), k, excluded, accept);
  }

  private searchArrayExcluding(query: number[], k: number, excluded: ReadonlySet<number>, accept?: (label: number) => boolean): Neighbor[] {
    if (accept) return this.searchArray(query, k, (label) => !excluded.has(label) && accept(label));
    return this.searchArray(query, k + excluded.size)
      .filter((neighbor) => !excluded.has(neighbor.label))
      .slice(0, k);
  }

  /**
   * The k nearest, as the first k of one list however deep the page. hnswlib explores max(ef, k)
   * candidates, so a list cut from a deeper exploration ranks differently near where a shallower
   * one ends, and pages cut from the two would repeat some papers and skip others. So the list is
   * built in tiers: the first ef come from the ef exploration (the same for every k up to ef), the
   * rest up to each fixed depth from that depth's exploration, papers already listed skipped. A
   * deeper tier may hold a closer paper the shallower exploration missed; it is left out, as the
   * shallower pages left it out, so the list stays in score order (callers sort it by score).
   */
  private searchArray(query: number[], k: number, accept?: (label: number) => boolean): Neighbor[] {
    const count = this.hnsw.getCurrentCount();
    if (count === 0) return [];
    // A collection no larger than the deepest fixed tier is explored whole for every list: one
    // list, complete, whatever the page.
    if (count <= searchDepths.at(-1)!) return this.explore(query, count, accept).slice(0, k);
    const ef = this.hnsw.getEf();
    if (k <= ef) return this.explore(query, k, accept);
    const listed: Neighbor[] = [];
    const seen = new Set<number>();
    for (const tier of tiersPast(ef)) {
      const depth = Math.min(tier, count);
      const floor = listed.at(-1)?.score ?? Infinity;
      const explored = this.explore(query, depth, accept);
      for (const neighbor of explored) {
        if (seen.has(neighbor.label) || neighbor.score > floor) continue;
        seen.add(neighbor.label);
        listed.push(neighbor);
      }
      // Fewer than asked: the filter lets no more through, and a deeper search would find none.
      if (listed.length >= k || depth >= count || explored.length < depth) break;
    }
    return listed.slice(0, k);
  }

  /** The `depth` nearest of one exploration of max(ef, depth) candidates, best first. */
  private explore(query: number[], depth: number, accept?: (label: number) => boolean): Neighbor[] {
    const result = accept ? this.hnsw.searchKnn(query, depth, accept) : this.hnsw.searchKnn(query, depth);
    return result.neighbors.map((label, i) => ({ label, score: 1 - (result.distances[i] ?? 1) })).sort((a, b) => b.score - a.score || a.label - b.label);
  }

  /** The stored vector of `label`, exactly as indexed (never re-embedded). */
  vector(label: number): Float32Array {
    return Float32Array.from(this.hnsw.getPoint(label));
  }

  /** Releases the spare capacity left by growth by doubling, before saving. */
  shrinkToFit(): void {
    const count = this.hnsw.getCurrentCount();
    if (count > 0 && count < this.hnsw.getMaxElements()) this.hnsw.resizeIndex(count);
  }

  get efSearch(): number {
    return this.hnsw.getEf();
  }

  setEfSearch(ef: number): void {
    this.hnsw.setEf(ef);
  }

  async save(path: string): Promise<void> {
    await this.hnsw.writeIndex(path);
  }
}
