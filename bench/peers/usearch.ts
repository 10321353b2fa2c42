import { requireBenchPackage, type PeerDescription } from './peer-index.js';

interface USearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(vector: Float32Array, k: number, threads: number): { keys: BigUint64Array };
}
interface USearchModule {
  Index: new (config: { dimensions: number; metric: string; connectivity: number; expansion_add: number; expansion_search: number }) => USearchIndex;
}

/**
 * USearch (Unum), C++ HNSW with SIMD distance kernels, with hnswlib's parameters. It is
 * built with a batch add on both cores, as its documentation recommends; queries use one thread.
 */
export const usearch: PeerDescription = {
  name: 'usearch',
  method: 'HNSW M 16, efC 200, ef 128, f32, batch add on 2 threads',
  async create() {
    const { Index } = requireBenchPackage<USearchModule>('usearch');
    let index: USearchIndex | undefined;
    return {
      async build(vectors, count, dimension) {
        index = new Index({ dimensions: dimension, metric: 'ip', connectivity: 16, expansion_add: 200, expansion_search: 128 });
        const keys = new BigUint64Array(count).map((_, i) => BigInt(i));
        index.add(keys, vectors.subarray(0, count * dimension), 2);
      },
      async query(vector, k) {
        return Array.from(index!.search(vector, k, 1).keys, Number);
      },
      async close() {},
    };
  },
};
