import { importBenchPackage, type PeerDescription } from './peer-index.js';

interface LanceQuery {
  distanceType(type: string): LanceQuery;
  limit(k: number): LanceQuery;
  select(columns: string[]): LanceQuery;
  ef(ef: number): LanceQuery;
  toArray(): Promise<{ label: number }[]>;
}
interface LanceTable {
  add(rows: object[]): Promise<unknown>;
  createIndex(column: string, options: { config: unknown }): Promise<void>;
  query(): { nearestTo(vector: Float32Array): LanceQuery };
}
interface LanceModule {
  connect(uri: string): Promise<{ createTable(name: string, rows: object[], options: { mode: string }): Promise<LanceTable> }>;
  Index: { hnswSq(options: object): unknown };
}

const rows = (vectors: Float32Array, from: number, to: number, dimension: number) =>
  Array.from({ length: to - from }, (_, i) => ({ label: from + i, vector: Array.from(vectors.subarray((from + i) * dimension, (from + i + 1) * dimension)) }));

/**
 * LanceDB, the embedded columnar vector database: a table on local disk, searched either by a
 * flat scan (no index, exact; what a small table gets) or through its IVF-HNSW-SQ index.
 */
function lancedb(indexed: boolean): PeerDescription {
  return {
    name: indexed ? 'lancedb IVF-HNSW-SQ' : 'lancedb flat',
    method: indexed ? 'IVF-HNSW-SQ (8-bit) M 16, efC 200, ef 128, on disk' : 'exact scan, on disk',
    async create(workDir) {
      const lance = await importBenchPackage<LanceModule>('@lancedb/lancedb');
      let table: LanceTable | undefined;
      return {
        async build(vectors, count, dimension) {
          const db = await lance.connect(workDir);
          const chunk = 10_000;
          table = await db.createTable('papers', rows(vectors, 0, Math.min(chunk, count), dimension), { mode: 'overwrite' });
          for (let from = chunk; from < count; from += chunk) await table.add(rows(vectors, from, Math.min(from + chunk, count), dimension));
          if (indexed) await table.createIndex('vector', { config: lance.Index.hnswSq({ distanceType: 'dot', m: 16, efConstruction: 200 }) });
        },
        async query(vector, k) {
          const query = table!.query().nearestTo(vector).distanceType('dot').limit(k).select(['label', '_distance']);
          return (await (indexed ? query.ef(128) : query).toArray()).map((row) => Number(row.label));
        },
        async close() {},
      };
    },
  };
}

export const lancedbFlat = lancedb(false);
export const lancedbHnsw = lancedb(true);
