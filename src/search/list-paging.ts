import { invalidInput } from '../errors.js';
import type { FacetName } from '../papers/paper-facets.js';
import type { ScoredId } from '../storage/paper-storage.js';
import { byScoreThenId, roundScore, type RankedCandidate } from './ranking.js';
import { hybridCandidates, type SearchMode } from './search-modes.js';

/*
 * How deep a ranked list's retrievers are asked, and which of its candidates make the requested
 * page: the rules the search service applies to every list (a retriever is passed in, never
 * called here on its own).
 */

/** The part of a list's options that decides its depth and its page. */
interface PageOptions {
  /** Hits to return (the page size). */
  k: number;
  /** Hits to skip first. */
  offset?: number;
  /** Leave out hits scoring below this (in the mode's own score scale). */
  scoreThreshold?: number;
  /** Facets counted over the list's candidates (see facetCandidates). */
  facets?: readonly FacetName[];
}

/**
 * How deep each retriever is asked when facets are counted: the facets of a ranked list count
 * its candidates, the top `facetCandidates` of each retriever that ran (or offset + k, if
 * deeper), which is what a hybrid list fuses anyway.
 */
const facetCandidates = 100;

/** How deep a retriever is asked at most to find every paper tied at the end of a page (see firstByScoreThenId). */
const tieDepthLimit = 1_000;

/**
 * The first `depth` papers of a retriever's list in the order lists are shown (score, then id),
 * whatever order the retriever breaks ties in: while the last paper it returned ties with the
 * depth-th, papers of that score that sort before it may have been left out (two copies of a
 * paper score alike), so it is asked for more, up to `tieDepthLimit`. Otherwise a page would
 * hold other tied papers than the same place of a longer list, and pages would repeat or skip
 * papers.
 */
export async function firstByScoreThenId(depth: number, retrieve: (k: number) => Promise<ScoredId[]>): Promise<ScoredId[]> {
  // One more than the page needs: whether the paper after the depth-th ties with it is the question.
  let k = depth + 1;
  let list = await retrieve(k);
  while (list.length === k && k < tieDepthLimit && list[k - 1]!.score === list[depth - 1]!.score) {
    k = Math.min(2 * k, tieDepthLimit);
    list = await retrieve(k);
  }
  return [...list].sort(byScoreThenId).slice(0, depth);
}

/** The requested page of a ranked list, ordered once over all its candidates, then cut, without candidates under the score threshold. */
export function pageOf(list: RankedCandidate[], options: PageOptions): RankedCandidate[] {
  return list
    .sort(byScoreThenId)
    .slice(options.offset ?? 0, pageEnd(options))
    .filter(passesThreshold(options));
}

/** Compared as shown (rounded), so a hit shown with the threshold's own score is kept. */
export function passesThreshold({ scoreThreshold }: PageOptions): (candidate: RankedCandidate) => boolean {
  return (candidate) => scoreThreshold === undefined || roundScore(candidate.score) >= scoreThreshold;
}

/**
 * Hybrid lists are cut from each retriever's top candidates; a deeper page would draw on other
 * candidates than the page before it, and pages would not join. `at` places the field in the
 * request (`queries.3.` in a batch).
 */
export function assertHybridDepth(mode: SearchMode, options: PageOptions, at = ''): void {
  if (mode !== 'hybrid' || pageEnd(options) <= hybridCandidates) return;
  throw invalidInput(
    `Hybrid results reach ${hybridCandidates} deep: offset + k must be at most ${hybridCandidates} in hybrid mode (use dense or lexical mode to page further).`,
    [{ path: `${at}offset`, message: `offset + k must be at most ${hybridCandidates} in hybrid mode`, code: 'too_big' }],
  );
}

export function pageEnd(options: { k: number; offset?: number }): number {
  return (options.offset ?? 0) + options.k;
}

/** How many candidates a retriever returns: the page, or the facets' candidates when deeper. */
export function candidateDepth(options: PageOptions): number {
  return options.facets?.length ? Math.max(pageEnd(options), facetCandidates) : pageEnd(options);
}
