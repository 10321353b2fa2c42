// Shared pieces of the Weaviate client probes: connection from the settings that
// cluster.sh prints, the paper collection definition, sample papers, vectors.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import weaviate, { generateUuid5, type WeaviateClient } from 'weaviate-client';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const dimensions = 384;

/** Properties of one paper as stored in Weaviate (snake_case names are allowed). */
export type PaperProperties = {
  paper_id: string;
  title: string;
  abstract: string;
  authors?: string[];
  /** The authors case-folded and white-space-folded: field tokenization matches exactly. */
  author_keys?: string[];
  categories?: string[];
  year?: number;
  date?: string;
  doi?: string;
  arxiv_id?: string;
  url?: string;
};

function hostAndPort(value: string, name: string): { host: string; port: number } {
  const match = /^(?:https?:\/\/)?([^:/]+):(\d+)\/?$/.exec(value);
  if (!match?.[1] || !match[2]) throw new Error(`${name}="${value}" is not host:port`);
  return { host: match[1], port: Number(match[2]) };
}

/** Connects with WEAVIATE_URL and WEAVIATE_GRPC, as printed by `cluster.sh start`. */
export async function connect(url = process.env.WEAVIATE_URL, grpc = process.env.WEAVIATE_GRPC): Promise<WeaviateClient> {
  if (!url || !grpc) throw new Error('set WEAVIATE_URL and WEAVIATE_GRPC (eval "$(scripts/weaviate/cluster.sh start)")');
  const http = hostAndPort(url, 'WEAVIATE_URL');
  const rpc = hostAndPort(grpc, 'WEAVIATE_GRPC');
  return weaviate.connectToCustom({
    httpHost: http.host,
    httpPort: http.port,
    httpSecure: false,
    grpcHost: rpc.host,
    grpcPort: rpc.port,
    grpcSecure: false,
    timeout: { init: 10, query: 30, insert: 120 },
  });
}

export interface PaperCollectionOptions {
  name: string;
  embeddingModel: string;
  shards?: number;
  replicationFactor?: number;
  asyncReplication?: boolean;
}

/** The collection layout proposed for the backend; see NOTES.md for why each setting. */
export async function createPaperCollection(client: WeaviateClient, options: PaperCollectionOptions) {
  const { configure } = weaviate;
  const { dataType, tokenization } = configure;
  const exact = { tokenization: tokenization.FIELD, indexFilterable: true, indexSearchable: false } as const;
  return client.collections.create<PaperProperties>({
    name: options.name,
    // Collection-level metadata: the description is free text, so it carries a JSON object.
    description: JSON.stringify({ format: 1, embedding_model: options.embeddingModel, dimensions }),
    vectorizers: configure.vectors.selfProvided({
      vectorIndexConfig: configure.vectorIndex.hnsw({
        distanceMetric: 'cosine',
        ef: 64,
        efConstruction: 128,
        maxConnections: 32,
        quantizer: configure.vectorIndex.quantizer.none(),
      }),
    }),
    sharding: configure.sharding({ desiredCount: options.shards ?? 2 }),
    replication: configure.replication({ factor: options.replicationFactor ?? 2, asyncEnabled: options.asyncReplication ?? true }),
    invertedIndex: configure.invertedIndex({ bm25k1: 1.2, bm25b: 0.75, indexNullState: true }),
    properties: [
      { name: 'paper_id', dataType: dataType.TEXT, ...exact },
      { name: 'title', dataType: dataType.TEXT, tokenization: tokenization.WORD, indexSearchable: true, indexFilterable: false },
      { name: 'abstract', dataType: dataType.TEXT, tokenization: tokenization.WORD, indexSearchable: true, indexFilterable: false },
      { name: 'authors', dataType: dataType.TEXT_ARRAY, tokenization: tokenization.FIELD, indexFilterable: false, indexSearchable: false },
      { name: 'author_keys', dataType: dataType.TEXT_ARRAY, ...exact },
      { name: 'categories', dataType: dataType.TEXT_ARRAY, ...exact },
      { name: 'year', dataType: dataType.INT, indexFilterable: true, indexRangeFilters: true },
      { name: 'date', dataType: dataType.TEXT, ...exact },
      { name: 'doi', dataType: dataType.TEXT, ...exact },
      { name: 'arxiv_id', dataType: dataType.TEXT, ...exact },
      { name: 'url', dataType: dataType.TEXT, tokenization: tokenization.FIELD, indexFilterable: false, indexSearchable: false },
    ],
  });
}

/** Deterministic object id for a paper id (UUID v5; same id, same object, so re-ingest upserts). */
export function paperUuid(paperId: string): string {
  return generateUuid5(paperId);
}

/** The sample collection shipped in index-data/samples, mapped the way the probes store it. */
export function samplePapers(): PaperProperties[] {
  const file = path.join(repoRoot, 'index-data/samples/sample-papers.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const record = JSON.parse(line) as {
        id: string;
        title: string;
        abstract: string;
        authors?: string[];
        categories?: string[];
        first_listed?: string;
        doi?: string;
        url?: string;
      };
      const paper: PaperProperties = { paper_id: record.id, title: record.title, abstract: record.abstract };
      if (/^\d{4}\.\d{4,5}$/.test(record.id)) paper.arxiv_id = record.id;
      if (record.url) paper.url = record.url;
      // DOIs are stored in the product's normalised form (lower case), and looked up the same way.
      if (record.doi) paper.doi = record.doi.toLowerCase();
      if (record.authors) {
        paper.authors = record.authors;
        paper.author_keys = record.authors.map(authorKey);
      }
      if (record.categories) paper.categories = record.categories;
      if (record.first_listed) {
        paper.date = record.first_listed;
        paper.year = Number(record.first_listed.slice(0, 4));
      }
      return paper;
    });
}

/** The product's author matching rule: NFKC, trimmed, white space folded, lower case. */
export function authorKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A seeded generator (mulberry32) so runs are repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random unit vector (Gaussian components, normalised), like a sentence embedding's shape. */
export function randomUnitVector(random: () => number, size = dimensions): number[] {
  const vector = Array.from({ length: size }, () => {
    const u = Math.max(random(), Number.EPSILON);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  });
  const norm = Math.hypot(...vector);
  return vector.map((x) => x / norm);
}

export function percentile(sortedAscending: number[], fraction: number): number {
  const index = Math.min(sortedAscending.length - 1, Math.floor(fraction * sortedAscending.length));
  return sortedAscending[index] ?? Number.NaN;
}
