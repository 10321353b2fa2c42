import { arxivIdFromDoi, arxivIdFromUrl } from '../papers/identifiers.js';
import { arxivAbstractUrl } from '../papers/paper-urls.js';
import { exportedType } from './publication.js';
import type { Paper } from '../papers/paper.js';
import { venueIsPublisher, type PublicationType } from '../papers/publication-type.js';
import { splitName } from './names.js';
import { singleLine } from './single-line.js';

/** A CSL-JSON name: parts, or a literal for organisations and unsplittable names. */
export type CslName = { family: string; given?: string; 'non-dropping-particle'?: string; suffix?: string } | { literal: string };

/** The CSL-JSON item fields this export fills (the schema has many more). */
export interface CslItem {
  id: string;
  type: (typeof cslTypes)[PublicationType];
  title?: string;
  author?: CslName[];
  issued?: { 'date-parts': [number, ...number[]][] };
  abstract?: string;
  DOI?: string;
  URL?: string;
  /** One string, as CSL has it; a list when the categories hold both separators. */
  keyword?: string | string[];
  'container-title'?: string;
  volume?: string;
  issue?: string;
  page?: string;
  /** A thesis's university, a report's institution, a book's publisher; for an arXiv preprint, arXiv (as Zotero writes it). */
  publisher?: string;
  /** An arXiv preprint's identifier, as Zotero writes it. */
  number?: string;
  /** Zotero's Extra: another paper's arXiv id (`arXiv:<id>`), which CSL has no field for. */
  note?: string;
}

export function cslName(displayName: string): CslName {
  const parts = splitName(displayName);
  if (parts.literal !== undefined) return { literal: parts.literal };
  return {
    family: parts.family,
    ...(parts.given ? { given: parts.given } : {}),
    ...(parts.particle ? { 'non-dropping-particle': parts.particle } : {}),
    ...(parts.suffix ? { suffix: parts.suffix } : {}),
  };
}

/** [year, month?, day?] from the paper's date, else its year. */
function dateParts(paper: Paper): [number, ...number[]] | undefined {
  const match = paper.date ? /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(paper.date) : null;
  if (match) return [Number(match[1]), ...[match[2], match[3]].filter((part): part is string => part !== undefined).map(Number)];
  return paper.year !== undefined ? [paper.year] : undefined;
}

/** CSL's type of each kind of publication; "article" is CSL's type for preprints. */
const cslTypes = {
  'journal-article': 'article-journal',
  'conference-paper': 'paper-conference',
  'book-chapter': 'chapter',
  book: 'book',
  thesis: 'thesis',
  report: 'report',
  preprint: 'article',
  dataset: 'dataset',
  other: 'document',
} as const satisfies Record<PublicationType, string>;

/**
 * One paper as a CSL-JSON item (what Zotero, Pandoc and citeproc read) of its type (exportedType:
 * a paper without one is "article-journal" when it has a venue or a non-arXiv DOI, else
 * "article"); an arXiv preprint has arXiv as publisher.
 */
export function paperToCslJson(paper: Paper): CslItem {
  const type = exportedType(paper);
  const item: CslItem = { id: paper.id, type: cslTypes[type] };
  if (paper.title) item.title = singleLine(paper.title);
  if (paper.authors && paper.authors.length > 0) item.author = paper.authors.map(cslName);
  const issued = dateParts(paper);
  if (issued) item.issued = { 'date-parts': [issued] };
  if (paper.abstract) item.abstract = singleLine(paper.abstract);
  if (paper.doi) item.DOI = paper.doi;
  const url = paper.url ?? (paper.arxiv_id ? arxivAbstractUrl(paper.arxiv_id) : undefined);
  if (url) item.URL = url;
  if (paper.categories && paper.categories.length > 0) item.keyword = keywordOf(paper.categories);
  if (paper.venue) item[venueIsPublisher(type) ? 'publisher' : 'container-title'] = singleLine(paper.venue);
  if (paper.volume) item.volume = paper.volume;
  if (paper.issue) item.issue = paper.issue;
  if (paper.pages) item.page = paper.pages;
  if (paper.arxiv_id && type === 'preprint') {
    item.publisher = 'arXiv';
    item.number = `arXiv:${paper.arxiv_id}`;
  } else if (paper.arxiv_id && arxivIdFromUrl(url) === undefined && arxivIdFromDoi(paper.doi) === undefined) {
    item.note = `arXiv:${paper.arxiv_id}`;
  }
  return item;
}

/**
 * The categories as CSL's keyword, so that they read back whole: one string joined by commas, or
 * by semicolons when a category holds a comma ("Carcinoma, Squamous Cell"); a list, each whole,
 * when one holds a semicolon (a string with one is read as separated by semicolons).
 */
function keywordOf(categories: readonly string[]): string | string[] {
  const holding = (separator: string) => categories.some((category) => category.includes(separator));
  if (holding(';')) return [...categories];
  return categories.join(holding(',') ? '; ' : ', ');
}
