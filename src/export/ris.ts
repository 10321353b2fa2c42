import { arxivIdFromDoi, arxivIdFromUrl } from '../papers/identifiers.js';
import { arxivAbstractUrl } from '../papers/paper-urls.js';
import { exportedType, fourDigitYear } from './publication.js';
import { pageRange } from '../papers/page-range.js';
import type { Paper } from '../papers/paper.js';
import { venueIsPublisher, type PublicationType } from '../papers/publication-type.js';
import { splitName } from './names.js';
import { singleLine } from './single-line.js';

/** "Last, First, Suffix", as RIS wants names; organisations whole. */
export function risName(displayName: string): string {
  const parts = splitName(displayName);
  if (parts.literal !== undefined) return singleLine(parts.literal);
  return [[parts.particle, parts.family].filter(Boolean).join(' '), parts.given, parts.suffix]
    .filter(Boolean)
    .map((part) => singleLine(part!))
    .join(', ');
}

/**
 * RIS's YYYY/MM/DD, its missing parts left empty between their slashes as the format wants
 * (`2021/03//`, `2021///`); a time after the date is not part of it.
 */
function risDate(date: string): string {
  const [, year, month, day] = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(date) ?? [];
  if (year === undefined) return date;
  return day !== undefined ? `${year}/${month}/${day}` : `${year}/${month ?? ''}//`;
}

/**
 * The reference type (TY) of each kind of publication, as Zotero writes them (EndNote writes a
 * conference paper CPAPER, its CONF being whole proceedings; both read either as a paper).
 */
const referenceTypes: Record<PublicationType, string> = {
  'journal-article': 'JOUR',
  'conference-paper': 'CONF',
  'book-chapter': 'CHAP',
  book: 'BOOK',
  thesis: 'THES',
  report: 'RPRT',
  preprint: 'GEN',
  dataset: 'DATA',
  other: 'GEN',
};

/**
 * One paper as a RIS record of its type (exportedType: a paper without one is JOUR when it has a
 * venue or a non-arXiv DOI, else GEN). The venue is the secondary title (T2: the journal or the
 * book; for a conference paper also C3, where Zotero reads the proceedings), or the publisher (PB,
 * see venueIsPublisher).
 */
export function paperToRis(paper: Paper): string {
  const type = exportedType(paper);
  const range = paper.pages === undefined ? undefined : pageRange(paper.pages);
  const [startPage, endPage] = range ?? [paper.pages, undefined];
  const lines: [string, string | undefined][] = [
    ['TY', referenceTypes[type]],
    ['ID', paper.id],
    ['TI', paper.title || undefined],
    ...(paper.authors ?? []).map((author): [string, string] => ['AU', risName(author)]),
    ['PY', paper.year !== undefined ? fourDigitYear(paper.year) : undefined],
    // A year alone is written as a date too, as Zotero writes it: RIS's date is DA, and readers that
    // follow the format's specification take a conference paper's PY for the conference's year.
    ['DA', paper.date ? risDate(paper.date) : paper.year !== undefined ? `${fourDigitYear(paper.year)}///` : undefined],
    ['AB', paper.abstract || undefined],
    ...(paper.categories ?? []).map((category): [string, string] => ['KW', category]),
    [venueIsPublisher(type) ? 'PB' : 'T2', paper.venue],
    ['C3', type === 'conference-paper' ? paper.venue : undefined],
    ['VL', paper.volume],
    ['IS', paper.issue],
    ['SP', startPage],
    ['EP', endPage],
    ['DO', paper.doi],
    ['UR', paper.url ?? (paper.arxiv_id ? arxivAbstractUrl(paper.arxiv_id) : undefined)],
    // A second link for a paper with its own URL and an arXiv id nothing else gives (RIS has no arXiv tag; readers take every UR).
    ['UR', paper.url && paper.arxiv_id && !arxivIdFromUrl(paper.url) && !arxivIdFromDoi(paper.doi) ? arxivAbstractUrl(paper.arxiv_id) : undefined],
  ];
  const body = lines
    .map(([tag, value]) => [tag, value === undefined ? '' : singleLine(value)] as const)
    .filter(([, value]) => value.length > 0)
    .map(([tag, value]) => `${tag}  - ${value}`);
  return `${body.join('\n')}\nER  - \n`;
}

export function papersToRis(papers: Iterable<Paper>): string {
  return [...papers].map(paperToRis).join('\n');
}
