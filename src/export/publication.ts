import { arxivIdFromDoi } from '../papers/identifiers.js';
import type { Paper } from '../papers/paper.js';

/**
 * Whether the exports call a paper published (a journal article) rather than a preprint: it has
 * a venue, or a DOI that is not arXiv's own.
 */
export function isPublished(paper: Paper): boolean {
  return Boolean(paper.venue) || (paper.doi !== undefined && arxivIdFromDoi(paper.doi) === undefined);
}
