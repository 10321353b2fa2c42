import { TopK, type ScoredLabel } from './top-k.js';

/** One query term as the search walks it: its postings range, its weight and its score bound. */
export interface QueryTermPostings {
  /** Postings [start, end) of the term in the index's flat arrays (labels ascending). */
  start: number;
  end: number;
  /** idf · occurrences in the query. */
  weight: number;
  /** The most the term adds to any document's score: weight · the term's largest tf / (tf + norm). */
  bound: number;
}

/**
 * Relative margin on every comparison with a bound: bounds and partial sums are added in another
 * order than a document's score is, so they may differ from it in the last bits.
 */
const boundMargin = 1 + 1e-9;

/**
 * The `limit` best documents for the query terms that pass `accept`, best first, ties by smaller
 * label: exactly what scoring every posting and keeping the best would return, with the same
 * scores to the last bit, but reading far fewer postings (MaxScore, Turtle and Flood 1995).
 *
 * Documents are visited in label order. Terms are sorted by bound; once the best `limit` so far
 * are known, the terms whose bounds together cannot reach the worst of them are "non-essential":
 * a document holding only those cannot enter, so only the essential terms' postings propose
 * candidates, and a candidate's non-essential terms are looked up (galloping forward) only while
 * its partial score plus their remaining bounds can still enter. Visiting labels in ascending
 * order means a later document tying the worst score kept loses the tie, so "cannot exceed" is
 * enough to skip it.
 *
 * A document's score is summed over the terms in query order, as a term-at-a-time accumulator
 * would, so the scores are bit-identical to exhaustive scoring.
 */
export function maxScoreTopK(
  postingLabels: Uint32Array,
  postingFrequencies: Uint16Array,
  lengthNorms: Float64Array,
  terms: readonly QueryTermPostings[],
  limit: number,
  accept?: (label: number) => boolean,
): ScoredLabel[] {
  const count = terms.length;
  const best = new TopK(limit);
  // Positions into `terms`, by bound ascending; below `firstEssential` are the non-essential ones.
  const order = terms.map((_, i) => i).sort((a, b) => terms[a]!.bound - terms[b]!.bound);
  // boundsUpTo[j]: the sum of the bounds of order[0..j].
  const boundsUpTo = new Float64Array(count);
  let sum = 0;
  for (let j = 0; j < count; j++) boundsUpTo[j] = sum += terms[order[j]!]!.bound;
  const cursors = Int32Array.from(terms, (term) => term.start);
  const ends = Int32Array.from(terms, (term) => term.end);
  const weights = Float64Array.from(terms, (term) => term.weight);
  const contributions = new Float64Array(count);
  let firstEssential = 0;

  for (;;) {
    let label = Number.POSITIVE_INFINITY;
    for (let j = firstEssential; j < count; j++) {
      const i = order[j]!;
      if (cursors[i]! < ends[i]!) label = Math.min(label, postingLabels[cursors[i]!]!);
    }
    if (label === Number.POSITIVE_INFINITY) break;

    contributions.fill(0);
    let partial = 0;
    for (let j = firstEssential; j < count; j++) {
      const i = order[j]!;
      const p = cursors[i]!;
      if (p < ends[i]! && postingLabels[p] === label) {
        const tf = postingFrequencies[p]!;
        partial += contributions[i] = (weights[i]! * tf) / (tf + lengthNorms[label]!);
        cursors[i] = p + 1;
      }
    }
    let reachable = true;
    for (let j = firstEssential - 1; j >= 0; j--) {
      if ((partial + boundsUpTo[j]!) * boundMargin <= best.worstScore) {
        reachable = false;
        break;
      }
      const i = order[j]!;
      const p = seek(postingLabels, cursors[i]!, ends[i]!, label);
      cursors[i] = p;
      if (p < ends[i]! && postingLabels[p] === label) {
        const tf = postingFrequencies[p]!;
        partial += contributions[i] = (weights[i]! * tf) / (tf + lengthNorms[label]!);
      }
    }
    if (!reachable) continue;

    let score = 0;
    for (let i = 0; i < count; i++) if (contributions[i] !== 0) score += contributions[i]!;
    if (!best.admits(label, score) || (accept && !accept(label))) continue;
    best.offer(label, score);
    if (best.full) {
      while (firstEssential < count && boundsUpTo[firstEssential]! * boundMargin <= best.worstScore) firstEssential++;
      if (firstEssential === count) break;
    }
  }
  return best.sorted();
}

/** The first position in [from, end) whose label is ≥ label (end if none): galloping, then binary search. */
function seek(labels: Uint32Array, from: number, end: number, label: number): number {
  if (from >= end || labels[from]! >= label) return from;
  let low = from;
  let step = 1;
  let high = from + 1;
  while (high < end && labels[high]! < label) {
    low = high;
    step *= 2;
    high = from + step;
  }
  high = Math.min(high, end);
  // labels[low] < label; the answer is in (low, high].
  while (low + 1 < high) {
    const middle = (low + high) >>> 1;
    if (labels[middle]! < label) low = middle;
    else high = middle;
  }
  return high;
}
