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
