import type { StopCheck } from '../../shared/worker-threads.js';
import type { Neighbor, VectorIndex } from './vector-index.js';

/** The lists of a range of labels, as typed arrays (see computeRangeArrays). */
export interface RangeArrays {
  labels: Int32Array;
  scores: Float32Array;
  lengths: Int16Array;
}

/**
 * Neighbours kept per paper: two pages of ten, or one of twenty-five, with room for a few
 * deleted ones. 8 bytes a neighbour: 19 MB at 75,000 papers, 256 MB at a million.
 */
export const relatedListDepth = 32;

/**
 * How far a new paper looks for the papers whose lists it may enter: four lists' depth. A paper
 * that has the new one among its 32 nearest is usually among the new one's 128 nearest; for the
 * others (a new survey between topics is near many papers without being among their nearest in
 * turn), LiveIndex compares the papers written since with a list as it is read.
 */
const insertionReach = 4 * relatedListDepth;

/** A list not computed yet: filled from the HNSW search the first time it is asked for. */
const notComputed = -1;

/**
 * How far a collection may grow by carried lists (see canCarryTo) before every list is computed
 * again from the graph: by a quarter, so a list a new paper's insertion missed is set right
 * within a bounded growth, and recomputing stays a small share of the additions' own cost.
 */
const carriedGrowth = 1.25;

/**
 * Every paper's nearest neighbours, precomputed: what "related to this paper" answers without a
 * graph search (a lookup instead of ~2,000 distance computations). Each list is the HNSW answer
 * at depth `relatedListDepth` when computed (so its first k are the HNSW answer at k, ties aside),
 * and kept current by writes: a new paper gets its own list from the graph and enters the lists
 * of the papers it is near enough to (see insertionReach); deleted papers are skipped when read.
 * A list not computed (folders built before lists were stored, or with another ef) is answered
 * by the graph and filled from its answer; one cut short by deletions is continued by the graph
 * (see LiveIndex.neighboursOf).
 */
export class RelatedLists {
  private constructor(
    /** `depth` labels per list, best first; unused slots hold anything. */
    private labels: Int32Array,
    private scores: Float32Array,
    /** Entries per list, or notComputed. */
    private lengths: Int16Array,
    /** The number of papers when every list was last computed from the graph (0: never). */
    readonly fullyComputedAt: number,
  ) {}

  static empty(capacity = 0): RelatedLists {
    const lists = new RelatedLists(new Int32Array(0), new Float32Array(0), new Int16Array(0), 0);
    lists.reserve(capacity);
    return lists;
  }

  /** The lists of every label of `graph` (labels 0..count−1, none deleted), from its own search; `stop` is checked between papers. */
  static compute(graph: VectorIndex, count: number, stop?: StopCheck): RelatedLists {
    return RelatedLists.toCompute(count).computeRange(graph, 0, count, stop);
  }

  /** Lists of a collection of `count` papers, none computed yet, that are all to be computed (in ranges, see computeRange). */
  static toCompute(count: number): RelatedLists {
    return new RelatedLists(new Int32Array(0), new Float32Array(0), new Int16Array(0), count);
  }

  /**
   * The lists of labels from `from` up to `to`, computed from the graph's search, as arrays of
   * that range alone (another thread's share of `compute`, for `takeRange`).
   */
  static computeRangeArrays(graph: VectorIndex, from: number, to: number, stop?: StopCheck): RangeArrays {
    const range = RelatedLists.toCompute(0);
    range.reserve(to - from);
    for (let label = from; label < to; label++) {
      stop?.throwIfAborted();
      range.store(label - from, graph.searchNear(label, relatedListDepth, new Set()));
    }
    return range.arrays(to - from);
  }

  /**
   * Whether these lists may be carried to a collection of `count` papers (a snapshot that adds
   * papers to the graph) rather than computed again: new papers enter lists only through the
   * insertion's reach, so the lists drift slowly from the graph's answers as papers are added.
   */
  canCarryTo(count: number): boolean {
    return count <= carriedGrowth * this.fullyComputedAt;
  }

  /** Computes, from the graph's search, the lists of labels below `count` that are not computed yet (as `compute` does). */
  computeMissing(graph: VectorIndex, count: number, stop?: StopCheck): this {
    this.reserve(count);
    for (let label = 0; label < count; label++) {
      if (this.lengths[label] !== notComputed) continue;
      stop?.throwIfAborted();
      this.store(label, graph.searchNear(label, relatedListDepth, new Set()));
    }
    return this;
  }

  /** Computes, from the graph's search, the lists of labels from `from` up to `to`. */
  computeRange(graph: VectorIndex, from: number, to: number, stop?: StopCheck): this {
    this.reserve(to);
    for (let label = from; label < to; label++) {
      stop?.throwIfAborted();
      this.store(label, graph.searchNear(label, relatedListDepth, new Set()));
    }
    return this;
  }

  /** Takes the lists computeRangeArrays gave for labels from `from` on. */
  takeRange(from: number, range: RangeArrays): this {
    this.reserve(from + range.lengths.length);
    this.labels.set(range.labels, from * relatedListDepth);
    this.scores.set(range.scores, from * relatedListDepth);
    this.lengths.set(range.lengths, from);
    return this;
  }

  /** Lists as stored in a file (see related-lists-file.ts); the arrays are taken over. */
  static fromArrays(labels: Int32Array, scores: Float32Array, lengths: Int16Array, fullyComputedAt: number): RelatedLists {
    return new RelatedLists(labels, scores, lengths, fullyComputedAt);
  }

  /** The lists of labels 0..count−1 as arrays (views, for the file writer). */
  arrays(count: number): { labels: Int32Array; scores: Float32Array; lengths: Int16Array } {
    this.reserve(count);
    return {
      labels: this.labels.subarray(0, count * relatedListDepth),
      scores: this.scores.subarray(0, count * relatedListDepth),
      lengths: this.lengths.subarray(0, count),
    };
  }

  /**
   * The first `k` neighbours of `label` that `isLive` accepts, best first; undefined when the
   * list cannot tell them: not computed, or cut at its depth with fewer than `k` live entries.
   * A list shorter than its depth held every other paper when computed and every paper offered
   * since, so it answers with what it has.
   */
  read(label: number, k: number, isLive: (label: number) => boolean): Neighbor[] | undefined {
    const live = this.liveEntries(label, isLive);
    if (live === undefined) return undefined;
    return live.length < k && this.lengths[label] === relatedListDepth ? undefined : live.slice(0, k);
  }

  /** The entries of the list of `label` that `isLive` accepts, best first, however few; undefined when it is not computed. */
  liveEntries(label: number, isLive: (label: number) => boolean): Neighbor[] | undefined {
    const length = label < this.lengths.length ? this.lengths[label]! : notComputed;
    if (length === notComputed) return undefined;
    const start = label * relatedListDepth;
    const found: Neighbor[] = [];
    for (let i = 0; i < length; i++) {
      const neighbour = this.labels[start + i]!;
      if (isLive(neighbour)) found.push({ label: neighbour, score: this.scores[start + i]! });
    }
    return found;
  }

  /**
   * Sets the list of `label` from an HNSW answer for it asked at least `relatedListDepth` deep
   * (best first, `label` itself left out): an answer shorter than that is every other paper.
   */
  store(label: number, neighbours: readonly Neighbor[]): void {
    this.reserve(label + 1);
    const length = Math.min(neighbours.length, relatedListDepth);
    const start = label * relatedListDepth;
    for (let i = 0; i < length; i++) {
      this.labels[start + i] = neighbours[i]!.label;
      this.scores[start + i] = neighbours[i]!.score;
    }
    this.lengths[label] = length;
  }

  /**
   * A paper written after the lists were computed: its own list from the graph (which already
   * holds it), and it enters the list of each paper it is among the nearest of.
   */
  insert(graph: VectorIndex, label: number): void {
    // Its own list as a related request would get it from the graph (the wider search runs at a larger ef).
    this.store(label, graph.searchNear(label, relatedListDepth, new Set()));
    for (const { label: other, score } of graph.searchNear(label, insertionReach, new Set())) this.offer(other, label, score);
  }

  /**
   * Puts `candidate` into the list of `label` if it ranks within the depth (score, then label, as
   * the graph orders) and is not there already: a list computed after the candidate entered the
   * graph holds it (papers enter the lists after the graph, see LiveIndex.apply).
   */
  private offer(label: number, candidate: number, score: number): void {
    const length = label < this.lengths.length ? this.lengths[label]! : notComputed;
    if (length === notComputed) return;
    const start = label * relatedListDepth;
    if (this.labels.subarray(start, start + length).includes(candidate)) return;
    let position = length;
    while (position > 0 && ranksBefore(score, candidate, this.scores[start + position - 1]!, this.labels[start + position - 1]!)) position--;
    if (position === relatedListDepth) return;
    const kept = Math.min(length, relatedListDepth - 1);
    this.labels.copyWithin(start + position + 1, start + position, start + kept);
    this.scores.copyWithin(start + position + 1, start + position, start + kept);
    this.labels[start + position] = candidate;
    this.scores[start + position] = score;
    this.lengths[label] = kept + 1;
  }

  /**
   * Room for lists of labels below `count`, growing by a quarter (lists loaded from a file are
   * sized exactly, and doubling them on the first write would hold both copies at once: 768 MB
   * at a million papers); new slots are not computed.
   */
  private reserve(count: number): void {
    if (count <= this.lengths.length) return;
    const capacity = Math.max(count, Math.ceil(1.25 * this.lengths.length), 1024);
    const labels = new Int32Array(capacity * relatedListDepth);
    labels.set(this.labels);
    const scores = new Float32Array(capacity * relatedListDepth);
    scores.set(this.scores);
    const lengths = new Int16Array(capacity).fill(notComputed);
    lengths.set(this.lengths);
    this.labels = labels;
    this.scores = scores;
    this.lengths = lengths;
  }
}

function ranksBefore(score: number, label: number, otherScore: number, otherLabel: number): boolean {
  return score > otherScore || (score === otherScore && label < otherLabel);
}
