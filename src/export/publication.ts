import { arxivIdFromDoi } from '../papers/identifiers.js';
import type { Paper } from '../papers/paper.js';
import type { PublicationType } from '../papers/publication-type.js';

/**
 * The kind of publication the exports write a paper as: its stored type, else a journal article
 * when it has a venue or a DOI that is not arXiv's own, else a preprint.
 */
export function exportedType(paper: Paper): PublicationType {
  if (paper.type) return paper.type;
  return paper.venue || (paper.doi !== undefined && arxivIdFromDoi(paper.doi) === undefined) ? 'journal-article' : 'preprint';
}

/**
 * The first and last page of a range of two pages ("117-129", "S12-S15"); undefined for a page
 * alone or any other form ("e1002", "1-5, 7-9"), which the formats keep whole.
 */
export function pageRange(pages: string): [first: string, last: string] | undefined {
  const match = /^(\w*\d\w*)-(\w*\d\w*)$/.exec(pages);
  return match ? [match[1]!, match[2]!] : undefined;
}
