import { AppError } from '../../errors.js';
import { generateUuid5, type Collection, type WeaviateObject } from 'weaviate-client';
import { paperPassage } from '../../embedding/embedder.js';
import { caseFoldedAuthorName, normalizeAuthorName } from '../../papers/paper-filter.js';
import { arxivIdWithoutVersion, normalizeDoi, paperSchema, type Paper } from '../../papers/paper.js';
// The embedded backend's analyzer defines the product's lexical terms; storing them lets Weaviate's
// BM25 rank over terms stemmed and stopped as the embedded index's are (in the analyzer version
// collections hold: lexicalAnalyzerVersion).
import { analyze } from '../embedded/lexical/analyzer.js';
import { lexicalAnalyzerVersion } from './collection-schema.js';

/**
 * A paper as a Weaviate object. `record` holds the paper exactly as the service returns it;
 * the other properties exist to be filtered, looked up or searched.
 */
export type PaperProperties = {
  paper_id: string;
  /** The paper as JSON: read back as it was written, whatever Weaviate makes of absent values. */
  record: string;
  /** The analyzed terms of title and abstract, separated by spaces (BM25 searches these). */
  lexical_terms: string;
  /** Author names folded as the product compares them (Weaviate's exact match is case-sensitive). */
  author_keys?: string[];
  categories?: string[];
  year?: number;
  /** The normalized DOI and the arXiv id without version: what `doi:` and `arxiv:` names and links look up. */
  doi_key?: string;
  arxiv_key?: string;
  /**
   * Orders papers sharing a DOI or arXiv id: the newest write names it (as in the embedded
   * backend). Ingestion numbers papers by position; later writes by time, which is larger.
   */
  write_order: number;
};

/** The collection of papers, as this backend reads and writes it. */
export type PaperCollection = Collection<PaperProperties, string>;

/** A paper as an object to insert: its UUID, properties and vector. */
export type PaperObject = { id: string; properties: PaperProperties; vectors: number[] };

/** A stored paper as read by id: its properties and, when asked for, its vector. */
export type StoredPaperObject = WeaviateObject<PaperProperties, undefined>;

/** The object id of a paper id: UUID v5, so writing the same id again replaces the object. */
export function paperUuid(id: string): string {
  return generateUuid5(id);
}

export function toProperties(paper: Paper, writeOrder: number): PaperProperties {
  const properties: PaperProperties = {
    paper_id: paper.id,
    record: JSON.stringify(paper),
    lexical_terms: lexicalTerms(paperPassage(paper.title, paper.abstract)),
    write_order: writeOrder,
  };
  // Each value once: Weaviate's top occurrences count values, and a paper counts once per value (as in the embedded backend).
  if (paper.authors && paper.authors.length > 0) properties.author_keys = [...new Set(paper.authors.map(normalizeAuthorName))];
  if (paper.categories && paper.categories.length > 0) properties.categories = [...new Set(paper.categories)];
  if (paper.year !== undefined) properties.year = paper.year;
  if (paper.doi) properties.doi_key = normalizeDoi(paper.doi);
  if (paper.arxiv_id) properties.arxiv_key = arxivIdWithoutVersion(paper.arxiv_id);
  return properties;
}

/**
 * The `author_keys` a filter on these names looks for: each name's key, and the keys objects
 * written by earlier versions hold: before names were folded for accents and in full case (see
 * caseFoldedAuthorName), and before a suffix lost its comma and period ("paul martin, jr.").
 */
export function authorKeysToMatch(names: readonly string[]): string[] {
  return [
    ...new Set(names.flatMap((name) => [normalizeAuthorName(name), caseFoldedAuthorName(name), ...keysWithSuffixPunctuation(normalizeAuthorName(name))])),
  ];
}

function keysWithSuffixPunctuation(key: string): string[] {
  const suffixed = / (jr|sr|ii|iii|iv)$/.exec(key);
  if (!suffixed) return [];
  const base = key.slice(0, suffixed.index);
  const suffix = suffixed[1]!;
  return [`${base}, ${suffix}.`, `${base}, ${suffix}`, `${base} ${suffix}.`];
}

/**
 * The paper a stored object holds. An object without its record is what a node answers for a
 * moment while it rejoins the cluster: a 503 to retry, not a 500.
 */
export function fromRecord(record: unknown): Paper {
  if (!hasRecord(record)) throw incompleteObjects();
  return paperSchema.parse(JSON.parse(record));
}

export function hasRecord(record: unknown): record is string {
  return typeof record === 'string';
}

export function incompleteObjects(): AppError {
  return new AppError('storage_unavailable', 'Weaviate answered objects without their properties (a node is rejoining the cluster).', { retryAfterSeconds: 5 });
}

/** Text as the space-separated terms the BM25 property holds (and queries are sent as). */
export function lexicalTerms(text: string): string {
  return analyze(text, lexicalAnalyzerVersion).join(' ');
}
