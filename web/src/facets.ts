import type { HitsResponse, SearchRequest } from './api.js';
import { filterOf, type SearchState } from './search-state.js';

/** Facet counts as the API returns them on ranked lists (`facet_distribution`, `facet_stats`). */
export type FacetDistribution = NonNullable<HitsResponse['facet_distribution']>;
export type FacetStats = NonNullable<HitsResponse['facet_stats']>;
export type FacetName = keyof FacetDistribution;
export const facetNames: readonly FacetName[] = ['year', 'categories', 'authors'];

type FilterState = Pick<SearchState, 'yearFrom' | 'yearTo' | 'categories' | 'authors'>;

function filters(state: FilterState, name: FacetName): boolean {
  if (name === 'year') return state.yearFrom !== undefined || state.yearTo !== undefined;
  return state[name].length > 0;
}

function without(state: FilterState, name: FacetName): FilterState {
  if (name === 'year') return { ...state, yearFrom: undefined, yearTo: undefined };
  return { ...state, [name]: [] };
}

/**
 * The searches that count a filtered facet's values as if that facet were not filtered (the
 * other filters still apply), so that checking a second category shows what it adds, and the
 * year bars keep the years outside the range. One per facet the person has filtered on; the
 * query's embedding is cached by the server, and only the counts are wanted (one hit, no fields).
 */
export function disjunctiveFacetRequests(request: SearchRequest, state: FilterState): { name: FacetName; request: SearchRequest }[] {
  return facetNames
    .filter((name) => filters(state, name))
    .map((name) => ({ name, request: { ...request, k: 1, fields: [], filter: filterOf(without(state, name)), facets: [name] } }));
}

/**
 * The list's own counts, with each filtered facet's counts taken from its disjunctive search. A
 * checked value the disjunctive search does not count (beyond the most frequent values it
 * returns, or among other candidates) keeps its count in the list itself: a checked author
 * showed no number at all.
 */
export function mergedFacets(
  own: HitsResponse | undefined,
  disjunctive: readonly { name: FacetName; answer: HitsResponse }[],
  checked: Pick<SearchState, 'categories' | 'authors'> = { categories: [], authors: [] },
): { distribution?: FacetDistribution; stats?: FacetStats } {
  if (!own?.facet_distribution) return {};
  const distribution: FacetDistribution = { ...own.facet_distribution };
  const stats: FacetStats = { ...own.facet_stats };
  for (const { name, answer } of disjunctive) {
    const counts = { ...answer.facet_distribution?.[name] };
    if (name !== 'year') {
      for (const value of checked[name]) {
        const ownCount = own.facet_distribution[name]?.[value];
        if (counts[value] === undefined && ownCount !== undefined) counts[value] = ownCount;
      }
    }
    distribution[name] = counts;
    if (name === 'year') stats.year = answer.facet_stats?.year;
  }
  return { distribution, stats };
}
