import type { z } from 'zod';
import type { filterSchema } from '../http/schemas.js';
import type { NamedAuthor } from '../papers/author-query.js';
import type { Paper, PaperInput } from '../papers/paper.js';
import { maxValuesPerFacet } from '../papers/paper-facets.js';
import type { SearchMode } from '../search/search-modes.js';
import type { SentenceRole } from '../search/related/sentence-roles.js';
import type { ExistingPaperChoice } from '../writes/existing-papers.js';
import type { PaperPatch } from '../writes/paper-patch.js';
import type { SharedIdentifier } from '../writes/shared-identifiers.js';

/** A paper in a ranked list: its stored fields and its score in the list's scale. */
export type RankedPaper = Paper & { score: number };

/** The page of a ranked list, and what it may be filtered by (the API's filter). */
export interface ListRequest {
  k: number;
  offset: number;
  score_threshold?: number | undefined;
  filter?: z.output<typeof filterSchema> | undefined;
}

export interface PaperPageResult {
  papers: Paper[];
  nextCursor: string | null;
}

/** The papers a collection holds per year and per category, as the MCP tools report them. */
export interface CollectionSummary {
  papers: number;
  model: string;
  defaultMode: SearchMode;
  /** The most frequent years (at most the facets' 100; a collection rarely spans more). */
  years: Map<number, number>;
  withoutYear: number;
  /** The most frequent categories, at most the facets' 100. */
  categories: Map<string, number>;
  /** How many categories the collection has, when the facets listed them all (fewer than 100). */
  distinctCategories: number | undefined;
}

/** Facet counts over every stored paper matching `filter`: the search service's collection facets, or GET /v1/facets. */
export type CollectionFacets = (
  fields: readonly ('year' | 'categories')[],
  filter?: ListRequest['filter'],
) => Promise<{ distribution: { year?: Record<string, number> | undefined; categories?: Record<string, number> | undefined }; papers: number }>;

/** A written paper whose DOI or arXiv id another paper has too, and what to make of it (what the tools pass on of it). */
export type WriteWarning = Pick<SharedIdentifier, 'id' | 'shared_with' | 'message'>;

/** Writing papers: present only when the caller may write. */
export interface PaperWrites {
  /** Adds new papers, all or none; ids are generated where absent; a paper whose id is stored refuses them all, or is kept or replaced (`onExisting`). */
  create(
    papers: readonly PaperInput[],
    onExisting: ExistingPaperChoice,
  ): Promise<{ papers: Paper[]; warnings: WriteWarning[]; kept: string[]; replaced: string[] }>;
  /** Changes some fields of the paper a name names (a merge patch: null removes a field); returns it. */
  update(name: string, changes: PaperPatch): Promise<{ paper: Paper; warnings: WriteWarning[] }>;
  /** Deletes the paper a name (id, doi:…, arxiv:…) names; returns its id. */
  delete(name: string): Promise<string>;
}

/** A search's papers, and what it says of its query: the paper or the author it names, or its slips corrected (see RankedList). */
export interface SearchAnswer {
  papers: RankedPaper[];
  namedPaper?: { id: string; title: string } | undefined;
  suggestedQuery?: string | undefined;
  namedAuthor?: NamedAuthor | undefined;
}

/**
 * What the MCP server needs of the collection, whether the services run in this process or
 * behind a paper-search server reached over HTTP. Names of papers are ids, `doi:<DOI>` or
 * `arxiv:<id>`; failures throw errors carrying the API's codes (see toolErrorBody).
 */
export interface PaperSearchBackend {
  search(request: ListRequest & { query: string; mode?: SearchMode | undefined }): Promise<SearchAnswer>;
  similar(request: ListRequest & { abstract: string; title?: string | undefined; mode?: SearchMode | undefined }): Promise<RankedPaper[]>;
  related(name: string, request: ListRequest & { facet?: SentenceRole | undefined }): Promise<RankedPaper[]>;
  recommend(request: ListRequest & { positive: readonly string[]; negative: readonly string[]; query?: string }): Promise<RankedPaper[]>;
  paper(name: string): Promise<Paper>;
  /** The papers `names` name, in that order; undefined for a name no paper has. */
  papers(names: readonly string[]): Promise<(Paper | undefined)[]>;
  listPapers(cursor: string | undefined, limit: number): Promise<PaperPageResult>;
  summary(): Promise<CollectionSummary>;
  /** The mode a search without one runs in (the server's SEARCH_MODE). */
  defaultMode(): Promise<SearchMode>;
  readonly writes: PaperWrites | undefined;
}

/**
 * Papers per year and category from the collection's facets (counted where the papers are, not
 * by reading them all). Papers with a year are those any year bound matches, so the papers
 * without one are known exactly even when the year facet lists only the most frequent years.
 */
export async function countByFacets(
  facets: CollectionFacets,
): Promise<Pick<CollectionSummary, 'papers' | 'years' | 'withoutYear' | 'categories' | 'distinctCategories'>> {
  const [all, dated] = await Promise.all([facets(['year', 'categories']), facets(['year'], { year: { gte: 0 } })]);
  const categories = Object.entries(all.distribution.categories ?? {});
  return {
    papers: all.papers,
    years: new Map(Object.entries(all.distribution.year ?? {}).map(([year, papers]) => [Number(year), papers])),
    withoutYear: all.papers - dated.papers,
    categories: new Map(categories),
    distinctCategories: categories.length < maxValuesPerFacet ? categories.length : undefined,
  };
}
