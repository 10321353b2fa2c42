import type { FacetCounts, FacetName } from '../papers/paper-facets.js';
import type { PaperFilter } from '../papers/paper-filter.js';
import { selectFields } from '../search/ranking.js';
import type { RankedList, RelatedOptions } from '../search/search-service.js';

/** The transport's list options (snake_case, as in the API) as the search service takes them. */
export function listOptions(input: {
  k: number;
  offset: number;
  score_threshold?: number | undefined;
  filter?: PaperFilter | undefined;
  explain?: boolean | undefined;
  facets?: FacetName[] | undefined;
}): RelatedOptions {
  return { k: input.k, offset: input.offset, scoreThreshold: input.score_threshold, filter: input.filter, explain: input.explain, facets: input.facets };
}

/** A ranked list as the API answers it: the hits with the chosen fields, and facets when counted. */
export function rankedListBody(list: RankedList, fields: readonly string[] | undefined) {
  return {
    hits: list.hits.map((hit) => selectFields(hit, fields)),
    ...(list.facets ? facetBody(list.facets) : {}),
    ...(list.namedPaper ? { named_paper: list.namedPaper } : {}),
    ...(list.suggestedQuery === undefined ? {} : { suggested_query: list.suggestedQuery }),
    ...(list.namedAuthor ? { named_author: list.namedAuthor } : {}),
  };
}

/** Facet counts in the API's (Meilisearch's) shape. */
export function facetBody(counts: FacetCounts) {
  return { facet_distribution: counts.distribution, facet_stats: counts.stats };
}
