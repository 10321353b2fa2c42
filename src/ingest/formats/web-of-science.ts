import { AppError } from '../../errors.js';
import type { Input } from '../input-files.js';
import type { RawRecord } from '../record-readers.js';
import { uprightedAuthorName } from '../../papers/author-names.js';
import { arxivIdFromDoi } from '../../papers/identifiers.js';
import { pagesFrom } from '../../papers/page-range.js';
import { publishedVenue } from '../../papers/preprint-servers.js';
import type { PublicationType } from '../../papers/publication-type.js';
import { isoDateText, writtenDate } from './written-dates.js';
import { textLines, whereReadingStopped } from '../../shared/text-lines.js';
import { addTagValue, continueLastValue, tagValues, type TaggedRecord } from './tagged-records.js';

/** "PT J", "AU Smith, J", "ER": a two-character tag, then a space and the value, if any. */
const tagLine = /^([A-Z][A-Z0-9])(?: (.*))?$/s;

/** The tags the tab-delimited export needs to be told from any other tab-separated file. */
const tabHeaderTags = ['PT', 'AU', 'TI', 'UT'];

/**
 * Tags whose wrapped lines are values of their own (one author, address or reference a line), not
 * the rest of one value; the tab-delimited export writes them joined by "; ".
 */
const listTags = new Set(['AU', 'AF', 'BA', 'BF', 'BE', 'CA', 'GP', 'C1', 'CR']);

/**
 * Whether a file's first lines are Web of Science's: its plain-text export ("FN Clarivate Analytics
 * Web of Science", "VR 1.0", then records opening with "PT J"), or its tab-delimited export (a
 * header of two-character tags: PT, AU, …, TI, …, UT).
 */
export function isWebOfScience(head: string): boolean {
  const lines = head
    .replace(/^\uFEFF/, '')
    .split(/\r?\n|\r/, 4)
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0);
  const [first = '', second = ''] = lines;
  if (/^FN \S/.test(first)) return /^VR \S/.test(second);
  if (/^PT [A-Z]$/.test(first)) return tagLine.test(second);
  return isTabHeader(first);
}

function isTabHeader(line: string): boolean {
  const columns = line.split('\t').map((column) => column.trim());
  return columns.length > 1 && tabHeaderTags.every((tag) => columns.includes(tag));
}

/**
 * Web of Science's exports, "Plain text file" and "Tab delimited file" (both saved as
 * savedrecs.txt), told apart by their first line. In the plain text a record runs from PT to ER
 * and a line indented by three spaces continues the tag above; the tab-delimited file is a header
 * of tags and a line a record, unquoted.
 */
export async function* readWebOfScience(input: Input): AsyncGenerator<RawRecord> {
  for (const file of input.files) {
    let lineNumber = 0;
    /** The tab-delimited export's header; undefined for the plain text. */
    let columns: string[] | undefined;
    /** The plain text's record being read. */
    let open: TaggedRecord | undefined;
    try {
      for await (const rawLine of textLines(file.open(), { windows1252Fallback: true })) {
        lineNumber++;
        const line = (lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine).trimEnd();
        if (lineNumber === 1 && isTabHeader(line)) columns = line.split('\t').map((column) => column.trim());
        else if (columns) {
          if (line.trim().length > 0) yield recordOf(tabDelimitedRecord(columns, line, lineNumber));
        } else open = yield* plainTextLine(open, line, lineNumber);
      }
    } catch (error) {
      throw new AppError('input_malformed', `Reading ${file.path} stopped ${whereReadingStopped(lineNumber)}: ${(error as Error).message}`);
    }
    if (open) yield { position: recordOf(open).position, error: { reason: 'malformed_record', message: "the file ends before the record's ER line" } };
  }
}

/** One line of the plain text read into the record being read, which it yields at ER; returns the record read from then on. */
function* plainTextLine(open: TaggedRecord | undefined, line: string, lineNumber: number): Generator<RawRecord, TaggedRecord | undefined> {
  if (line.length === 0) return open;
  const tagged = /^\s/.test(line) ? null : tagLine.exec(line);
  if (!tagged) {
    if (open?.lastTag !== undefined && listTags.has(open.lastTag)) addTagValue(open, open.lastTag, line);
    else continueLastValue(open, line);
    return open;
  }
  const [, tag = '', value = ''] = tagged;
  if (tag === 'ER') {
    if (open) yield recordOf(open);
    return undefined;
  }
  // FN, VR and EF stand outside records: the file's header and end.
  if (!open && (tag === 'FN' || tag === 'VR' || tag === 'EF')) return undefined;
  const record = open ?? { line: lineNumber, tags: new Map<string, string[]>() };
  addTagValue(record, tag, value);
  return record;
}

/** One line of the tab-delimited export: its cells under the header's tags, the authors' parted at ";". */
function tabDelimitedRecord(columns: readonly string[], row: string, lineNumber: number): TaggedRecord {
  const record: TaggedRecord = { line: lineNumber, tags: new Map() };
  row.split('\t').forEach((cell, column) => {
    const tag = columns[column];
    if (tag === undefined || !/^[A-Z][A-Z0-9]$/.test(tag) || cell.trim().length === 0) return;
    const values = listTags.has(tag) ? cell.split(';') : [cell];
    for (const value of values) if (value.trim().length > 0) addTagValue(record, tag, value);
  });
  return record;
}

function recordOf(record: TaggedRecord): RawRecord {
  const value = webOfScienceRecordToRecord(record.tags);
  return { position: typeof value.id === 'string' ? `record ${value.id} (line ${record.line})` : `line ${record.line}`, value };
}

/**
 * One record's tags in the canonical field names. The id is the accession number (UT,
 * `WOS:000468736000038`); the authors are the full names (AF), else the initials (AU), then the
 * group authors (CA); the categories are the author keywords (DE), then the Web of Science
 * categories (WC).
 */
function webOfScienceRecordToRecord(tags: Map<string, string[]>): Record<string, unknown> {
  const { all, first } = tagValues(tags);
  const record: Record<string, unknown> = {};
  const accession = first('UT');
  if (accession) record.id = accession;
  const title = first('TI');
  if (title) record.title = title;
  const abstract = all('AB').join(' ');
  if (abstract) record.abstract = abstract;
  const people = all('AF').length > 0 ? all('AF') : all('AU');
  const authors = [...people.map(uprightedAuthorName), ...all('CA')];
  if (authors.length > 0) record.authors = authors;
  const terms = [...all('DE'), ...all('WC')].flatMap((value) => value.split(';').map((term) => term.trim()));
  const categories = [...new Set(terms.filter((term) => term.length > 0))];
  if (categories.length > 0) record.categories = categories;
  const year = first('PY');
  // PD is the month and day, or a season: "JUN 21", "JUN", "SPR". A record in early access has
  // no PY yet, only the date it went online (EA, "JUN 2021").
  const earlyAccess = first('EA');
  const date = year !== undefined ? writtenDate(`${year} ${first('PD') ?? ''}`.trim()) : earlyAccess !== undefined ? writtenDate(earlyAccess) : undefined;
  if (date) {
    record.year = date.year;
    if (date.month) record.date = isoDateText({ year: date.year, month: date.month });
  }
  const doi = first('DI');
  if (doi) record.doi = doi;
  const arxivId = arxivIdFromDoi(doi);
  if (arxivId) record.arxiv_id = arxivId;
  const namedVenue = first('SO');
  const venue = publishedVenue(namedVenue);
  if (venue) record.venue = venue;
  const type = namedVenue !== undefined && venue === undefined ? 'preprint' : publicationType(first('PT'), all('DT').join('; '));
  if (type) record.type = type;
  const volume = first('VL');
  if (volume) record.volume = volume;
  const issue = first('IS');
  if (issue) record.issue = issue;
  // "EP +" stands for pages not counted; an article numbered, not paged, has its number in AR.
  const lastPage = first('EP');
  const pages = pagesFrom(first('BP'), lastPage === '+' ? undefined : lastPage) ?? first('AR');
  if (pages) record.pages = pages;
  return record;
}

/**
 * PT is the kind of source (J a journal, C a conference, B a book, S a book series, P a patent);
 * DT the kind of item, "Article; Proceedings Paper" for a paper of a journal's proceedings issue.
 */
function publicationType(source: string | undefined, documentType: string): PublicationType | undefined {
  const kinds = documentType.toLowerCase();
  if (kinds.includes('preprint')) return 'preprint';
  if (kinds.includes('proceedings paper') || source === 'C') return 'conference-paper';
  if (kinds.includes('book chapter')) return 'book-chapter';
  if (kinds.includes('data set') || kinds.includes('data study')) return 'dataset';
  if (source === 'B' || kinds === 'book') return 'book';
  if (source === 'J') return 'journal-article';
  return undefined;
}
