import { importBenchPackage, type PeerDescription } from './peer-index.js';

interface VectraIndex {
  createIndex(config: { version: number; deleteIfExists: boolean }): Promise<void>;
  beginUpdate(): Promise<void>;
  insertItem(item: { vector: number[]; metadata: { label: number } }): Promise<unknown>;
  endUpdate(): Promise<void>;
  queryItems(vector: number[], query: string, topK: number): Promise<{ item: { metadata: { label: number } } }[]>;
}
interface VectraModule {
  LocalIndex: new (folder: string) => VectraIndex;
}

/** Vectra: a file-backed index (one JSON file) loaded into memory and scanned exactly. */
export const vectra: PeerDescription = {
  name: 'vectra',
  method: 'exact scan (JSON file, in memory)',
  async create(workDir) {
    const { LocalIndex } = await importBenchPackage<VectraModule>('vectra');
    const index = new LocalIndex(workDir);
    return {
      async build(vectors, count, dimension) {
        await index.createIndex({ version: 1, deleteIfExists: true });
        await index.beginUpdate();
        for (let label = 0; label < count; label++) await index.insertItem({ vector: Array.from(vectors.subarray(label * dimension, (label + 1) * dimension)), metadata: { label } });
        await index.endUpdate();
      },
      async query(vector, k) {
        return (await index.queryItems(Array.from(vector), '', k)).map((result) => result.item.metadata.label);
      },
      async close() {},
    };
  },
};
