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
 * A year as BibTeX and RIS write it: four digits, as dates are written (0999-05-01). Their readers
 * take a year from its first four digits, so 999 written bare came back as no year.
 */
export function fourDigitYear(year: number): string {
  return String(year).padStart(4, '0');
}
