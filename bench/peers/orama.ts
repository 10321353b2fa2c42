import { importBenchPackage, type PeerDescription } from './peer-index.js';

interface OramaModule {
  create(options: { schema: Record<string, string> }): unknown;
  insertMultiple(db: unknown, documents: object[], batchSize?: number): Promise<string[]> | string[];
  search(db: unknown, params: object): Promise<{ hits: { document: { label: number } }[] }> | { hits: { document: { label: number } }[] };
}

/** Orama: an in-memory TypeScript search engine whose vector search is exact (a scan). */
export const orama: PeerDescription = {
  name: 'orama',
  method: 'exact scan (vector property)',
  async create() {
    const module = await importBenchPackage<OramaModule>('@orama/orama');
    let db: unknown;
    return {
      async build(vectors, count, dimension) {
        db = module.create({ schema: { label: 'number', embedding: `vector[${dimension}]` } });
        const documents = Array.from({ length: count }, (_, label) => ({
          label,
          embedding: Array.from(vectors.subarray(label * dimension, (label + 1) * dimension)),
        }));
        await module.insertMultiple(db, documents, 1000);
      },
      async query(vector, k) {
        // similarity is a floor on cosine; -1 keeps every candidate so only the top k decides.
        const result = await module.search(db, {
          mode: 'vector',
          vector: { value: Array.from(vector), property: 'embedding' },
          similarity: -1,
          limit: k,
          includeVectors: false,
        });
        return result.hits.map((hit) => hit.document.label);
      },
      async close() {},
    };
  },
};
