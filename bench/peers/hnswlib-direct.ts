import hnswlib from 'hnswlib-node';
import type { PeerDescription } from './peer-index.js';

/** hnswlib-node called directly, same parameters: the floor under the product's wrapper. */
export const hnswlibDirect: PeerDescription = {
  name: 'hnswlib-node direct',
  method: 'HNSW M 16, efC 200, ef 128',
  async create() {
    let index: hnswlib.HierarchicalNSW | undefined;
    return {
      async build(vectors, count, dimension) {
        index = new hnswlib.HierarchicalNSW('ip', dimension);
        index.initIndex({ maxElements: count, m: 16, efConstruction: 200, randomSeed: 100 });
        for (let label = 0; label < count; label++) index.addPoint(Array.from(vectors.subarray(label * dimension, (label + 1) * dimension)), label);
        index.setEf(128);
      },
      async query(vector, k) {
        return index!.searchKnn(Array.from(vector), k).neighbors;
      },
      async close() {},
    };
  },
};
