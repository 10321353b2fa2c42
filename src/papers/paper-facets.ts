import type { Paper } from './paper.js';

/** Metadata a collection can be counted by: how many papers per year, per category, per author. */
export const facetNames = ['year', 'categories', 'authors'] as const;
export type FacetName = (typeof facetNames)[number];

/**
 * The most values one facet reports: the most frequent ones (Meilisearch's maxValuesPerFacet,
 * same default). Counting covers every value; only the answer is cut.
 */
export const maxValuesPerFacet = 100;

/** What a facet count answers, for the fields asked. */
export interface FacetCounts {
  /** For each facet asked, its values and how many papers have each: the most frequent first (see topValues). */
  distribution: Partial<Record<FacetName, Record<string, number>>>;
  /** Bounds of the numeric facets (year) among the counted papers; absent when none had a value. */
  stats: { year?: { min: number; max: number } };
  /** Papers counted. */
  papers: number;
}

/** The facet fields of a paper record: what facet counting and the metadata filters read. */
export type FacetFields = Pick<Paper, 'year' | 'categories' | 'authors'>;

/**
 * How an author is shown in a facet: as first written, white space folded. Names are counted
 * by their normalized form (`normalizeAuthorName`, as the authors filter matches them), so
 * "Ada  Lovelace" and "ada lovelace" count as one author.
 */
export function authorDisplayName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ');
}

/**
 * The `limit` values with the highest counts, most frequent first, ties by value (code-unit
 * order), as an object in that order. Values with no count are left out.
 *
 * JavaScript (and JSON.parse in most languages' maps) lists integer-like keys ("2024") first
 * and in ascending order whatever the insertion order, so the year facet's keys come out in year
 * order; which years are kept is still decided by count.
 */
export function topValues(values: readonly string[], counts: ArrayLike<number>, limit: number): Record<string, number> {
  const before = (a: number, b: number) => counts[a]! > counts[b]! || (counts[a] === counts[b] && values[a]! < values[b]!);
  // A min-heap of the best `limit` so far (its root the worst of them): one pass, n·log(limit).
  const heap: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    if (!(counts[i]! > 0)) continue;
    if (heap.length < limit) heapPush(heap, i, before);
    else if (limit > 0 && before(i, heap[0]!)) heapReplaceRoot(heap, i, before);
  }
  heap.sort((a, b) => (before(a, b) ? -1 : 1));
  const result: Record<string, number> = {};
  for (const index of heap) result[values[index]!] = counts[index]!;
  return result;
}

type Before = (a: number, b: number) => boolean;

/** Heap of indexes whose root is the worst: every other item comes before it. */
function heapPush(heap: number[], item: number, before: Before): void {
  heap.push(item);
  let at = heap.length - 1;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!before(heap[parent]!, heap[at]!)) break;
    swap(heap, parent, at);
    at = parent;
  }
}

function heapReplaceRoot(heap: number[], item: number, before: Before): void {
  heap[0] = item;
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    const right = left + 1;
    let last = at;
    if (left < heap.length && before(heap[last]!, heap[left]!)) last = left;
    if (right < heap.length && before(heap[last]!, heap[right]!)) last = right;
    if (last === at) return;
    swap(heap, last, at);
    at = last;
  }
}

function swap(heap: number[], a: number, b: number): void {
  const kept = heap[a]!;
  heap[a] = heap[b]!;
  heap[b] = kept;
}
