import { arxivIdFromDoi } from '../papers/identifiers.js';
import type { Paper } from '../papers/paper.js';

/**
 * Whether the exports call a paper published (a journal article) rather than a preprint: it has
 * a venue, or a DOI that is not arXiv's own.
 */
export function isPublished(paper: Paper): boolean {
  return Boolean(paper.venue) || (paper.doi !== undefined && arxivIdFromDoi(paper.doi) === undefined);
}

/**
 * The first and last page of a range of two pages ("117-129", "S12-S15"); undefined for a page
 * alone or any other form ("e1002", "1-5, 7-9"), which the formats keep whole.
 */
export function pageRange(pages: string): [first: string, last: string] | undefined {
  const match = /^(\w*\d\w*)-(\w*\d\w*)$/.exec(pages);
  return match ? [match[1]!, match[2]!] : undefined;
}
