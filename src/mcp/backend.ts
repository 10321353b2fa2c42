import type { z } from 'zod';
import type { filterSchema } from '../http/schemas.js';
import type { Paper, PaperInput } from '../papers/paper.js';
import type { SearchMode } from '../search/search-modes.js';

/** A paper in a ranked list: its stored fields and its score in the list's scale. */
export type RankedPaper = Paper & { score: number };

/** The page of a ranked list, and what it may be filtered by (the API's filter). */
export interface ListRequest {
  k: number;
  offset: number;
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
  years: Map<number, number>;
  withoutYear: number;
  categories: Map<string, number>;
}

/** Writing papers: present only when the caller may write. */
export interface PaperWrites {
  /** Adds new papers, all or none; ids are generated where absent. */
  create(papers: readonly PaperInput[]): Promise<Paper[]>;
  /** Deletes the paper a name (id, doi:…, arxiv:…) names; returns its id. */
  delete(name: string): Promise<string>;
}

/**
 * What the MCP server needs of the collection, whether the services run in this process or
 * behind a paper-search server reached over HTTP. Names of papers are ids, `doi:<DOI>` or
 * `arxiv:<id>`; failures throw errors carrying the API's codes (see toToolError).
 */
export interface PaperSearchBackend {
  search(request: ListRequest & { query: string; mode?: SearchMode | undefined }): Promise<RankedPaper[]>;
  similar(request: ListRequest & { abstract: string; title?: string | undefined; mode?: SearchMode | undefined }): Promise<RankedPaper[]>;
  related(name: string, request: ListRequest): Promise<RankedPaper[]>;
  recommend(request: ListRequest & { positive: readonly string[]; negative: readonly string[] }): Promise<RankedPaper[]>;
  paper(name: string): Promise<Paper>;
  listPapers(cursor: string | undefined, limit: number): Promise<PaperPageResult>;
  summary(): Promise<CollectionSummary>;
  readonly writes: PaperWrites | undefined;
}

/** The most papers one page of a listing holds (the API's limit), used when walking the collection. */
export const listPageSize = 1_000;

/**
 * Counts per year and category over every paper, a page at a time. A collection changed by
 * writes meanwhile is counted as the pages found it.
 */
export async function countPapers(list: PaperSearchBackend['listPapers']): Promise<Pick<CollectionSummary, 'papers' | 'years' | 'withoutYear' | 'categories'>> {
  const years = new Map<number, number>();
  const categories = new Map<string, number>();
  let papers = 0;
  let withoutYear = 0;
  let cursor: string | undefined;
  do {
    const page = await list(cursor, listPageSize);
    for (const paper of page.papers) {
      papers++;
      if (paper.year === undefined) withoutYear++;
      else years.set(paper.year, (years.get(paper.year) ?? 0) + 1);
      for (const category of new Set(paper.categories ?? [])) categories.set(category, (categories.get(category) ?? 0) + 1);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return { papers, years, withoutYear, categories };
}
