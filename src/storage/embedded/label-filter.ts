import { paperMatcher, type PaperFilter } from '../../papers/paper-filter.js';
import type { PaperStore } from './paper-store.js';

export type LabelPredicate = (label: number) => boolean;

/**
 * A filter as a predicate over the labels of `papers`, for the searches to evaluate as they go.
 * Tombstones are left out when
 * `skipTombstones` says the search itself does not skip them (BM25; hnswlib skips its deleted
 * nodes). Undefined when nothing is asked, so unfiltered searches run without a callback.
 */
export function labelFilter(papers: PaperStore, filter: PaperFilter | undefined, options: { skipTombstones: boolean }): LabelPredicate | undefined {
  const matches = paperMatcher(filter);
  const excluded = excludedLabels(papers, filter?.exclude_ids ?? []);
  const needsLiveness = options.skipTombstones && papers.tombstoneCount > 0;
  if (!matches && excluded.size === 0 && !needsLiveness) return undefined;
  // A matcher reads the paper, which a tombstone no longer has.
  return (label) => papers.isLive(label) && !excluded.has(label) && (!matches || matches(papers.byLabel(label)));
}

/** The labels of the papers these names name (unknown names name none). */
export function excludedLabels(papers: PaperStore, names: readonly string[]): Set<number> {
  const labels = new Set<number>();
  for (const name of names) {
    const label = papers.labelOf(name);
    if (label !== undefined) labels.add(label);
  }
  return labels;
}
