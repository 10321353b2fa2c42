import type { HitsResponse } from './api.js';

/** Facet counts as the API returns them on ranked lists (`facets`), and the names to ask for. */
export type FacetName = 'year' | 'categories' | 'authors';
export const facetNames: readonly FacetName[] = ['year', 'categories', 'authors'];

export interface FacetDistribution {
  year?: Record<string, number>;
  categories?: Record<string, number>;
  authors?: Record<string, number>;
}

export interface FacetStats {
  year?: { min: number; max: number };
}

/** A ranked list with its facet counts (when asked for). */
export type FacetedHits = HitsResponse & { facet_distribution?: FacetDistribution; facet_stats?: FacetStats };
