import type { Neighbor, VectorIndex } from './vector-index.js';

/**
 * Neighbours kept per paper: two pages of ten, or one of twenty-five, with room for a few
 * deleted ones. 8 bytes a neighbour: 19 MB at 75,000 papers, 256 MB at a million.
 */
export const relatedListDepth = 32;

/**
 * How far a new paper looks for the papers whose lists it enters (their neighbours are mostly
 * among its own): four lists' depth, which the HNSW search covers at the default ef.
 */
const insertionReach = 4 * relatedListDepth;

/** A list not computed yet: filled from the HNSW search the first time it is asked for. */
const notComputed = -1;

/**
 * Every paper's nearest neighbours, precomputed: what "related to this paper" answers without a
 * graph search (a lookup instead of ~2,000 distance computations). Each list is exactly the HNSW
 * answer at depth `relatedListDepth` when computed (so its first k are the HNSW answer at k), and
 * kept current by writes: a new paper gets its own list and enters the lists of the papers it is
 * near enough to; deleted papers are skipped when read. A list too short for a request, or not
 * computed (folders built before lists were stored, papers whose lists were cut short by
 * deletions), is answered by the graph and refilled from its answer.
 */
export class RelatedLists {
  private constructor(
    /** `depth` labels per list, best first; unused slots hold anything. */
    private labels: Int32Array,
    private scores: Float32Array,
    /** Entries per list, or notComputed. */
    private lengths: Int16Array,
  ) {}

  static empty(capacity = 0): RelatedLists {
    const lists = new RelatedLists(new Int32Array(0), new Float32Array(0), new Int16Array(0));
    lists.reserve(capacity);
    return lists;
  }

  /** The lists of every label of `graph` (labels 0..count−1, none deleted), from its own search. */
  static compute(graph: VectorIndex, count: number): RelatedLists {
    const lists = RelatedLists.empty(count);
    for (let label = 0; label < count; label++) lists.store(label, graph.searchNear(label, relatedListDepth, new Set()));
    return lists;
  }

  /** Lists as stored in a file (see related-lists-file.ts); the arrays are taken over. */
  static fromArrays(labels: Int32Array, scores: Float32Array, lengths: Int16Array): RelatedLists {
    return new RelatedLists(labels, scores, lengths);
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
    const length = label < this.lengths.length ? this.lengths[label]! : notComputed;
    if (length === notComputed) return undefined;
    const start = label * relatedListDepth;
    const found: Neighbor[] = [];
    for (let i = 0; i < length && found.length < k; i++) {
      const neighbour = this.labels[start + i]!;
      if (isLive(neighbour)) found.push({ label: neighbour, score: this.scores[start + i]! });
    }
    return found.length < k && length === relatedListDepth ? undefined : found;
  }

  /**
   * Sets the list of `label` from an HNSW answer for it (best first, `label` itself left out).
   * An answer shorter than the depth is taken as complete only when it was asked that deep.
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

  /** Makes `label` unknown again: its list is recomputed when next asked for. */
  forget(label: number): void {
    if (label < this.lengths.length) this.lengths[label] = notComputed;
  }

  /**
   * A paper written after the lists were computed: its own list from the graph (which already
   * holds it), and it enters the list of each paper it is among the nearest of.
   */
  insert(graph: VectorIndex, label: number): void {
    const near = graph.searchNear(label, insertionReach, new Set());
    this.store(label, near.slice(0, relatedListDepth));
    for (const { label: other, score } of near) this.offer(other, label, score);
  }

  /** Puts `candidate` into the list of `label` if it ranks within the depth (score, then label, as the graph orders). */
  private offer(label: number, candidate: number, score: number): void {
    const length = label < this.lengths.length ? this.lengths[label]! : notComputed;
    if (length === notComputed) return;
    const start = label * relatedListDepth;
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

  /** Room for lists of labels below `count`, growing by doubling; new slots are not computed. */
  private reserve(count: number): void {
    if (count <= this.lengths.length) return;
    const capacity = Math.max(count, 2 * this.lengths.length);
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
