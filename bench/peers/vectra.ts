import { importBenchPackage, type PeerDescription } from './peer-index.js';

interface VectraIndex {
  createIndex(config: { version: number; deleteIfExists: boolean }): Promise<void>;
  beginUpdate(): Promise<void>;
  insertItem(item: { vector: number[]; metadata: { label: number } }): Promise<unknown>;
  endUpdate(): Promise<void>;
  queryItems(vector: number[], query: string, topK: number): Promise<{ item: { metadata: { label: number } } }[]>;
}
interface VectraModule {
  LocalIndex: new (folder: string, indexName?: string, storage?: unknown, codec?: unknown) => VectraIndex;
  ProtobufCodec: new () => unknown;
}

/**
 * Vectra: a file-backed index loaded into memory and scanned exactly. Its default codec writes
 * the whole index as one JSON file; the opt-in Protocol Buffers codec stores vectors packed.
 */
function vectra(codec: 'json' | 'protobuf'): PeerDescription {
  return {
    name: codec === 'json' ? 'vectra' : 'vectra (protobuf codec)',
    method: `exact scan (${codec === 'json' ? 'JSON' : 'protobuf'} file, in memory)`,
    async create(workDir) {
      const module = await importBenchPackage<VectraModule>('vectra');
      const index = codec === 'json' ? new module.LocalIndex(workDir) : new module.LocalIndex(workDir, undefined, undefined, new module.ProtobufCodec());
      return {
        async build(vectors, count, dimension) {
          await index.createIndex({ version: 1, deleteIfExists: true });
          await index.beginUpdate();
          for (let label = 0; label < count; label++)
            await index.insertItem({ vector: Array.from(vectors.subarray(label * dimension, (label + 1) * dimension)), metadata: { label } });
          await index.endUpdate();
        },
        async query(vector, k) {
          return (await index.queryItems(Array.from(vector), '', k)).map((result) => result.item.metadata.label);
        },
        async close() {},
      };
    },
  };
}

export const vectraJson = vectra('json');
export const vectraProtobuf = vectra('protobuf');
