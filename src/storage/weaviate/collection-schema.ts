import weaviate, { type WeaviateClient } from 'weaviate-client';
import { z } from 'zod';
import { modelAsRecorded, type ModelDescription } from '../../embedding/model-registry.js';
import { AppError } from '../../errors.js';
import type { AnalyzerName } from '../embedded/lexical/analyzer.js';
import type { ModelSummary } from '../paper-storage.js';
import type { PaperProperties } from './paper-object.js';
import { describeModel, recordedModelSchema } from '../model-summary.js';

/** Bumped whenever the layout of a paper collection changes; older collections are refused. */
export const collectionFormatVersion = 2;

/** HNSW and BM25 settings of the collections ingestion creates (the embedded index's, where Weaviate has them). */
export const hnswSettings = { m: 16, efConstruction: 200 } as const;
export const bm25Settings = { k1: 0.9, b: 0.4 } as const;
/**
 * The analyzer version whose terms the BM25 property holds (see paper-object.ts): the first, as a
 * collection's metadata does not name one, so every collection written so far holds its terms.
 */
export const lexicalAnalyzerVersion: AnalyzerName = 'english-lucene33stop-porter-v1';
export const lexicalAnalyzer = `${lexicalAnalyzerVersion} (whitespace-tokenized)`;

/**
 * What a collection records about itself, as JSON in its description (the description travels
 * with the collection, so a server reading through the alias sees what built what it reads).
 */
const collectionMetadataSchema = z.object({
  format: z.literal('paper-search-collection'),
  formatVersion: z.number().int(),
  model: recordedModelSchema,
  createdAt: z.string(),
  /** Set when ingestion has added every paper (a collection without it was never published). */
  source: z.object({ input: z.string(), read: z.number().int(), rejected: z.number().int() }).optional(),
  count: z.number().int().nonnegative().optional(),
});

export type CollectionMetadata = z.infer<typeof collectionMetadataSchema>;

/** The model a collection was built with, as the registry describes it. */
export function modelOfMetadata(metadata: CollectionMetadata): ModelDescription {
  return modelAsRecorded(metadata.model);
}

export function encodeMetadata(metadata: CollectionMetadata): string {
  return JSON.stringify(metadata);
}

export function decodeMetadata(description: string | undefined, name: string): CollectionMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(description ?? '');
  } catch {
    throw new AppError('index_incompatible', `The Weaviate collection ${name} was not made by paper-search (its description is not its metadata).`);
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version !== collectionFormatVersion) {
    throw new AppError(
      'index_incompatible',
      `The Weaviate collection ${name} has format version ${version}; this version of paper-search reads version ${collectionFormatVersion}. Rebuild it with npm run ingest.`,
    );
  }
  const parsed = collectionMetadataSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('index_incompatible', `The Weaviate collection ${name} was not made by paper-search: ${parsed.error.message}`);
  return parsed.data;
}

/** A collection is searched only with the exact model (and passage handling) that built it. */
export function assertMetadataMatchesModel(metadata: CollectionMetadata, model: ModelDescription, name: string): void {
  const expected = describeModel(model);
  const mismatches = (Object.keys(expected) as (keyof ModelSummary)[]).filter((key) => metadata.model[key] !== expected[key]);
  if (mismatches.length > 0) {
    throw new AppError(
      'index_incompatible',
      `The Weaviate collection ${name} was built with model ${metadata.model.id} (${mismatches.map((key) => `${key} ${String(metadata.model[key])}`).join(', ')}), ` +
        `not ${model.id} (${mismatches.map((key) => `${key} ${String(expected[key])}`).join(', ')}). Rebuild it with: npm run ingest -- --input <papers file> --model ${model.id}`,
      { details: { mismatches } },
    );
  }
}

export interface CollectionLayout {
  shards: number;
  replicationFactor: number;
  efSearch: number;
}

/** Creates an empty paper collection: vectors supplied by us (cosine HNSW), filterable metadata, BM25 over analyzed terms. */
export async function createPaperCollection(client: WeaviateClient, name: string, metadata: CollectionMetadata, layout: CollectionLayout): Promise<void> {
  const { configure } = weaviate;
  const { dataType, tokenization } = configure;
  const exact = { tokenization: tokenization.FIELD, indexFilterable: true, indexSearchable: false } as const;
  const stored = { indexFilterable: false, indexSearchable: false } as const;
  await withLayoutChecked(layout, () =>
    client.collections.create<PaperProperties>({
      name,
      description: encodeMetadata(metadata),
      vectorizers: configure.vectors.selfProvided({
        vectorIndexConfig: configure.vectorIndex.hnsw({
          distanceMetric: 'cosine',
          ef: layout.efSearch,
          efConstruction: hnswSettings.efConstruction,
          maxConnections: hnswSettings.m,
          quantizer: configure.vectorIndex.quantizer.none(),
        }),
      }),
      sharding: configure.sharding({ desiredCount: layout.shards }),
      replication: configure.replication({ factor: layout.replicationFactor }),
      // Stop words are already gone from the analyzed terms; Weaviate must not remove others.
      invertedIndex: configure.invertedIndex({ bm25k1: bm25Settings.k1, bm25b: bm25Settings.b, stopwordsPreset: 'none', indexNullState: false }),
      properties: [
        { name: 'paper_id', dataType: dataType.TEXT, ...exact },
        { name: 'record', dataType: dataType.TEXT, ...stored },
        // Filterable too: a term's document frequency (for the BM25 ceiling) is a count of papers holding it.
        { name: 'lexical_terms', dataType: dataType.TEXT, tokenization: tokenization.WHITESPACE, indexSearchable: true, indexFilterable: true },
        { name: 'author_keys', dataType: dataType.TEXT_ARRAY, ...exact },
        { name: 'categories', dataType: dataType.TEXT_ARRAY, ...exact },
        { name: 'year', dataType: dataType.INT, indexFilterable: true, indexRangeFilters: true },
        { name: 'doi_key', dataType: dataType.TEXT, ...exact },
        { name: 'arxiv_key', dataType: dataType.TEXT, ...exact },
        { name: 'write_order', dataType: dataType.INT, indexFilterable: true },
      ],
    }),
  );
}

/**
 * A layout the cluster cannot hold (more copies than it has nodes) is a setting to change, said in
 * one line: Weaviate's 422 came out as an unexpected error with a stack trace.
 */
async function withLayoutChecked<T>(layout: CollectionLayout, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    const found = /not find enough weaviate nodes for replication: (\d+) available, (\d+) requested/i.exec((error as Error).message);
    if (!found) throw error;
    throw new AppError(
      'config_invalid',
      `WEAVIATE_REPLICATION_FACTOR is ${layout.replicationFactor}, but the Weaviate cluster has ${found[1]} node${found[1] === '1' ? '' : 's'}: set it to at most ${found[1]}.`,
    );
  }
}
