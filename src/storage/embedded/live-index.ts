import { setImmediate } from 'node:timers/promises';
import { paperPassage } from '../../embedding/embedder.js';
import { LiveLexicalIndex } from './lexical/live-lexical-index.js';
import type { Paper } from '../../papers/paper.js';
import type { PaperChange } from '../paper-storage.js';
import { FacetColumns } from './facet-columns.js';
import type { MapPoint } from './index-folder-writer.js';
import { cursorGenerationsKept, cursorTag, snapshotMoves, type CursorGeneration } from './list-cursor.js';
import type { MapLayout } from './map/map-layout.js';
import { PaperPositions } from './map/paper-positions.js';
import type { PaperStore } from './paper-store.js';
import type { LoadedIndex } from './index-folder.js';
import type { Manifest } from './manifest.js';
import { RelatedLists, relatedListDepth } from './related-lists.js';
import type { Neighbor, VectorIndex } from './vector-index.js';
import { vectorAt } from './vectors-file.js';
import { dot } from '../../shared/vector-math.js';
import { turnsEvery } from '../../shared/event-loop-turns.js';

/** What a snapshot must fold into a new index folder: the changes to the folder the index was loaded from. */
export interface SnapshotDelta {
  /** Log sequence number of the last write included. */
  walSeq: number;
  /** Labels of the loaded folder that were deleted or replaced. */
  removedBaseLabels: number[];
  /** Papers written since, still present, in label order, with their map position if they were placed. */
  added: { paper: Paper; vector: Float32Array; position?: MapPoint }[];
  /** The map positions of the folder's papers (by its labels), when the index has a layout. */
  layout?: MapLayout;
}

/** One logged write: its sequence number and its changes, applied together. */
export interface AppliedWrite {
  seq: number;
  changes: readonly PaperChange[];
}

/**
 * Milliseconds of labels read per turn of the event loop while the facet columns are built: a
 * paper may list up to 10,000 authors, and 2,048 papers a turn held every request for 0.96 s on
 * an index with 2,000 papers of 1,250 authors.
 */
const facetBuildTurnMs = 10;

/**
 * Milliseconds of a write applied per turn of the event loop (see applyInSlices), and of related
 * lists brought up to date after it: a 1,000-paper write on 74,728 papers takes 5.7 s in one
 * piece, which every other request would wait out.
 */
const writeWorkSlice = 10;

/**
 * Papers written since a list was last checked that a related request compares with it by their
 * vectors (0.8 ms for 1,024 at 384 dimensions, on a busy 2-core machine; once per list, see
 * listCheckedAt); past this many the graph answers instead.
 */
const writtenPapersChecked = 1_024;

/**
 * An index folder as loaded, plus every write applied since: the one view searches read. Writes
 * mutate it synchronously on the main thread (hnswlib is not safe for concurrent add and search,
 * and JavaScript runs one of them at a time), so a search never sees half a change of a paper.
 */
export class LiveIndex {
  readonly lexical: LiveLexicalIndex;
  /** Each paper's nearest neighbours (see RelatedLists): the folder's, kept current by writes. */
  private readonly related: RelatedLists;
  /** Labels below this come from the folder; writes get labels from here on. */
  readonly baseCount: number;
  private readonly addedVectors = new Map<number, Float32Array>();
  private readonly removedBaseLabels = new Set<number>();
  private lastSeq: number;
  private operationsSinceBase = 0;
  /** Every write applied since the folder, in order: what a newer folder may still lack. */
  private readonly applied: AppliedWrite[] = [];
  /**
   * Papers written whose neighbours' related lists they have not entered yet, oldest first, and
   * the task working through them (see apply).
   */
  private readonly relatedBacklog: number[] = [];
  private relatedCatchUp: Promise<void> | undefined;
  /** Cleared should bringing the lists up to date fail: from then on the graph answers alone. */
  private relatedListsUsable = true;
  /** Per label, the number of labels when its list was last made whole against the papers written since (see neighboursOf). */
  private readonly listCheckedAt = new Map<number, number>();
  /** Built on first use (see facets), then kept current by apply. */
  private facetColumns: FacetColumns | undefined;
  private facetBuild: Promise<FacetColumns> | undefined;
  /** The map positions: the folder's layout, or one computed later (see adoptLayout); undefined until then. */
  private positions: PaperPositions | undefined;
  /** The builds this index's folder replaced, oldest first, so the list's cursors they issued go on here. */
  cursorGenerations: readonly CursorGeneration[] = [];

  constructor(private readonly loaded: LoadedIndex) {
    this.lexical = new LiveLexicalIndex(loaded.lexical, loaded.manifest.lexical.analyzer);
    this.related = loaded.related ?? RelatedLists.empty(loaded.papers.size);
    this.baseCount = loaded.papers.size;
    this.lastSeq = loaded.manifest.walSeq ?? 0;
    if (loaded.layout) this.positions = PaperPositions.fromLayout(loaded.layout);
  }

  get folder(): string {
    return this.loaded.folder;
  }

  get manifest(): Manifest {
    return this.loaded.manifest;
  }

  get papers(): PaperStore {
    return this.loaded.papers;
  }

  get vectors(): VectorIndex {
    return this.loaded.vectors;
  }

  /**
   * The stored vector of a present paper's label (a view: read it, never write it), from the
   * folder's vectors or the writes since; undefined for a label no present paper holds.
   */
  storedVector(label: number): Float32Array | undefined {
    if (label >= this.baseCount) return this.addedVectors.get(label);
    if (this.removedBaseLabels.has(label)) return undefined;
    return vectorAt(this.loaded.storedVectors, label, this.loaded.manifest.model.dimension);
  }

  /**
   * The `k` nearest neighbours of a present paper's label, best first, never itself: from its
   * related list, made whole first when it cannot tell (see refilledList).
   * At k ≤ relatedListDepth the graph's answer is the first k of its answer at that depth, which
   * holds while the ef searches run at (HNSW_EF_SEARCH, 128 by default) exceeds the depth.
   * Deeper, the answer at the list's depth goes on with the graph's (see continuedByGraph).
   */
  neighboursOf(label: number, k: number): Neighbor[] {
    if (k > relatedListDepth) return this.continuedByGraph(label, this.neighboursOf(label, relatedListDepth), k);
    // Papers just written may not be in the lists yet; the graph already holds them.
    if (this.relatedBacklog.length > 0 || !this.relatedListsUsable) return this.vectors.searchNear(label, relatedListDepth, new Set()).slice(0, k);
    const isLive = (other: number) => this.papers.isLive(other);
    // Checked whole when it can be, so that each written paper is compared once per list, not once per request.
    const whole = this.related.read(label, relatedListDepth, isLive);
    if (whole && !this.writtenPaperBelongsIn(label, whole, relatedListDepth)) return whole.slice(0, k);
    // Made whole at the first request, whatever its k: a list cut short by deletions that answered
    // the first pages from what it has, and the next from the graph, repeated and skipped papers.
    const found = this.refilledList(label, whole === undefined ? this.related.liveEntries(label, isLive) : undefined);
    this.related.store(label, found);
    this.listCheckedAt.set(label, this.papers.size);
    return found.slice(0, k);
  }

  /**
   * The list of `label` made whole again: `live` (its papers still present, when deletions cut it
   * short) continued by the graph, so the pages it answered go on as they were; or, when a paper
   * written since belongs among them, or nothing is left, the graph's answer.
   */
  private refilledList(label: number, live: readonly Neighbor[] | undefined): Neighbor[] {
    if (live && live.length > 0 && !this.writtenPaperBelongsIn(label, live, live.length)) return this.continuedByGraph(label, live, relatedListDepth);
    return this.vectors.searchNear(label, relatedListDepth, new Set());
  }

  /**
   * `first` (the answer at the list's depth), then the graph's nearest papers after it, up to `k`:
   * so a page deeper than the list continues the pages the list answered. After writes, the
   * graph's approximate search can rank otherwise than the list it once computed (a paper written
   * changes the routes), and a deeper page answered by the graph alone repeated papers of the
   * pages before it and skipped others. A paper the graph ranks above the last of `first` without
   * its being there is left out, as a deeper tier of a graph search leaves out what a shallower one
   * missed (see VectorIndex.searchArray): the list stays in score order.
   */
  private continuedByGraph(label: number, first: readonly Neighbor[], k: number): Neighbor[] {
    const floor = first.at(-1)?.score ?? Number.POSITIVE_INFINITY;
    const listed = new Set(first.map((neighbour) => neighbour.label));
    // Asked k deep, not k past the listed ones: a deeper search beyond HNSW_EF_SEARCH explores far more.
    const after = this.vectors.searchNear(label, k, new Set()).filter((neighbour) => !listed.has(neighbour.label) && neighbour.score <= floor);
    return [...first, ...after].slice(0, k);
  }

  /**
   * Whether a paper written since the list of `label` was last checked ranks among its first `k`
   * without being there. A written paper enters the lists of the papers among its own nearest
   * (RelatedLists.insert), but one near many papers without being among their nearest in turn (a
   * survey between topics) belongs in lists far beyond that reach. Each is compared by its vector
   * (a little below the k-th score, for float32 rounding in the graph's distances); past
   * writtenPapersChecked of them, the list is taken as stale.
   */
  private writtenPaperBelongsIn(label: number, listed: readonly Neighbor[], k: number): boolean {
    const checkedFrom = Math.max(this.related.fullyComputedAt, this.listCheckedAt.get(label) ?? 0);
    const end = this.papers.size;
    if (checkedFrom >= end) return false;
    if (end - checkedFrom > writtenPapersChecked) return true;
    const vector = this.storedVector(label)!;
    const floor = listed.length < k ? -Infinity : listed[k - 1]!.score - 1e-6;
    const listedLabels = new Set(listed.map((neighbour) => neighbour.label));
    for (let other = checkedFrom; other < end; other++) {
      if (other === label || listedLabels.has(other) || !this.papers.isLive(other)) continue;
      if (dot(vector, this.storedVector(other)!) >= floor) return true;
    }
    // Checked at this depth only: a deeper one checks again, against its own last score.
    if (k === relatedListDepth || listed.length < k) this.listCheckedAt.set(label, end);
    return false;
  }

  /**
   * The facet columns of every label, built from the records the first time they are asked for:
   * a few thousand labels at a time, letting other requests run between (reading 75,000 records
   * and interning their authors takes a second or two of CPU).
   */
  async facets(): Promise<FacetColumns> {
    const built = this.facetColumns;
    if (built) {
      built.catchUp(this.papers, this.papers.size);
      return built;
    }
    return (this.facetBuild ??= this.buildFacets());
  }

  private async buildFacets(): Promise<FacetColumns> {
    const columns = FacetColumns.empty();
    const turn = turnsEvery(facetBuildTurnMs);
    // Writes applied meanwhile append labels: the loop reads them too, and they are in the columns once it ends.
    while (columns.size < this.papers.size) {
      await turn();
      columns.catchUp(this.papers, columns.size + 1);
    }
    this.facetColumns = columns;
    return columns;
  }

  /**
   * Where this index's list positions go in the folder a snapshot taken now writes, and then in
   * the index that serves it (see snapshotMoves).
   */
  positionMoves(): (position: number) => number {
    const labelCount = this.papers.size;
    const dead: number[] = [];
    for (let label = 0; label < labelCount; label++) if (!this.papers.isLive(label)) dead.push(label);
    return snapshotMoves(labelCount, Uint32Array.from(dead));
  }

  /** Takes the cursor generations of `previous`, which a snapshot replaces with this index, its positions moving by `moves`. */
  followCursorsOf(previous: LiveIndex, moves: (position: number) => number): void {
    this.cursorGenerations = [...previous.cursorGenerations, { tag: cursorTag(previous.manifest), next: moves }].slice(-cursorGenerationsKept);
  }

  /**
   * Takes over what `previous` (the index this one replaces after a snapshot) built lazily, so a
   * snapshot swap does not make the next request rebuild it. Call before applying any write.
   */
  carryFrom(previous: LiveIndex): void {
    if (previous.facetColumns) this.facetColumns = FacetColumns.carried(previous.facetColumns, previous.papers, this.papers);
    if (!this.positions && previous.positions) this.positions = PaperPositions.carried(previous.positions, previous.papers, this.papers, this.baseCount);
  }

  /** The map positions, once the index has a layout. */
  get mapPositions(): PaperPositions | undefined {
    return this.positions;
  }

  /**
   * Takes the layout computed for the folder of `source` (this index, or the one it replaced
   * since the computation started): the folder's papers get their positions, papers written
   * since are placed when the map is asked for.
   */
  adoptLayout(layout: MapLayout, source: LiveIndex): void {
    if (this.positions) return;
    const computed = PaperPositions.fromLayout(layout);
    this.positions = source === this ? computed : PaperPositions.carried(computed, source.papers, this.papers, this.baseCount);
  }

  /** Sequence number of the last write applied (the folder's own if none since). */
  get appliedSeq(): number {
    return this.lastSeq;
  }

  /** Write operations applied since the folder was written: what a restart would replay. */
  get pendingOperations(): number {
    return this.operationsSinceBase;
  }

  /**
   * Applies one logged write, all its operations at once. A put of an existing id replaces the
   * paper: the old label is tombstoned and the new version gets a new label. Each new paper then
   * enters its neighbours' related lists a slice at a time; until all have, related papers come
   * from the graph.
   */
  apply(seq: number, changes: readonly PaperChange[]): void {
    for (const change of changes) this.applyChange(change);
    this.finishWrite(seq, changes);
    this.startRelatedCatchUp();
  }

  /**
   * `apply` for each write in order, a slice of changes per turn of the event loop, so requests
   * keep being answered while a large write goes in (inserting a paper into the graph takes about
   * a millisecond at 75,000 papers). The slices run across writes: a start replaying thousands of
   * one-paper writes from the log yields as often as one large write does. A search meanwhile
   * sees the papers applied so far, each whole. Call with nothing else writing until it resolves.
   */
  async applyInSlices(writes: readonly AppliedWrite[]): Promise<void> {
    const turn = turnsEvery(writeWorkSlice);
    for (const { seq, changes } of writes) {
      for (const change of changes) {
        await turn();
        this.applyChange(change);
      }
      this.finishWrite(seq, changes);
    }
    // Once all are applied: between the writes, its slices would take turns with theirs, and a
    // start replaying 5,000 logged writes was ready 30% later.
    this.startRelatedCatchUp();
  }

  /** Resolves once every paper written has entered the related lists. */
  async relatedListsCurrent(): Promise<void> {
    await this.relatedCatchUp;
  }

  /**
   * Stops the work left on an index no longer served (replaced by a snapshot, or closed); a
   * request still reading it gets related papers from the graph.
   */
  retire(): void {
    this.relatedBacklog.length = 0;
    this.relatedListsUsable = false;
  }

  private applyChange(change: PaperChange): void {
    if (change.op === 'delete') {
      this.removeId(change.id);
      return;
    }
    this.removeId(change.paper.id);
    const label = this.papers.append(change.paper);
    this.facetColumns?.append(change.paper);
    this.vectors.add(label, change.vector);
    this.lexical.add(label, paperPassage(change.paper.title, change.paper.abstract));
    this.addedVectors.set(label, change.vector);
    this.relatedBacklog.push(label);
  }

  private finishWrite(seq: number, changes: readonly PaperChange[]): void {
    this.lastSeq = seq;
    this.operationsSinceBase += changes.length;
    this.applied.push({ seq, changes });
  }

  private startRelatedCatchUp(): void {
    if (this.relatedBacklog.length > 0) this.relatedCatchUp ??= this.catchUpRelatedLists();
  }

  private async catchUpRelatedLists(): Promise<void> {
    try {
      while (this.relatedBacklog.length > 0) {
        await setImmediate();
        const sliceEnd = performance.now() + writeWorkSlice;
        // Taken from the front a slice at a time (shift per label is quadratic in a long replay).
        let taken = 0;
        while (taken < this.relatedBacklog.length && performance.now() < sliceEnd) {
          const label = this.relatedBacklog[taken++]!;
          // A paper deleted or replaced since has left the graph's results (hnswlib cannot read its vector).
          if (this.papers.isLive(label)) this.related.insert(this.vectors, label);
        }
        this.relatedBacklog.splice(0, taken);
      }
    } catch {
      // The lists may be half updated: from now on the graph, which holds every paper, answers
      // related papers alone. Nobody awaits this task to be told.
      this.relatedListsUsable = false;
      this.relatedBacklog.length = 0;
    } finally {
      this.relatedCatchUp = undefined;
    }
  }

  /** The writes applied here with a sequence number above `seq`, in order. */
  writesAfter(seq: number): AppliedWrite[] {
    return this.applied.filter((write) => write.seq > seq);
  }

  /** The changes a snapshot folds in, as of now. */
  snapshotDelta(): SnapshotDelta {
    const added: SnapshotDelta['added'] = [];
    for (const [label, paper] of this.papers.entries(this.baseCount)) {
      const position = this.positions?.pointOf(label);
      added.push({ paper, vector: this.addedVectors.get(label)!, ...(position ? { position } : {}) });
    }
    return {
      walSeq: this.lastSeq,
      removedBaseLabels: [...this.removedBaseLabels].sort((a, b) => a - b),
      added,
      ...(this.positions ? { layout: this.positions.layoutOf(this.baseCount) } : {}),
    };
  }

  private removeId(id: string): void {
    const label = this.papers.labelOfId(id);
    if (label === undefined) return;
    this.papers.remove(label);
    this.vectors.remove(label);
    if (label < this.baseCount) this.removedBaseLabels.add(label);
    this.lexical.remove(label);
    this.addedVectors.delete(label);
  }
}
