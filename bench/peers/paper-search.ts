import { defaultHnswParameters, VectorIndex } from '../../src/storage/embedded/vector-index.js';
import type { PeerDescription } from './peer-index.js';

/** The product's own index class, at the service's default breadth (HNSW_EF_SEARCH 128). */
export const paperSearch: PeerDescription = {
  name: 'paper-search VectorIndex',
  method: 'HNSW (hnswlib-node) M 16, efC 200, ef 128',
  async create() {
    let index: VectorIndex | undefined;
    return {
      async build(vectors, count, dimension) {
        index = VectorIndex.create(dimension, defaultHnswParameters, count);
        for (let label = 0; label < count; label++) index.add(label, vectors.subarray(label * dimension, (label + 1) * dimension));
        index.setEfSearch(128);
      },
      async query(vector, k) {
        return index!.search(vector, k).map((neighbor) => neighbor.label);
      },
      async close() {},
    };
  },
};
