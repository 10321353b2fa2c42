import type { ModelDescription } from '../../embedding/model-registry.js';
import { AppError, describeFailure, isDiskFull } from '../../errors.js';
import { paperNotFound } from '../../papers/identifiers.js';
import type { Logger } from '../../log.js';
import type { Paper } from '../../papers/paper.js';
import type { NamedAuthor } from '../../papers/author-query.js';
import type { FacetCounts } from '../../papers/paper-facets.js';
import { SerialQueue } from '../../shared/serial-queue.js';
import { dot } from '../../shared/vector-math.js';
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
import { excludedLabels, labelFilter } from './label-filter.js';
import { bm25Ceiling } from './lexical/bm25-scoring.js';
import { cursorTag, decodeCursor, encodeCursor } from './list-cursor.js';
import { LiveIndex } from './live-index.js';
import { lineageOf, readManifest } from './manifest.js';
import { openServedIndex } from './open-served-index.js';
import { LayoutComputation } from './map/layout-computation.js';
import { SnapshotScheduler, type SnapshotHost } from './snapshots/snapshot-scheduler.js';
import { WriteLog, type LoggedWrite } from './write-log/write-log.js';

export interface EmbeddedStorageOptions {
  /** The index folder to serve. */
  folder: string;
  /** The model the folder must have been built with. */
  model: ModelDescription;
  efSearch: number;
  /** The write-ahead log folder. */
  walDir: string;
  /** Replay a damaged log's whole records, keeping the damaged ones aside (see WriteLogOptions.salvage). */
  salvageWal?: boolean;
  /**
   * Whether writes may come. A server that takes none and finds no log opens none, so the index
   * may live on a read-only disk.
   */
  acceptsWrites: boolean;
  snapshotAfterOperations: number;
  snapshotAfterMs: number;
  log: Logger;
}

/**
 * Papers served from an index folder in this process: the folder as loaded plus the writes
 * logged since (see LiveIndex), HNSW and BM25 in memory. Writes go to the write-ahead log and
 * are fsynced before they are applied; snapshots fold the log into a new folder in the background
 * and swap it in. This class is the one owner of the index being served: searches read it, writes
 * and snapshot swaps replace or change it, one at a time.
 */
export class EmbeddedStorage implements PaperStorage {
  readonly backend = 'embedded' as const;
  readonly model: ModelDescription;
  private current: LiveIndex;
  /** Runs commits and index swaps one at a time. */
  private readonly turns = new SerialQueue();
  private nextSeq: number;
  private readonly snapshots: SnapshotScheduler | undefined;
  private readonly layouts: LayoutComputation;
  private closed = false;
  /** Set when a write found the folder rebuilt under this server (see assertFolderIsServedBuild). */
  private folderReplaced = false;
  /** Why a logged write could not be applied in memory, if one could not: the served index may hold part of it. */
  private applyFailure: string | undefined;
  /** Moves with every applied write and every snapshot swap (a swap recomputes BM25 statistics and may rebuild the graph). */
  private contentVersion = 0;

  private constructor(
    live: LiveIndex,
    /** Absent on a read-only server that has never been written to (see open). */
    private readonly writeLog: WriteLog | undefined,
    private readonly options: EmbeddedStorageOptions,
    private readonly releaseFolder: () => Promise<void>,
  ) {
    this.current = live;
    this.model = options.model;
    this.nextSeq = live.appliedSeq + 1;
    this.layouts = new LayoutComputation(() => this.current, options.log);
    const host: SnapshotHost = {
      served: () => this.current,
      exclusive: (task) => this.turns.run(task),
      replace: (next) => {
        this.current.retire();
        this.current = next;
        this.contentVersion++;
      },
      folderReplaced: () => {
        this.folderReplaced = true;
      },
    };
    // Only a server that takes writes snapshots: one without keys holds no lock on the folder
    // (see open), so it must not replace it; it replays the log at each start instead.
    this.snapshots =
      writeLog && options.acceptsWrites
        ? new SnapshotScheduler(host, writeLog, {
            afterOperations: options.snapshotAfterOperations,
            afterMs: options.snapshotAfterMs,
            efSearch: options.efSearch,
            log: options.log,
          })
        : undefined;
  }

  /** Opens the folder and its write-ahead log (see openServedIndex) and serves them. */
  static open(options: EmbeddedStorageOptions): Promise<EmbeddedStorage> {
    return openServedIndex(options, ({ live, writeLog, releaseFolder }) => new EmbeddedStorage(live, writeLog, options, releaseFolder));
  }

  /** The index being served (a snapshot swap replaces it). */
  get live(): LiveIndex {
    return this.current;
  }

  get createdAt(): string {
    return this.current.manifest.createdAt;
  }

  // Each read takes the served index once and uses it throughout, so one answer never mixes the
  // labels of two indexes across a snapshot swap.

  async nearest(vector: Float32Array, query: NeighbourQuery): Promise<ScoredId[]> {
    const index = this.current;
    const accept = labelFilter(index.papers, query.filter, { skipTombstones: false });
    const excluded = excludedLabels(index.papers, query.exclude ?? []);
    return named(index, index.vectors.searchExcluding(vector, query.k, excluded, accept));
  }

  async related(name: string, query: CandidateQuery): Promise<ScoredId[]> {
    const index = this.current;
    const label = index.papers.labelOf(name.trim());
    if (label === undefined) throw paperNotFound([name]);
    // hnswlib never returns its deleted nodes, so tombstones need no filter here.
    const accept = labelFilter(index.papers, query.filter, { skipTombstones: false });
    return named(index, accept ? index.vectors.searchNear(label, query.k, new Set(), accept) : index.neighboursOf(label, query.k));
  }

  async lexical(text: string, query: CandidateQuery): Promise<ScoredId[]> {
    const index = this.current;
    return named(index, index.lexical.search(text, query.k, labelFilter(index.papers, query.filter, { skipTombstones: true })));
  }

  async lexicalScores(text: string, ids: readonly string[]): Promise<number[]> {
    const index = this.current;
    return scoresOfIds(index, ids, (labels) => index.lexical.scores(text, labels));
  }

  async lexicalWithScores(text: string, query: CandidateQuery, ids: readonly string[]): Promise<{ hits: ScoredId[]; scores: number[] }> {
    const index = this.current;
    const accept = labelFilter(index.papers, query.filter, { skipTombstones: true });
    let hits: ScoredId[] = [];
    const scores = scoresOfIds(index, ids, (labels) => {
      const found = index.lexical.searchAndScore(text, query.k, labels, accept);
      hits = named(index, found.hits);
      return found.scores;
    });
    return { hits, scores };
  }

  async lexicalCeiling(text: string): Promise<number> {
    return bm25Ceiling(this.current.lexical.termWeights(text));
  }

  async spellingSuggestion(text: string): Promise<string | undefined> {
    return this.current.lexical.spellingSuggestion(text);
  }

  async resolve(name: string): Promise<string | undefined> {
    const { papers } = this.current;
    const label = papers.labelOf(name.trim());
    return label === undefined ? undefined : papers.idOf(label);
  }

  async papers(ids: readonly string[]): Promise<(Paper | undefined)[]> {
    const { papers } = this.current;
    return ids.map((id) => {
      const label = papers.labelOfId(id);
      return label === undefined ? undefined : papers.byLabel(label);
    });
  }

  async paperJson(ids: readonly string[]): Promise<(Buffer | undefined)[]> {
    const { papers } = this.current;
    return ids.map((id) => {
      const label = papers.labelOfId(id);
      return label === undefined ? undefined : papers.jsonOf(label);
    });
  }

  async vectors(ids: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const index = this.current;
    return ids.map((id) => {
      const label = index.papers.labelOfId(id);
      // A copy, so a caller cannot change the stored vector.
      return label === undefined ? undefined : index.storedVector(label)?.slice();
    });
  }

  async cosines(vector: Float32Array, ids: readonly string[]): Promise<(number | undefined)[]> {
    const index = this.current;
    return ids.map((id) => {
      const label = index.papers.labelOfId(id);
      const stored = label === undefined ? undefined : index.storedVector(label);
      return stored && dot(vector, stored);
    });
  }

  async list(cursor: string | undefined, limit: number): Promise<PaperPage> {
    const { papers: store, manifest, cursorGenerations } = this.current;
    const tag = cursorTag(manifest);
    const start = cursor === undefined ? 0 : decodeCursor(cursor, tag, store.size, cursorGenerations);
    const papers: Paper[] = [];
    let next = store.size;
    for (const [label, paper] of store.entries(start)) {
      if (papers.length === limit) {
        next = label;
        break;
      }
      papers.push(paper);
    }
    return { papers, nextCursor: next < store.size ? encodeCursor(tag, next) : null };
  }

  async facets(query: FacetQuery): Promise<FacetCounts> {
    const index = this.current;
    const { papers } = index;
    const columns = await index.facets();
    const matches = columns.matcher(query.filter);
    const excluded = excludedLabels(papers, query.filter?.exclude_ids ?? []);
    const accept = (label: number) => papers.isLive(label) && !excluded.has(label) && (!matches || matches(label));
    return columns.count(candidateLabels(index, query.ids).filter(accept), query.fields, query.maxValuesPerFacet);
  }

  async author(name: string): Promise<NamedAuthor | undefined> {
    const index = this.current;
    return (await index.facets()).author(name, (label) => index.papers.isLive(label));
  }

  async map(): Promise<PaperMap> {
    const index = this.current;
    const positions = index.mapPositions ?? this.layouts.requireLayout(index);
    const facets = await index.facets();
    // Nothing waits once placeMissing has checked its last label, so no write falls between
    // placing the papers and listing them.
    await positions.placeMissing(index.papers, index.vectors);
    const { papers } = index;
    const ids: string[] = [];
    const primaryCategories: (string | undefined)[] = [];
    const x = new Float32Array(papers.liveCount);
    const y = new Float32Array(papers.liveCount);
    for (let label = 0; label < papers.size; label++) {
      if (!papers.isLive(label)) continue;
      const point = positions.pointOf(label)!;
      x[ids.length] = point.x;
      y[ids.length] = point.y;
      ids.push(papers.idOf(label));
      primaryCategories.push(facets.primaryCategory(label));
    }
    return { ids, x, y, primaryCategories, method: positions.method, builtAt: positions.builtAt };
  }

  /**
   * Appends the writes to the log (one flush for all), then applies them to the served index, in
   * order, letting reads run between slices of a large one. A write is never applied before it is
   * on disk; a failed append applies none.
   */
  commit(writes: readonly (readonly PaperChange[])[]): Promise<void> {
    return this.turns.run(async () => {
      const writeLog = await this.logTakingWrites();
      const logged = writes.map((changes, i) => ({ seq: this.nextSeq + i, changes: [...changes] }));
      await appendToLog(writeLog, logged);
      this.nextSeq += logged.length;
      await this.applyLogged(logged);
      this.contentVersion++;
      this.snapshots?.noteWrite();
    });
  }

  /** The write-ahead log, unless writes are refused now: the storage closed, read-only, failed, or its folder rebuilt. */
  private async logTakingWrites(): Promise<WriteLog> {
    if (this.closed) throw new AppError('shutting_down');
    if (!this.writeLog) throw new AppError('writes_disabled');
    if (this.applyFailure !== undefined) throw new AppError('write_failed', `Writes are refused until the server is restarted: ${this.applyFailure}.`);
    await this.assertFolderIsServedBuild();
    return this.writeLog;
  }

  /** Applies logged writes to the served index; one that fails stops writes and snapshots until a restart replays the log. */
  private async applyLogged(logged: readonly LoggedWrite[]): Promise<void> {
    try {
      await this.current.applyInSlices(logged);
    } catch (error) {
      // Logged, the write is applied whole when the log is replayed at the next start; in memory
      // it may be applied in part, so nothing more is written onto that.
      this.applyFailure = `a write was logged but could not be applied in memory (${describeFailure(error)}); the restart applies it from the write-ahead log`;
      this.contentVersion++;
      // A snapshot now would fold the part applied into the folder and drop the log that holds the whole write.
      void this.snapshots?.close();
      throw new AppError(
        'write_pending_restart',
        `The write is logged but could not be applied in memory: restart the server, which applies it (${describeFailure(error)}).`,
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Refuses writes once the folder on disk is another build than the one served (ingestion wrote
   * a new index into it while this server ran): the next start sets the log aside as another
   * build's, and with it every write acknowledged meanwhile. A snapshot keeps the lineage, so only
   * a rebuild trips this. A manifest that cannot be read (a swap under way) is no evidence.
   */
  private async assertFolderIsServedBuild(): Promise<void> {
    const onDisk = await readManifest(this.options.folder).catch(() => undefined);
    if (onDisk && lineageOf(onDisk) !== lineageOf(this.current.manifest)) {
      this.folderReplaced = true;
      throw new AppError('index_replaced');
    }
  }

  /** Takes a snapshot now, if writes are pending, and waits for it. */
  async snapshot(): Promise<void> {
    if (this.applyFailure !== undefined) throw new AppError('write_failed', `No snapshot is taken until the server is restarted: ${this.applyFailure}.`);
    await this.snapshots?.snapshotNow();
  }

  async stats(): Promise<StorageStats> {
    const index = this.current;
    const { manifest, vectors, lexical, papers } = index;
    return {
      backend: this.backend,
      papers: papers.liveCount,
      deleted: papers.tombstoneCount,
      pending: index.pendingOperations,
      logBytes: (await this.writeLog?.bytes()) ?? 0,
      model: manifest.model,
      hnsw: { ...manifest.hnsw, efSearch: vectors.efSearch },
      lexical: { ...manifest.lexical, terms: lexical.termCount },
      index: {
        formatVersion: manifest.formatVersion,
        createdAt: manifest.createdAt,
        snapshotAt: manifest.snapshotAt ?? null,
        walSeq: index.appliedSeq,
        source: manifest.source,
      },
      snapshots: this.snapshots?.stats ?? { lastSnapshotAt: null, lastSnapshotMs: null, snapshotRunning: false, lastSnapshotError: null },
    };
  }

  /**
   * Degraded once writes are refused until a restart (a logged write not applied in memory, a
   * failed log, the folder rebuilt under this server): reads go on, and monitoring should see it.
   */
  health(): StorageHealth {
    if (this.applyFailure !== undefined) return { status: 'degraded', reason: this.applyFailure };
    const logFailure = this.writeLog?.failure;
    if (logFailure !== undefined) return { status: 'degraded', reason: `${logFailure}: writes are refused until the server is restarted` };
    return this.folderReplaced
      ? {
          status: 'degraded',
          // Named by its setting: /readyz answers anyone, and no answer tells where the server keeps its files.
          reason:
            'the index folder (INDEX_DIR) was rebuilt while this server ran: writes are refused (409 index_replaced) until it is restarted on the new build',
        }
      : { status: 'ok' };
  }

  resultsVersion(): number {
    return this.contentVersion;
  }

  /** Stops snapshots and closes the log after the last write. */
  async close(): Promise<void> {
    this.closed = true;
    // Both background workers are asked to stop before either is waited for.
    await Promise.all([this.layouts.close(), this.snapshots?.close()]);
    await this.turns.run(async () => this.writeLog?.close());
    this.current.retire();
    await this.releaseFolder();
  }
}

/** Appends the writes to the log, flushed; a failed append applies none of them. */
async function appendToLog(writeLog: WriteLog, logged: readonly LoggedWrite[]): Promise<void> {
  try {
    await writeLog.append(logged);
  } catch (error) {
    const reason = describeFailure(error);
    if (isDiskFull(error))
      throw new AppError('disk_full', `The disk is full (${reason}): the write was not applied. Free space and try again.`, { cause: error });
    throw new AppError('write_failed', `The write could not be logged: ${reason}. It was not applied.`, { cause: error });
  }
}

/** Labels of one index as the paper ids the services speak in. */
function named(index: LiveIndex, list: readonly { label: number; score: number }[]): ScoredId[] {
  return list.map(({ label, score }) => ({ id: index.papers.idOf(label), score }));
}

/** Scores `ids` by their labels with `score`, in their order; an id not stored scores 0. */
function scoresOfIds(index: LiveIndex, ids: readonly string[], score: (labels: number[]) => readonly number[]): number[] {
  const labels = ids.map((id) => index.papers.labelOfId(id));
  const known = labels.filter((label): label is number => label !== undefined);
  const scores = score(known);
  const byLabel = new Map(known.map((label, i) => [label, scores[i]!]));
  return labels.map((label) => (label === undefined ? 0 : (byLabel.get(label) ?? 0)));
}

/** The labels of `ids` (each once; ids not stored are skipped), or every label. */
function candidateLabels(index: LiveIndex, ids: readonly string[] | undefined): number[] {
  if (!ids) return Array.from({ length: index.papers.size }, (_, label) => label);
  const labels = new Set<number>();
  for (const id of ids) {
    const label = index.papers.labelOfId(id);
    if (label !== undefined) labels.add(label);
  }
  return [...labels];
}
