import { Filters, type FilterValue, type WeaviateClient } from 'weaviate-client';
import { paperPassage } from '../../embedding/embedder.js';
import type { ModelDescription } from '../../embedding/model-registry.js';
import { AppError, isAppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { wantedAuthorNames, type PaperFilter } from '../../papers/paper-filter.js';
import { identifierKeysOfName, paperNotFound } from '../../papers/identifiers.js';
import type { Paper } from '../../papers/paper.js';
import { authorNamed, type NamedAuthor } from '../../papers/author-query.js';
import { authorDisplayName, maxValuesPerFacet, type FacetCounts } from '../../papers/paper-facets.js';
import { SerialQueue } from '../../shared/serial-queue.js';
import { dot } from '../../shared/vector-math.js';
import { bm25Ceiling, bm25Idf, countTerms } from '../embedded/lexical/bm25-scoring.js';
import type {
  CandidateQuery,
  FacetQuery,
  NeighbourQuery,
  PaperChange,
  PaperMap,
  PaperPage,
  PaperStorage,
  ScoredId,
  StorageHealth,
  StorageStats,
} from '../paper-storage.js';
import { AliasWatch, readAliasMetadata, type ServedBuild } from './alias-watch.js';
import { ClusterHealth } from './cluster-health.js';
import { assertMetadataMatchesModel, bm25Settings, hnswSettings, lexicalAnalyzer, lexicalAnalyzerVersion } from './collection-schema.js';
import {
  fromRecord,
  hasRecord,
  incompleteObjects,
  lexicalTerms,
  paperUuid,
  type PaperCollection,
  type PaperProperties,
  type StoredPaperObject,
} from './paper-object.js';
import { PaperWrites } from './paper-writes.js';
import { connectWeaviate, type WeaviateSettings } from './weaviate-connection.js';
import { isPassingEngineError, isReplicaShortfall } from './engine-errors.js';
import { GuardedReads } from './guarded-reads.js';
import { TermStatistics } from './term-statistics.js';
import { aggregateFacets, countFacets } from './weaviate-facets.js';
import { paperConditions } from './paper-conditions.js';
import { cursorTag, decodeCursor, encodeCursor } from './list-cursor.js';

export interface WeaviateStorageOptions {
  settings: WeaviateSettings;
  /** The alias the collection is served through (ingestion switches it to each new build). */
  alias: string;
  model: ModelDescription;
  log: Logger;
  /** How often the cluster's nodes are polled for `health()`. */
  healthIntervalMs?: number;
}

/** Objects fetched or scored by id in one request at most (Weaviate caps offset + limit at 10,000). */
const fetchChunk = 1_000;
/** How long a write waits to read the alias before committing; an alias that cannot be read that fast is taken as unchanged. */
const aliasCheckBeforeWriteMs = 2_000;

/**
 * How long the counts of the lexical ceiling are reused (see TermStatistics): how long another
 * server's writes may take to reach this one's scores.
 */
const termStatisticsTtlMs = 30_000;
const termStatisticsMaxTerms = 100_000;
/**
 * Papers served from a Weaviate collection, through its alias, at the configured consistency
 * level. Papers are objects keyed by a UUID derived from the paper id (so every write and every
 * retry of one is idempotent); vectors are ours (cosine HNSW); BM25 runs over the product's
 * analyzed terms; metadata filters run inside the searches.
 *
 * What a commit acknowledges: Weaviate has no transactions. A commit reads the current state of
 * every paper it touches, applies the net change of each, and resolves once Weaviate reports
 * every object written (or deleted) on as many replicas as the consistency level asks: ONE, one
 * replica; QUORUM, a majority (both, with two replicas); ALL, every replica of a node Weaviate
 * currently counts as a member (a node that has left, or been declared dead, is not counted, so
 * ALL then means the replicas left). Missing replicas catch up through Weaviate's asynchronous
 * replication. When any object fails, the commit writes back the state it read and fails: the
 * writes are then applied none (if the restore succeeded) or in part (if it failed too: the
 * error says so). Readers may see a commit's papers one by one while it runs.
 */
export class WeaviateStorage implements PaperStorage {
  readonly backend = 'weaviate' as const;
  readonly model: ModelDescription;
  private readonly collection: PaperCollection;
  private readonly writes: PaperWrites;
  private readonly reads: GuardedReads;
  /** Runs commits one at a time. */
  private readonly turns = new SerialQueue();
  private closed = false;
  private readonly termStatistics: TermStatistics;
  /** The build (its createdAt) the term statistics were counted on. */
  private countedBuild: string;

  private constructor(
    private readonly client: WeaviateClient,
    private readonly aliasWatch: AliasWatch,
    private readonly clusterHealth: ClusterHealth,
    private readonly options: WeaviateStorageOptions,
  ) {
    this.model = options.model;
    this.countedBuild = aliasWatch.metadata.createdAt;
    this.reads = new GuardedReads(aliasWatch, clusterHealth, options.log, () => this.closed);
    this.collection = client.collections.get<PaperProperties>(options.alias).withConsistency(options.settings.WEAVIATE_CONSISTENCY);
    this.writes = new PaperWrites(this.collection);
    this.termStatistics = new TermStatistics(
      {
        documents: () => this.reads.read(() => this.collection.aggregate.overAll()).then((result) => result.totalCount),
        holding: (term) =>
          this.reads
            .read(() => this.collection.aggregate.overAll({ filters: this.collection.filter.byProperty('lexical_terms').equal(term) }))
            .then((result) => result.totalCount),
      },
      { ttlMs: termStatisticsTtlMs, maxTerms: termStatisticsMaxTerms },
    );
  }

  /** Connects, checks the collection behind the alias was built with `model`, starts watching the nodes. */
  static async open(options: WeaviateStorageOptions): Promise<WeaviateStorage> {
    const client = await connectWeaviate(options.settings);
    try {
      const metadata = await readAliasMetadata(client, options.alias);
      assertMetadataMatchesModel(metadata, options.model, options.alias);
      const aliasWatch = new AliasWatch(
        client,
        { alias: options.alias, model: options.model, intervalMs: options.healthIntervalMs ?? 2_000, log: options.log },
        metadata,
      );
      const health = new ClusterHealth(client, {
        replicationFactor: options.settings.WEAVIATE_REPLICATION_FACTOR,
        intervalMs: options.healthIntervalMs ?? 2_000,
        probe: () => client.collections.get(options.alias).query.fetchObjects({ limit: 1, returnProperties: ['paper_id'] }),
      });
      await health.start();
      aliasWatch.start();
      return new WeaviateStorage(client, aliasWatch, health, options);
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  get createdAt(): string {
    return this.metadata.createdAt;
  }

  /** The build the alias names (ingestion may publish another while this server runs). */
  private get metadata(): ServedBuild {
    return this.aliasWatch.metadata;
  }

  /**
   * `exclude` (a recommendation's inputs, the paper a related list is for) is left out by asking
   * for as many more and dropping them here: as a filter, Weaviate would build an allow-list of
   * every other paper for each search.
   */
  async nearest(vector: Float32Array, query: NeighbourQuery): Promise<ScoredId[]> {
    if (query.k < 1) return [];
    const excluded = new Set(query.exclude);
    const filters = await this.where(query.filter);
    const result = await this.reads.read(() =>
      this.collection.query.nearVector(Array.from(vector), {
        limit: query.k + excluded.size,
        filters,
        returnMetadata: ['distance'],
        returnProperties: ['paper_id'],
      }),
    );
    // Weaviate reports the cosine distance; the product's dense score is the cosine itself.
    return result.objects
      .filter((object) => !excluded.has(object.properties.paper_id))
      .slice(0, query.k)
      .map((object) => ({ id: object.properties.paper_id, score: 1 - (object.metadata?.distance ?? 1) }));
  }

  async related(name: string, query: CandidateQuery): Promise<ScoredId[]> {
    // A paper id (what the service passes) is fetched with its vector in one round trip.
    const direct = await this.reads.read(() => this.collection.query.fetchObjectById(paperUuid(name), { includeVector: true, returnProperties: ['paper_id'] }));
    const isId = direct?.properties.paper_id === name;
    const id = isId ? name : await this.resolve(name);
    const vector = isId ? Float32Array.from(direct.vectors.default as number[]) : id === undefined ? undefined : (await this.vectors([id]))[0];
    if (id === undefined || vector === undefined) throw paperNotFound([name]);
    return this.nearest(vector, { ...query, exclude: [id] });
  }

  async lexical(text: string, query: CandidateQuery): Promise<ScoredId[]> {
    const terms = lexicalTerms(text);
    if (terms.length === 0 || query.k < 1) return [];
    const filters = await this.where(query.filter);
    const result = await this.reads.read(() =>
      this.collection.query.bm25(terms, {
        queryProperties: ['lexical_terms'],
        limit: query.k,
        filters,
        returnMetadata: ['score'],
        returnProperties: ['paper_id'],
      }),
    );
    // Raw BM25 scores, so any fusion can work on them.
    return result.objects.map((object) => ({ id: object.properties.paper_id, score: object.metadata?.score ?? 0 }));
  }

  /**
   * Weaviate's BM25 of these papers for `text`: the same BM25 query as `lexical`, restricted to
   * their ids, so each score is the one a lexical search would give the paper (a paper holding no
   * word of the text is not returned by Weaviate, and scores 0).
   */
  async lexicalScores(text: string, ids: readonly string[]): Promise<number[]> {
    const terms = lexicalTerms(text);
    if (terms.length === 0 || ids.length === 0) return ids.map(() => 0);
    const found = await inIdChunks(ids, async (chunk) => {
      const result = await this.reads.read(() =>
        this.collection.query.bm25(terms, {
          queryProperties: ['lexical_terms'],
          limit: chunk.length,
          filters: this.collection.filter.byId().containsAny(chunk.map(paperUuid)),
          returnMetadata: ['score'],
          returnProperties: ['paper_id'],
        }),
      );
      return result.objects;
    });
    const scores = new Map(found.map((object) => [object.properties.paper_id, object.metadata?.score ?? 0]));
    return ids.map((id) => scores.get(id) ?? 0);
  }

  /**
   * The query's BM25 ceiling by the product's definition (Σ occurrences · idf over its terms),
   * from the collection's own counts: the papers stored and, for each term, how many hold it
   * (Weaviate's BM25 has the same form and scale as the embedded one: k1, b, Lucene's idf, no
   * k1 + 1 factor). It depends on the query and the collection only, never on which papers a
   * search found. Weaviate scores each shard with that shard's counts, so a BM25 score over this
   * ceiling can differ from the embedded backend's share by about the shards' differences.
   */
  async lexicalCeiling(text: string): Promise<number> {
    const occurrences = countTerms(text, lexicalAnalyzerVersion);
    if (occurrences.size === 0) return 0;
    const terms = [...occurrences.keys()];
    const statistics = this.termStatisticsOfServedBuild();
    const [documents, frequencies] = await Promise.all([statistics.documents(), statistics.frequencies(terms)]);
    // Counts fetched at different times (another server writing meanwhile) must not make a word commoner than the collection is large.
    return bm25Ceiling(terms.map((term, i) => ({ occurrences: occurrences.get(term)!, idf: bm25Idf(documents, Math.min(frequencies[i]!, documents)) })));
  }

  /** The counts, forgotten once the alias names another build: they were the previous collection's. */
  private termStatisticsOfServedBuild(): TermStatistics {
    if (this.countedBuild !== this.metadata.createdAt) {
      this.termStatistics.forgetAll();
      this.countedBuild = this.metadata.createdAt;
    }
    return this.termStatistics;
  }

  /**
   * Facet counts: over a ranked list's candidates, their records are fetched (with the filter
   * applied inside Weaviate) and counted here; over the whole collection, Weaviate aggregates.
   */
  async facets(query: FacetQuery): Promise<FacetCounts> {
    const filters = await this.where(query.filter);
    if (query.ids === undefined) return this.reads.read(() => aggregateFacets(this.collection, filters, query.fields, query.maxValuesPerFacet));
    const objects = await this.fetchByIds(query.ids, false, filters);
    return countFacets(
      objects.map((object) => fromRecord(object.properties.record)),
      query.fields,
      query.maxValuesPerFacet,
    );
  }

  /**
   * The papers the authors filter finds for `name`, counted inside Weaviate; the name as one of
   * them writes it, from their authors' counts (as typed when the cut of those counts leaves it out).
   */
  async author(name: string): Promise<NamedAuthor | undefined> {
    const [upright] = wantedAuthorNames([name]);
    const counts = await this.facets({ fields: ['authors'], filter: { authors: { any: [upright!] } }, maxValuesPerFacet });
    if (counts.papers === 0) return undefined;
    return { name: authorNamed(upright!, counts.distribution.authors)?.name ?? authorDisplayName(upright!), papers: counts.papers };
  }

  /** The map's layout is computed over an index folder's vectors at ingestion; a Weaviate collection has none. */
  async map(): Promise<PaperMap> {
    throw new AppError(
      'feature_unavailable',
      'The collection map is not available on the Weaviate backend (BACKEND=weaviate); it is computed for embedded index folders.',
      {
        details: { feature: 'map', backend: this.backend },
      },
    );
  }

  /**
   * Weaviate's own hybrid search (relative-score fusion of its BM25 and this vector, weighted by
   * `alpha` towards the vector). The service fuses `nearest` and `lexical` itself instead; this
   * is here so the evaluation can measure the two fusions on the same collection.
   */
  async engineHybrid(text: string, vector: Float32Array, query: CandidateQuery & { alpha: number }): Promise<ScoredId[]> {
    const filters = await this.where(query.filter);
    const result = await this.reads.read(() =>
      this.collection.query.hybrid(lexicalTerms(text), {
        vector: Array.from(vector),
        alpha: query.alpha,
        fusionType: 'RelativeScore',
        queryProperties: ['lexical_terms'],
        limit: query.k,
        filters,
        returnMetadata: ['score'],
        returnProperties: ['paper_id'],
      }),
    );
    return result.objects.map((object) => ({ id: object.properties.paper_id, score: object.metadata?.score ?? 0 }));
  }

  async resolve(written: string): Promise<string | undefined> {
    const name = written.trim();
    const direct = await this.reads.read(() => this.collection.query.fetchObjectById(paperUuid(name), { returnProperties: ['paper_id'] }));
    if (direct?.properties.paper_id === name) return name;
    for (const { field, key } of identifierKeysOfName(name)) {
      const filters = this.collection.filter.byProperty(field === 'doi' ? 'doi_key' : 'arxiv_key').equal(key);
      // Papers sharing a DOI or arXiv id: the newest write names it. The sort key is returned too:
      // without it, the shards' answers merge in no order, and a name would pick either paper at
      // random (a DELETE by DOI could remove a paper the name no longer stands for).
      const result = await this.reads.read(() =>
        this.collection.query.fetchObjects({
          filters,
          limit: 1,
          sort: this.collection.sort.byProperty('write_order', false),
          returnProperties: ['paper_id', 'write_order'],
        }),
      );
      const found = result.objects[0]?.properties.paper_id;
      if (found !== undefined) return found;
    }
    return undefined;
  }

  async papers(ids: readonly string[]): Promise<(Paper | undefined)[]> {
    const found = new Map<string, Paper>();
    for (const object of await this.fetchByIds(ids, false)) found.set(object.properties.paper_id, fromRecord(object.properties.record));
    return ids.map((id) => found.get(id));
  }

  async vectors(ids: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const found = new Map<string, Float32Array>();
    for (const object of await this.fetchByIds(ids, true)) found.set(object.properties.paper_id, Float32Array.from(object.vectors.default as number[]));
    return ids.map((id) => found.get(id));
  }

  /**
   * A vector search restricted to these papers' ids: Weaviate compares them all (a short
   * allow-list is searched exhaustively) and returns only the distances, half the time of
   * fetching the vectors (77 papers on the 2-node development cluster: 10.6 ms against 24.1 ms).
   * An id Weaviate does not return (a paper deleted meanwhile) costs one fetch of the vectors.
   */
  async cosines(vector: Float32Array, ids: readonly string[]): Promise<(number | undefined)[]> {
    const query = Array.from(vector);
    const searched = await inIdChunks(ids, async (chunk) => {
      const result = await this.reads.read(() =>
        this.collection.query.nearVector(query, {
          limit: chunk.length,
          filters: this.collection.filter.byId().containsAny(chunk.map(paperUuid)),
          returnMetadata: ['distance'],
          returnProperties: ['paper_id'],
        }),
      );
      return result.objects;
    });
    const found = new Map(searched.map((object) => [object.properties.paper_id, 1 - (object.metadata?.distance ?? 1)]));
    // Should the engine's search ever miss one (it is exact on a short allow-list), its vector is fetched.
    const missed = [...new Set(ids)].filter((id) => !found.has(id));
    if (missed.length > 0) {
      const vectors = await this.vectors(missed);
      missed.forEach((id, i) => {
        if (vectors[i]) found.set(id, dot(vector, vectors[i]));
      });
    }
    return ids.map((id) => found.get(id));
  }

  /** Pages in UUID order: the cursor is the last UUID of the previous page (Weaviate's cursor API). */
  async list(cursor: string | undefined, limit: number): Promise<PaperPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, this.cursorTag);
    const result = await this.reads.read(() => this.collection.query.fetchObjects({ limit: limit + 1, after, returnProperties: ['paper_id', 'record'] }));
    const page = result.objects.slice(0, limit);
    const more = result.objects.length > limit && page.length > 0;
    return { papers: page.map((object) => fromRecord(object.properties.record)), nextCursor: more ? encodeCursor(this.cursorTag, page.at(-1)!.uuid) : null };
  }

  commit(writes: readonly (readonly PaperChange[])[]): Promise<void> {
    return this.turns.run(async () => {
      await this.refuseWritesNow();
      const net = netChanges(writes);
      const ids = [...net.keys()];
      const before = await this.readBeforeWrite(ids);
      try {
        await this.writes.apply([...net.values()]);
      } catch (error) {
        throw await this.rollBack(error, ids, before);
      } finally {
        this.termStatistics.forget(
          termsOf([
            ...[...net.values()].flatMap((change) => (change.op === 'put' ? [change.paper] : [])),
            ...before.map((object) => fromRecord(object.properties.record)),
          ]),
        );
      }
    });
  }

  /** Throws when a commit may not be written now: the storage closed, the cluster down, the alias moved to another model's build. */
  private async refuseWritesNow(): Promise<void> {
    if (this.closed) throw new AppError('shutting_down');
    // Refused at once while the cluster is down, rather than after waiting out the alias read.
    this.reads.refuseWhileDown();
    // The alias is read again before each commit, not only every 2 s: a rebuild with another
    // model moved there meanwhile would otherwise take this server's vectors of its own model.
    await this.aliasWatch.check({ timeoutMs: aliasCheckBeforeWriteMs });
    this.reads.refuseWhileDown();
  }

  /** The stored state of the papers a commit touches, for writing back should the commit fail. */
  private readBeforeWrite(ids: readonly string[]): Promise<StoredPaperObject[]> {
    return this.fetchByIds(ids, true).catch((error: unknown) => {
      if (isAppError(error)) throw error;
      throw new AppError('write_failed', `The papers the write replaces could not be read, so nothing was written: ${(error as Error).message}`, {
        cause: error,
      });
    });
  }

  /** Writes back what a failed commit replaced, and gives the commit's error, saying whether that worked. */
  private async rollBack(error: unknown, ids: readonly string[], before: readonly StoredPaperObject[]): Promise<AppError> {
    const restored = await this.writes.restore(ids, before).then(
      () => true,
      (restoreError: unknown) => {
        this.options.log.error({ err: restoreError, ids }, 'a failed Weaviate commit could not be rolled back');
        return false;
      },
    );
    // Too few replicas answering, or none, passes as the cluster settles: worth a retry (503), unlike a refused object.
    const passing = isPassingEngineError(error) || isReplicaShortfall(error) || this.reads.health().status !== 'ok';
    return new AppError(
      passing ? 'storage_unavailable' : 'write_failed',
      `The write could not be stored at consistency level ${this.options.settings.WEAVIATE_CONSISTENCY}: ${(error as Error).message}. ` +
        (restored ? 'It was not applied.' : 'Rolling it back failed too: some of its papers may be stored; repeat the write to make it whole.'),
      { cause: error, details: { rolledBack: restored }, ...(passing ? { retryAfterSeconds: 5 } : {}) },
    );
  }

  /** Weaviate keeps its own logs: nothing to fold. */
  async snapshot(): Promise<void> {}

  async stats(): Promise<StorageStats> {
    const { totalCount } = await this.reads.read(() => this.collection.aggregate.overAll());
    return {
      backend: this.backend,
      papers: totalCount,
      deleted: 0,
      pending: 0,
      logBytes: 0,
      model: this.metadata.model,
      hnsw: { space: 'cosine', m: hnswSettings.m, efConstruction: hnswSettings.efConstruction, randomSeed: 0, efSearch: this.options.settings.HNSW_EF_SEARCH },
      // Weaviate does not report its vocabulary size.
      lexical: { analyzer: lexicalAnalyzer, k1: bm25Settings.k1, b: bm25Settings.b, terms: 0 },
      index: {
        formatVersion: this.metadata.formatVersion,
        createdAt: this.metadata.createdAt,
        snapshotAt: null,
        walSeq: 0,
        source: this.metadata.source,
        collection: this.metadata.collection,
      },
      snapshots: { lastSnapshotAt: null, lastSnapshotMs: null, snapshotRunning: false, lastSnapshotError: null },
    };
  }

  health(): StorageHealth {
    return this.reads.health();
  }

  /** Other servers may write to the same collection: no search result is reused. */
  resultsVersion(): undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clusterHealth.stop();
    this.aliasWatch.stop();
    await this.turns.idle();
    await this.client.close();
  }

  /** The filter as Weaviate conditions, evaluated inside the search. */
  private async where(filter: PaperFilter | undefined): Promise<FilterValue | undefined> {
    // Excluded names may be doi:/arxiv: names: the papers they name now are left out.
    const named = await Promise.all((filter?.exclude_ids ?? []).map((name) => this.resolve(name)));
    const excluded = [...new Set(named.filter((id): id is string => id !== undefined))];
    return paperConditions(this.collection.filter, filter, excluded);
  }

  private async fetchByIds(ids: readonly string[], includeVector: boolean, where?: FilterValue): Promise<StoredPaperObject[]> {
    return inIdChunks(ids, async (chunk) => {
      const uuids = chunk.map(paperUuid);
      const result = await this.reads.read(async () => {
        const fetched = await this.collection.query.fetchObjects({
          filters: where ? Filters.and(this.collection.filter.byId().containsAny(uuids), where) : this.collection.filter.byId().containsAny(uuids),
          limit: uuids.length,
          includeVector,
          returnProperties: ['paper_id', 'record', 'lexical_terms', 'author_keys', 'categories', 'year', 'doi_key', 'arxiv_key', 'write_order'],
        });
        // Retried as a passing failure (see read).
        if (!fetched.objects.every((object) => hasRecord(object.properties.record))) throw incompleteObjects();
        return fetched;
      });
      return result.objects;
    });
  }

  /** Ties cursors to the build being served: a rebuilt collection's cursors differ. */
  private get cursorTag(): string {
    return cursorTag(this.options.alias, this.metadata.createdAt);
  }
}

/** Only each paper's last change matters once the commit is over. */
function netChanges(writes: readonly (readonly PaperChange[])[]): Map<string, PaperChange> {
  const net = new Map<string, PaperChange>();
  for (const changes of writes) for (const change of changes) net.set(change.op === 'put' ? change.paper.id : change.id, change);
  return net;
}

/** The analyzed terms of the papers' passages, each once. */
function termsOf(papers: readonly Paper[]): Set<string> {
  const terms = new Set<string>();
  for (const paper of papers) for (const term of countTerms(paperPassage(paper.title, paper.abstract), lexicalAnalyzerVersion).keys()) terms.add(term);
  return terms;
}

/** What `read` gives for each chunk of the distinct ids, in turn (Weaviate caps offset + limit at 10,000). */
async function inIdChunks<T>(ids: readonly string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(ids)];
  const results: T[] = [];
  for (let start = 0; start < unique.length; start += fetchChunk) results.push(...(await read(unique.slice(start, start + fetchChunk))));
  return results;
}
