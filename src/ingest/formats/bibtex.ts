import type { Creator } from '@retorquere/bibtex-parser';
import type { Input } from '../input-files.js';
import type { RawRecord } from '../record-readers.js';
import { lettersAndDigits } from '../../shared/unicode.js';
import { bibtexNames } from './bibtex-names.js';
import { readBibtexEntries, type BibtexEntry } from './bibtex-syntax.js';
import { citationKey } from '../../papers/citation-key.js';
import { arxivIdFromDoi, arxivIdFromMention, arxivIdFromUrl, isArxivId, plainPaperId, unkeyedRecordId } from '../../papers/identifiers.js';
import { paperLimits } from '../../papers/paper-limits.js';
import { publishedVenue } from '../../papers/preprint-servers.js';
import { monthNamedIn } from './month-names.js';
import { isoDateText, writtenDate } from './written-dates.js';
import { referenceType } from './reference-type.js';
import { publicationTypeOf, venueIsPublisher } from '../../papers/publication-type.js';
import { journalOfMacro } from './journal-macros.js';
import { isPaperUrl } from '../../papers/paper-record.js';
import {
  cleanLibraryText,
  convertWithLibrary,
  loadBibtexLibrary,
  simpleTexToText,
  simpleText,
  textsToText,
  texToText,
  type LibraryFieldValue,
} from './tex-text.js';

type LibraryParse = Awaited<ReturnType<typeof loadBibtexLibrary>>;

/**
 * BibTeX and BibLaTeX (.bib) as Zotero, Better BibTeX, Mendeley, JabRef and Google Scholar write
 * it: one record per entry, id = citation key, positioned by key and line.
 */
export async function* readBibtex(input: Input): AsyncGenerator<RawRecord> {
  const parse = await loadBibtexLibrary();
  for (const file of input.files) {
    for await (const item of readBibtexEntries(file.open())) {
      if (item.problem) {
        const { key, line, message } = item.problem;
        yield { position: entryPosition(key, line), error: { reason: 'malformed_record', message } };
        continue;
      }
      const position = entryPosition(item.entry.key, item.entry.line);
      const overlong = overlongField(item.entry);
      if (overlong) yield { position, error: { reason: 'malformed_record', message: overlong } };
      else yield { position, value: bibtexEntryToRecord(parse, item.entry) };
    }
  }
}

/**
 * The longest field read: twice the longest text a paper may hold (its abstract), room for the
 * TeX of such a text. A longer one is refused before its TeX is converted, which costs several
 * microseconds a character (and a file reusing a long macro could have made it do so at every entry).
 */
const maxFieldCharacters = 2 * paperLimits.abstractCharacters;

/**
 * The longest TeX read for the fields that become short texts: twice the text's limit, the room
 * the abstract has. A longer one cannot become a text within the limit, and converting it first
 * cost as much as an abstract: an entry whose title, venue, volume, number, pages and keywords
 * held 200,000 characters of math each held the server's one thread for over a minute.
 */
const shortFieldCharacters: Readonly<Record<string, number>> = {
  title: 2 * paperLimits.titleCharacters,
  // At most 100 keywords, each at most 128 characters and a separator.
  keywords: 2 * paperLimits.categories * (paperLimits.categoryCharacters + 2),
  author_keywords: 2 * paperLimits.categories * (paperLimits.categoryCharacters + 2),
};
const venueFields = new Set(['journal', 'journaltitle', 'booktitle', 'school', 'institution', 'publisher']);
const locatorFields = new Set(['volume', 'number', 'issue', 'pages', 'eid', 'art_number']);

function overlongField(entry: BibtexEntry): string | undefined {
  for (const [name, value] of entry.fields) {
    if (value.length > maxFieldCharacters) return `field ${name} has ${value.length.toLocaleString('en')} characters, more than any field a paper may have`;
    if (name === 'author') {
      // Split at every " and ", braces or not: a braced one only makes the parts shorter, so no
      // name within its room is refused. One name of 200,000 characters of math held the thread 30 s.
      const longest = Math.max(...value.split(/\s+and\s+/i).map((part) => part.length));
      if (longest > 2 * paperLimits.authorCharacters) {
        return `field author has a name of ${longest.toLocaleString('en')} characters, more than an author's name may have even as TeX (${(2 * paperLimits.authorCharacters).toLocaleString('en')})`;
      }
    }
    const most = shortFieldCharacters[name];
    if (most !== undefined && value.length > most) {
      return `field ${name} has ${value.length.toLocaleString('en')} characters, more than a paper's ${name} may have even as TeX (${most.toLocaleString('en')})`;
    }
  }
  return undefined;
}

/**
 * The entry's fields without a venue, volume, number or pages longer than twice its limit (see
 * shortFieldCharacters): such a field cannot be read, so it is left out, as one that cannot be
 * read is, rather than rejecting the entry; and its TeX is not converted.
 */
function withinRoom(fields: Map<string, string>): Map<string, string> {
  const kept = new Map<string, string>();
  for (const [name, value] of fields) {
    const most = venueFields.has(name) ? 2 * paperLimits.venueCharacters : locatorFields.has(name) ? 2 * paperLimits.locatorCharacters : Infinity;
    if (value.length <= most) kept.set(name, value);
  }
  return kept;
}

function entryPosition(key: string | undefined, line: number): string {
  return key ? `entry ${key} (line ${line})` : `line ${line}`;
}

/** The fields that carry TeX worth converting; the rest are identifiers and numbers. */
const textFields = ['title', 'abstract', 'venue', 'volume', 'issue', 'pages'] as const;

/** Under names the library gives no meaning of its own: each is converted as plain TeX text. */
const libraryFieldName = { title: 'title', abstract: 'abstract', venue: 'venue', volume: 'volumetext', issue: 'issuetext', pages: 'pagestext' } as const;

/** One entry as a record in the canonical field names (see papers/paper-record.ts). */
export function bibtexEntryToRecord(parse: LibraryParse, entry: BibtexEntry): Record<string, unknown> {
  const fields = withinRoom(entry.fields);
  const record: Record<string, unknown> = {};
  if (entry.key) record.id = plainPaperId(entry.key);
  const named = publicationTypeOf(entry.type);

  // Zotero's own exporter writes the abstract as abstractNote.
  const raw: Record<(typeof textFields)[number], string | undefined> = {
    title: fields.get('title'),
    abstract: fields.get('abstract') ?? fields.get('abstractnote'),
    // BibLaTeX names a journal journaltitle; a paper in proceedings or a book has a booktitle; a
    // thesis has a school, a report an institution, a book or another work a publisher.
    venue:
      journalOfMacro(fields.get('journal') ?? '') ??
      fields.get('journal') ??
      fields.get('journaltitle') ??
      // A book's own title repeated as its booktitle (Zotero writes one) is not where it was published.
      (named && venueIsPublisher(named) && isOwnTitle(fields.get('booktitle'), fields.get('title')) ? undefined : fields.get('booktitle')) ??
      (named && venueIsPublisher(named) ? (fields.get('school') ?? fields.get('institution') ?? fields.get('publisher')) : undefined),
    volume: fields.get('volume'),
    issue: fields.get('number') ?? fields.get('issue'),
    // An article numbered, not paged: Scopus's art_number, BibLaTeX's eid. Scopus writes its own
    // record id (2-s2.0-…) as eid too, which is no article number.
    pages: fields.get('pages') ?? fields.get('art_number') ?? articleEid(fields.get('eid')),
  };
  const forLibrary: Record<string, string> = {};
  const plain: Record<string, string> = {};
  for (const name of textFields) {
    const value = raw[name];
    if (value === undefined) continue;
    const text = simpleTexToText(value);
    if (text !== undefined) plain[name] = text;
    else forLibrary[libraryFieldName[name]] = value;
  }
  const author = fields.get('author');
  const simpleAuthors = author === undefined ? undefined : bibtexNames(author);
  if (author !== undefined && simpleAuthors === undefined) forLibrary.author = author;

  const converted = Object.keys(forLibrary).length > 0 ? convertFields(parse, forLibrary) : {};
  const title = plain.title ?? asText(converted.title);
  const abstract = plain.abstract ?? asText(converted.abstract);
  if (title) record.title = title;
  if (abstract) record.abstract = abstract;
  // Scopus writes the authors' keywords as author_keywords, and its own indexing terms ("article",
  // "human") as keywords.
  const keywords = keywordsOf(parse, fields.get('author_keywords') ?? fields.get('keywords'));
  if (keywords.length > 0) record.categories = keywords;
  const authors =
    simpleAuthors ??
    asCreators(converted.author)
      .map(displayName)
      .filter((name): name is string => name !== undefined);
  if (authors.length > 0) record.authors = authors;
  const namedVenue = plain.venue ?? asText(converted.venue);
  const venue = publishedVenue(namedVenue);
  if (venue) record.venue = venue;
  for (const field of ['volume', 'issue', 'pages'] as const) {
    const text = plain[field] ?? asText(converted[libraryFieldName[field]]);
    if (text) record[field] = text;
  }

  const date = entryDate(fields);
  Object.assign(record, date);
  // The export percent-encodes a DOI's braces, which would end the field (a URL reads the same
  // either way; a DOI compared as text does not: 10.1000/ab}c came back as 10.1000/ab%7dc).
  const doi = verbatim(firstDoi(fields.get('doi')))
    ?.replace(/%7B/gi, '{')
    .replace(/%7D/gi, '}');
  if (doi) record.doi = doi;
  // A key the export made of a DOI that was the paper's id ("10.1016/s0140-6736(19)30000-1" keyed
  // "10.1016/s0140-6736_19_30000-1"): the id was the DOI, and reads back so.
  if (doi && entry.key && entry.key !== doi && entry.key === citationKey(doi)) record.id = doi;
  // An entry saved without a key (JabRef saves `@article{,` for one never given a key) is named as a
  // RIS record without an ID is: by its DOI, else by its title and year, the same on every import.
  const unkeyedId = entry.key ? undefined : unkeyedRecordId('bibtex', { doi, title, year: date.year });
  if (unkeyedId) record.id = unkeyedId;
  const url = [verbatim(firstUrl(fields.get('url'))), urlCommand(fields.get('howpublished')), urlCommand(fields.get('note'))].find(
    (candidate) => candidate !== undefined && isPaperUrl(candidate),
  );
  if (url) record.url = url;
  const arxivId = entryArxivId(fields, doi, url);
  if (arxivId) record.arxiv_id = arxivId;
  // A preprint server may be named as the publisher of any entry (`@article{…, publisher = {arXiv}}`).
  const publisher = fields.get('publisher');
  const type = referenceType(named, { namedVenue: namedVenue ?? (publisher === undefined ? undefined : simpleText(publisher)), arxivId });
  if (type) record.type = type;
  return record;
}

/** BibLaTeX's eid (an article number), unless it is a Scopus record id (2-s2.0-85107890123). */
function articleEid(eid: string | undefined): string | undefined {
  return eid === undefined || /^\s*2-s2\.0-\d+\s*$/.test(eid) ? undefined : eid;
}

/**
 * The keywords of a `keywords` field, split at commas and semicolons outside braces: a braced
 * keyword keeps its comma (`{Carcinoma, Squamous Cell}`, a MeSH heading, as the export writes it).
 */
function keywordsOf(parse: LibraryParse, value: string | undefined): string[] {
  if (value === undefined) return [];
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '\\') i++;
    else if (char === '{') depth++;
    else if (char === '}') depth--;
    else if ((char === ',' || char === ';') && depth === 0) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return [...new Set(textsToText(parse, parts).filter(Boolean))];
}

/** One library call for the entry; if the library rejects the TeX, field by field with fallbacks. */
function convertFields(parse: LibraryParse, fields: Record<string, string>): Record<string, LibraryFieldValue | undefined> {
  const together = convertWithLibrary(parse, fields);
  if (together) return together;
  const separately: Record<string, LibraryFieldValue | undefined> = {};
  for (const [name, value] of Object.entries(fields)) {
    separately[name] = name === 'author' ? (convertWithLibrary(parse, { author: value })?.author ?? fallbackCreators(value)) : texToText(parse, value);
  }
  return separately;
}

function isOwnTitle(booktitle: string | undefined, title: string | undefined): boolean {
  return booktitle !== undefined && title !== undefined && lettersAndDigits(booktitle) === lettersAndDigits(title);
}

function asText(value: LibraryFieldValue | undefined): string | undefined {
  if (typeof value === 'string') return cleanLibraryText(value);
  return undefined;
}

function asCreators(value: LibraryFieldValue | undefined): Creator[] {
  return Array.isArray(value) ? value.filter((item): item is Creator => typeof item === 'object') : [];
}

/** "First von Last Jr." or an institution's name; "and others" is not an author. */
function displayName(creator: Creator): string | undefined {
  const parts = creator.name !== undefined ? [creator.name] : [creator.firstName, creator.prefix, creator.lastName, creator.suffix];
  const name = cleanLibraryText(parts.filter((part) => part !== undefined && part.trim().length > 0).join(' '));
  return name.length > 0 && name.toLowerCase() !== 'others' ? name : undefined;
}

/** Names the library could not parse: split at "and", "Last, First" turned around, TeX dropped. */
function fallbackCreators(tex: string): Creator[] {
  return tex.split(/\s+and\s+/).map((name) => {
    const [last, first] = name.split(/,\s*/, 2);
    return { name: simpleText((first ? `${first} ${last}` : name).replace(/\\[A-Za-z]+|\\./g, '')) };
  });
}

/**
 * BibLaTeX's `date` (YYYY, YYYY-MM, YYYY-MM-DD, or a range whose start is taken; a season or a day
 * 00 only as precise as it is a real date), else year and month. A `date` whose year is not
 * `year` wins, as in biber: an article online in 2020 and in an issue of 2021 is dated 2020 (the
 * whole entry was refused).
 */
function entryDate(fields: Map<string, string>): { date?: string; year?: number } {
  const dateText = simpleText(fields.get('date') ?? '');
  const dateParts = /^\d{4}(?!\d)/.test(dateText) ? writtenDate(dateText) : undefined;
  const date = dateParts && isoDateText(dateParts);
  // "2020a" (a citation-style suffix) and "2019--2020" start with their year; "in press" names none.
  const yearText = /^(\d{4})(?!\d)/.exec(simpleText(fields.get('year') ?? ''))?.[1];
  const year = yearText ? Number(yearText) : undefined;
  if (date) return { date, ...(year !== undefined && year === dateParts.year ? { year } : {}) };
  if (year === undefined) return {};
  // "jun", "June", "6", and with a day too: `jun # "~15"` (read as "6 15") or `{15 June}`.
  const monthText = simpleText(fields.get('month') ?? '').toLowerCase();
  const leading = /^(\d{1,2})(?!\d)/.exec(monthText)?.[1];
  const month = monthNamedIn(monthText) ?? (leading !== undefined ? Number(leading) : 0);
  return month >= 1 && month <= 12 ? { year, date: `${year}-${String(month).padStart(2, '0')}` } : { year };
}

/** DOIs and URLs are verbatim in BibTeX, but exporters escape TeX specials in them anyway. */
function verbatim(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const unwrapped = /^\s*\\url\{(.*)\}\s*$/s.exec(value)?.[1] ?? value;
  const clean = unwrapped.replace(/\\([_%#&$~])/g, '$1').replace(/[{}\s]/g, '');
  return clean.length > 0 ? clean : undefined;
}

/** The first of several URLs a field lists, space-separated (as Mendeley writes a PDF's and a page's): verbatim joined them into one. */
function firstUrl(value: string | undefined): string | undefined {
  return value?.trim().split(/\s+(?=(?:https?|ftp):\/\/)/i)[0];
}

/**
 * The first of several DOIs a field lists (`10.1000/a 10.1000/b`, as some exports give a paper's
 * DOI and its erratum's), as the arXiv snapshot reader keeps; one DOI broken across lines is
 * joined again by verbatim.
 */
function firstDoi(value: string | undefined): string | undefined {
  const dois = value?.split(/[\s,;]+/).filter((part) => /^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)?10\./i.test(part));
  return dois !== undefined && dois.length > 1 ? dois[0] : value;
}

/** The argument of the first `\url{…}` in a field, to its matching brace (`\url{http://host/{\~{}}user}` whole). */
function urlCommand(value: string | undefined): string | undefined {
  const start = value?.indexOf('\\url{') ?? -1;
  if (value === undefined || start === -1) return undefined;
  let depth = 0;
  for (let at = start + '\\url'.length; at < value.length; at++) {
    if (value[at] === '\\') at++;
    else if (value[at] === '{') depth++;
    else if (value[at] === '}' && --depth === 0) return verbatim(value.slice(start + '\\url{'.length, at));
  }
  return undefined;
}

/**
 * `eprint` with `archivePrefix = arXiv` (BibTeX) or `eprinttype = arxiv` (BibLaTeX), Mendeley's
 * `arxivId`, an eprint that is plainly an arXiv id, arXiv's DOI, an arxiv.org URL, or
 * Google Scholar's "arXiv preprint arXiv:…" journal.
 */
function entryArxivId(fields: Map<string, string>, doi: string | undefined, url: string | undefined): string | undefined {
  const eprint = verbatim(fields.get('eprint'))?.replace(/^arxiv:/i, '');
  const archive = simpleText(fields.get('archiveprefix') ?? fields.get('eprinttype') ?? '').toLowerCase();
  if (eprint && (archive === 'arxiv' || (archive === '' && isArxivId(eprint)))) return eprint;
  const mendeley = verbatim(fields.get('arxivid'))?.replace(/^arxiv:/i, '');
  if (mendeley && isArxivId(mendeley)) return mendeley;
  return (
    arxivIdFromDoi(doi) ??
    arxivIdFromUrl(url) ??
    arxivIdFromMention(fields.get('journal')) ??
    arxivIdFromMention(fields.get('journaltitle')) ??
    arxivIdFromMention(fields.get('note')) ??
    arxivIdFromMention(fields.get('howpublished'))
  );
}
