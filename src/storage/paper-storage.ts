import type { ModelDescription } from '../embedding/model-registry.js';
import type { NamedAuthor } from '../papers/author-query.js';
import type { FacetCounts, FacetName } from '../papers/paper-facets.js';
import type { PaperFilter } from '../papers/paper-filter.js';
import type { Paper } from '../papers/paper.js';

/**
 * The seam between the services and where papers live. The search and write services depend on
 * this interface only; a backend keeps the papers, their vectors, a nearest-neighbour index and a
 * lexical index, and answers in paper ids. Backends: `embedded` (an index folder served from this
 * process: hnswlib, BM25, a write-ahead log) and, by configuration, a distributed engine.
 *
 * Every method may be called concurrently with writes; each answer is consistent with some state
 * of the collection between two writes.
 */
export interface PaperStorage {
  readonly backend: StorageBackendName;
  /** The model the stored vectors were made with: queries must be embedded with it. */
  readonly model: ModelDescription;
  /** When the collection was built (its first build, kept by later snapshots). */
  readonly createdAt: string;

  /** The `k` papers whose vectors are nearest `vector` (cosine), best first, never one of `exclude`. */
  nearest(vector: Float32Array, query: NeighbourQuery): Promise<ScoredId[]>;
  /**
   * The `k` papers nearest the stored vector of the paper `name` (its id, or a name `resolve`
   * takes, read as it reads one; never re-embedded), best first, never that paper itself. Throws
   * `paper_not_found`.
   */
  related(name: string, query: CandidateQuery): Promise<ScoredId[]>;
  /** The `k` best papers for `text` by words (BM25), best first; only papers sharing a word with it. */
  lexical(text: string, query: CandidateQuery): Promise<ScoredId[]>;
  /** The BM25 scores of these papers for `text`, on the scale of `lexical` (0 for a paper holding no word of it). */
  lexicalScores(text: string, ids: readonly string[]): Promise<number[]>;
  /**
   * Optional: `lexical` and `lexicalScores(text, ids)` from one pass, for a backend that scores
   * every paper of a query at once (the embedded one). Hybrid search then asks for the words'
   * candidates after the dense ones, with these as `ids`; without it, it runs both retrievers at
   * once and asks for the missing scores after.
   */
  lexicalWithScores?(text: string, query: CandidateQuery, ids: readonly string[]): Promise<{ hits: ScoredId[]; scores: number[] }>;
  /**
   * The supremum of any paper's BM25 score for `text`: the sum over its words of their idf, as
   * often as the text repeats each (a word no paper holds counts with the idf of a document
   * frequency of 0). BM25 divided by it is an absolute lexical score (see search/lexical-ceiling.ts).
   */
  lexicalCeiling(text: string): Promise<number>;
  /**
   * Optional: `text` with its words that few or no papers hold corrected to a word one letter away
   * that many do (a "did you mean"), for a backend that holds its vocabulary; undefined when none needs it.
   */
  spellingSuggestion?(text: string): Promise<string | undefined>;

  /**
   * The id of the stored paper a name (an id, `doi:<DOI>`, `arxiv:<arXiv id>` or a link: see
   * identifierKeysOfName) names, if any. Whitespace around the name is no part of it: ids are
   * stored trimmed, so " x " names the paper "x" that a POST of the id " x " created.
   */
  resolve(name: string): Promise<string | undefined>;
  /** The stored papers with these ids, in the same order (undefined where there is none). */
  papers(ids: readonly string[]): Promise<(Paper | undefined)[]>;
  /**
   * Optional: `papers` as JSON text, each parsing to the paper `papers` returns, for a backend that
   * keeps its records encoded (the embedded one): a list a transport sends as JSON then needs no
   * record decoded and encoded again (see search/hits-json.ts). Without it, the records are encoded.
   */
  paperJson?(ids: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /** The stored vectors of these ids, in the same order (undefined where there is none). */
  vectors(ids: readonly string[]): Promise<(Float32Array | undefined)[]>;
  /**
   * The cosine of `vector` and each of these papers' stored vectors, in the same order (undefined
   * where there is no such paper): the dense score of papers a search did not return, without
   * moving their vectors.
   */
  cosines(vector: Float32Array, ids: readonly string[]): Promise<(number | undefined)[]>;
  /** A page of stored papers in the backend's own stable order; `cursor` continues a previous page. */
  list(cursor: string | undefined, limit: number): Promise<PaperPage>;

  /**
   * Counts facet values (papers per year, category, author) over the stored papers matching
   * `filter`, or over those of `ids` that match it (ids not stored are ignored), each paper once.
   */
  facets(query: FacetQuery): Promise<FacetCounts>;
  /**
   * The author `name` is (compared as the authors filter compares names), with their name as the
   * collection writes it and how many stored papers list them; undefined when no stored paper does.
   */
  author(name: string): Promise<NamedAuthor | undefined>;

  /**
   * Every stored paper's place on a 2-D map of the collection (similar papers near each other).
   * May throw `map_building` (with `details.retryAfterSeconds`) while the layout is computed.
   */
  map(): Promise<PaperMap>;

  /**
   * Applies writes, in order, each one's changes all or none, and resolves once every one is
   * durable (what durable means is the backend's: see its documentation). On failure nothing of
   * the failed write is applied.
   */
  commit(writes: readonly (readonly PaperChange[])[]): Promise<void>;
  /**
   * Makes the collection hold every write without replaying anything (embedded: folds the log
   * into a new index folder now, as the background snapshots do). Backends that keep no log
   * have nothing to do.
   */
  snapshot(): Promise<void>;

  stats(): Promise<StorageStats>;
  /**
   * A number that changes whenever a search could answer differently (a write was applied), or
   * undefined when this process cannot know (other processes write to the collection); search
   * results are cached only while it stays the same.
   */
  resultsVersion(): number | undefined;
  /** Cheap, synchronous: whether the backend can answer (readiness and metrics read it). */
  health(): StorageHealth;
  /** Stops background work and releases files or connections. */
  close(): Promise<void>;
}

export const storageBackendNames = ['embedded', 'weaviate'] as const;
export type StorageBackendName = (typeof storageBackendNames)[number];

/** A paper in a ranked list: its id and the retriever's own score (cosine, or BM25). */
export interface ScoredId {
  id: string;
  score: number;
}

export interface CandidateQuery {
  /** How many at most (fewer when fewer match). */
  k: number;
  filter?: PaperFilter;
}

export interface NeighbourQuery extends CandidateQuery {
  /** Papers never to return, by id: the inputs of a recommendation. */
  exclude?: readonly string[];
}

export interface FacetQuery {
  fields: readonly FacetName[];
  filter?: PaperFilter;
  /** Count only these papers (a ranked list's candidates); all stored papers without. */
  ids?: readonly string[];
  /** The most values reported per facet (the most frequent). */
  maxValuesPerFacet: number;
}

/** The map of a collection: parallel arrays, one entry per stored paper, in the backend's stable order. */
export interface PaperMap {
  ids: string[];
  x: Float32Array;
  y: Float32Array;
  /** Each paper's first category (its primary one on arXiv), if it has any. */
  primaryCategories: (string | undefined)[];
  /** How the layout was made: UMAP, or PCA for collections too small for UMAP. */
  method: 'umap' | 'pca';
  /** When the layout was computed; papers written since were placed into it by their nearest neighbours. */
  builtAt: string;
}

export interface PaperPage {
  papers: Paper[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

/** One change to the set of papers. A put carries its vector: storage never calls the model. */
export type PaperChange = { op: 'put'; paper: Paper; vector: Float32Array } | { op: 'delete'; id: string };

export interface StorageHealth {
  /** `degraded`: answering, with part of the backend down (a replica, say). */
  status: 'ok' | 'degraded' | 'down';
  /** Why, when not ok. */
  reason?: string;
}

/** What /v1/stats reports of the collection being served. */
export interface StorageStats {
  backend: StorageBackendName;
  papers: number;
  /** Deleted or replaced papers not yet purged (tombstones). */
  deleted: number;
  /** Logged write operations not yet folded into a snapshot. */
  pending: number;
  /** Bytes of the write-ahead log (0 for a backend that keeps none of its own). */
  logBytes: number;
  model: ModelSummary;
  hnsw: { space: string; m: number; efConstruction: number; randomSeed: number; efSearch: number };
  lexical: { analyzer: string; k1: number; b: number; terms: number };
  index: {
    formatVersion: number;
    createdAt: string;
    snapshotAt: string | null;
    walSeq: number;
    source?: { input: string; read: number; rejected: number };
    /** The Weaviate collection the alias names (Weaviate only). */
    collection?: string;
  };
  snapshots: SnapshotStats;
}

/** The model as an index records it. */
export interface ModelSummary {
  id: string;
  hubId: string;
  dimension: number;
  pooling: string;
  maxTokens: number;
  longPassages: string;
  titleWeight: number;
  onnxSha256: string;
}

export interface SnapshotStats {
  /** When the last snapshot of this process finished (null: none yet). */
  lastSnapshotAt: string | null;
  lastSnapshotMs: number | null;
  snapshotRunning: boolean;
  lastSnapshotError: string | null;
}

/**
 * Builds a collection from scratch (ingestion): papers are added in order, then published at
 * once, replacing the collection served from the same place; until then readers see the old one.
 */
export interface CollectionBuilder {
  /** Papers added so far. */
  readonly size: number;
  add(paper: Paper, vector: Float32Array): Promise<void>;
  finish(source: BuildSource): Promise<BuiltCollection>;
  /** Abandons the build; the collection served before is untouched. */
  abort(): Promise<void>;
}

/** Where a build's papers came from, as its manifest records it. */
export interface BuildSource {
  input: string;
  read: number;
  rejected: number;
}

export interface BuiltCollection {
  model: ModelSummary;
  count: number;
  /**
   * The collection served before, kept rather than dropped because it took writes after it was
   * built; `writes` null: an index this version could not read (another version's), kept as it may
   * hold writes.
   */
  keptPrevious?: { collection: string; writes: number | null };
  /** Where the embedded index the folder held before is kept, when a Weaviate build replaced one. */
  keptEmbeddedIndex?: string;
}
