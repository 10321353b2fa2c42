import { givenThenFamily } from '../../papers/author-names.js';
import { arxivIdFromDoi, arxivIdFromMention, arxivIdFromUrl, plainPaperId } from '../../papers/identifiers.js';
import { normalizeDoi } from '../../papers/paper.js';
import { publishedVenue } from '../../papers/preprint-servers.js';
import { publicationTypeOf, venueIsPublisher, type PublicationType } from '../../papers/publication-type.js';
import { definedTexts, isObject, text } from './json-lines.js';
import { htmlToText } from './markup-text.js';
import { referenceType } from './reference-type.js';
import { isoDateText, realDateParts, writtenDate } from './written-dates.js';
import { isPaperUrl } from '../../papers/paper-record.js';

/** CSL 1.0.2's item types: an object whose `type` is one of them, with CSL's own fields, is a CSL item. */
const cslItemTypes: ReadonlySet<string> = new Set([
  'article',
  'article-journal',
  'article-magazine',
  'article-newspaper',
  'bill',
  'book',
  'broadcast',
  'chapter',
  'classic',
  'collection',
  'dataset',
  'document',
  'entry',
  'entry-dictionary',
  'entry-encyclopedia',
  'event',
  'figure',
  'graphic',
  'hearing',
  'interview',
  'legal_case',
  'legislation',
  'manuscript',
  'map',
  'motion_picture',
  'musical_score',
  'pamphlet',
  'paper-conference',
  'patent',
  'performance',
  'periodical',
  'personal_communication',
  'post',
  'post-weblog',
  'regulation',
  'report',
  'review',
  'review-book',
  'software',
  'song',
  'speech',
  'standard',
  'thesis',
  'treaty',
  'webpage',
]);

/** Fields only CSL names so (a paper object of this product has `authors`, `doi`, `url`, `venue`). */
const cslOnlyFields = ['author', 'issued', 'container-title', 'DOI', 'URL', 'citation-key'];

/**
 * Whether a JSON object is a CSL-JSON item (Zotero's, Better BibTeX's and Pandoc's bibliography
 * format): a CSL type and at least one field only CSL spells so. An item with none of those (an
 * abstract alone) is read as a paper unless the input is declared CSL (`--format csl-json`):
 * datasets call journal articles "article" too, which CSL calls preprints.
 */
export function isCslItem(value: Record<string, unknown>): boolean {
  return typeof value.type === 'string' && cslItemTypes.has(value.type) && cslOnlyFields.some((field) => field in value);
}

/**
 * One CSL-JSON item as a record in the canonical field names: the inverse of the CSL-JSON export
 * (see export/csl-json.ts), so an exported file reads back as the papers it was made of.
 */
export function cslItemToRecord(item: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  // An item without an id or key (the CSL-JSON doi.org answers for a Crossref DOI) is named by
  // its DOI as the paper stores it (bare, lower-case), as a RIS record without an ID is.
  const id = typeof item.id === 'number' ? String(item.id) : (text(item.id) ?? text(item['citation-key']));
  const doi = text(item.DOI);
  if (id) record.id = plainPaperId(id);
  else if (doi) record.id = normalizeDoi(doi);
  // CSL's rich text: Zotero writes <i>Escherichia coli</i>, H<sub>2</sub>O and small-caps spans.
  // A title, abstract or author list of another type (an object, a number) is passed on as it
  // is, so the paper schema refuses the record naming the field, rather than storing it without.
  for (const field of ['title', 'abstract'] as const) {
    const value = item[field];
    if (typeof value === 'string') {
      const written = text(value);
      if (written) record[field] = htmlToText(written);
    } else if (value !== undefined && value !== null) {
      record[field] = value;
    }
  }
  if (Array.isArray(item.author)) {
    const authors = item.author.map(cslNameText).filter((name): name is string => name !== undefined);
    if (authors.length > 0) record.authors = authors;
  } else if (item.author !== undefined && item.author !== null) {
    record.authors = item.author;
  }
  // CSL's keyword is one string, separated by semicolons when there is one (the export's choice
  // when a keyword holds a comma: "Carcinoma, Squamous Cell"), else commas. Some writers give a
  // list, of keywords each whole (the export's choice when keywords hold both).
  const written = text(item.keyword);
  const keywords = (Array.isArray(item.keyword) ? item.keyword.map(text) : (written?.split(written.includes(';') ? ';' : ',') ?? []))
    .map((keyword) => keyword?.trim() ?? '')
    .filter(Boolean);
  if (keywords.length > 0) record.categories = [...new Set(keywords)];
  const date = issuedDate(item.issued);
  // A year alone is the paper's year, not a date, as the other readers keep it (an export read back stays as it was).
  if (date?.length === 4) record.year = Number(date);
  else if (date) record.date = date;
  if (doi) record.doi = doi;
  const url = text(item.URL);
  if (url && isPaperUrl(url)) record.url = url;
  const container = firstText(item['container-title']);
  // An arXiv preprint as the export (and Zotero) writes it: publisher arXiv, number "arXiv:<id>";
  // another paper's arXiv id in its note (Zotero's Extra), as the export writes it; Google
  // Scholar's "arXiv preprint arXiv:<id>" as the journal, which Pandoc makes the container title.
  const arxivId =
    arxivIdFromDoi(doi) ??
    arxivIdFromUrl(text(item.URL)) ??
    arxivIdFromMention(text(item.number)) ??
    arxivIdFromMention(text(item.note)) ??
    arxivIdFromMention(container);
  if (arxivId) record.arxiv_id = arxivId;
  // A type is what makes an item CSL, but a list declared CSL-JSON may hold an item without one.
  const named = typeof item.type === 'string' ? cslType(item.type) : undefined;
  const publisher = text(item.publisher);
  const namedVenue = container ?? (named && venueIsPublisher(named) ? publisher : undefined);
  const venue = publishedVenue(namedVenue);
  Object.assign(record, definedTexts({ venue, volume: locator(item.volume), issue: locator(item.issue), pages: locator(item.page) }));
  const type = referenceType(named, { namedVenue: namedVenue ?? publisher, arxivId });
  if (type) record.type = type;
  return record;
}

/** CSL's "article" is a preprint or working paper (CSL has no preprint type); the other names are read as anywhere. */
function cslType(type: string): PublicationType | undefined {
  return type === 'article' ? 'preprint' : publicationTypeOf(type);
}

/** "Given von Family Suffix" from CSL's name parts, or the literal name. */
function cslNameText(name: unknown): string | undefined {
  if (!isObject(name)) return undefined;
  const literal = text(name.literal);
  if (literal) return literal;
  const parts = [name.given, name['dropping-particle'], name['non-dropping-particle'], name.family, name.suffix].map(text);
  if (!parts[1] && !parts[2] && !parts[4]) return givenThenFamily(parts[0] ?? '', parts[3] ?? '') || undefined;
  const present = parts.filter(Boolean);
  return present.length > 0 ? present.join(' ') : undefined;
}

/**
 * YYYY, YYYY-MM or YYYY-MM-DD from the first of `issued`'s date parts, or else from its `raw` or
 * `literal` text (citation.js and some Mendeley exports write "2019-05-03" or "May 2019" there).
 */
function issuedDate(issued: unknown): string | undefined {
  if (typeof issued === 'string') return writtenIssued(issued);
  if (!isObject(issued)) return undefined;
  const parts = Array.isArray(issued['date-parts']) ? issued['date-parts'][0] : undefined;
  if (!Array.isArray(parts) || parts.length === 0) return writtenIssued(text(issued.raw) ?? text(issued.literal));
  const [year, month, day] = parts.map(Number).map((part) => (Number.isInteger(part) ? part : undefined));
  return year === undefined ? undefined : isoDateText(realDateParts({ year, month, day }));
}

function writtenIssued(value: string | undefined): string | undefined {
  const parts = value === undefined ? undefined : writtenDate(value);
  return parts && isoDateText(parts);
}

/** A field some CSL writers give as a list (container-title of citeproc-js's input). */
function firstText(value: unknown): string | undefined {
  return Array.isArray(value) ? value.map(text).find(Boolean) : text(value);
}

function locator(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : text(value);
}
