import { AppError } from '../../errors.js';
import type { Input } from '../input-files.js';
import type { RawRecord } from '../record-readers.js';
import { givenThenFamily, isInvertedPersonName, isOrganisationName } from '../../papers/author-names.js';
import { arxivIdFromDoi, arxivIdFromUrl, plainPaperId, unkeyedRecordId } from '../../papers/identifiers.js';
import { publicationTypeOf, venueIsPublisher } from '../../papers/publication-type.js';
import { pagesFrom } from '../../papers/page-range.js';
import { publishedVenue } from '../../papers/preprint-servers.js';
import { referenceType } from './reference-type.js';
import { isoDateText, writtenDate, type DateParts } from './written-dates.js';
import { textLines, whereReadingStopped } from '../../shared/text-lines.js';
import { isPaperUrl } from '../../papers/paper-record.js';
import { addTagValue, continueLastValue, type TaggedRecord } from './tagged-records.js';

/** "TI  - value": a two-character tag, two spaces (some writers use one), a hyphen. */
const tagLine = /^([A-Z][A-Z0-9])\s{1,2}-(?: (.*))?$/s;

/**
 * RIS (.ris) as reference managers export it: TY opens a record, ER closes it, a line without a
 * tag continues the previous value. A record cut off by the end of the file or by the next TY is
 * reported, not guessed at.
 */
export async function* readRis(input: Input): AsyncGenerator<RawRecord> {
  for (const file of input.files) {
    let open: TaggedRecord | undefined;
    let lineNumber = 0;
    try {
      for await (const rawLine of textLines(file.open(), { windows1252Fallback: true })) {
        lineNumber++;
        const line = (lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine).trimEnd();
        const tagged = tagLine.exec(line);
        if (!tagged) {
          // A continuation line: RIS writers wrap long abstracts and notes.
          continueLastValue(open, line);
          continue;
        }
        const tag = tagged[1]!;
        const value = tagged[2] ?? '';
        if (tag === 'TY') {
          if (open) yield unclosed(open, `the record has no ER line before the next TY at line ${lineNumber}`);
          open = { line: lineNumber, tags: new Map([['TY', [value.trim()]]]) };
        } else if (tag === 'ER') {
          if (open) {
            const record = risRecordToRecord(open.tags);
            yield { position: risPosition(open.line, record.id), value: record };
          }
          open = undefined;
        } else if (open) {
          // A1 is the older name of AU: one list keeps the authors in the order the record gives them.
          addTagValue(open, tag === 'A1' ? 'AU' : tag, value);
        }
      }
    } catch (error) {
      throw new AppError('input_malformed', `Reading ${file.path} stopped ${whereReadingStopped(lineNumber)}: ${(error as Error).message}`);
    }
    if (open) yield unclosed(open, "the file ends before the record's ER line");
  }
}

/** A record cut off before its ER, named by the id it would have had, as a complete record is. */
function unclosed(record: TaggedRecord, message: string): RawRecord {
  return { position: risPosition(record.line, risRecordToRecord(record.tags).id), error: { reason: 'malformed_record', message } };
}

function risPosition(line: number, id: unknown): string {
  return typeof id === 'string' ? `record ${id} (line ${line})` : `line ${line}`;
}

function first(tags: Map<string, string[]>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = tags.get(name)?.find((candidate) => candidate.length > 0);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * One record's tags in the canonical field names. The id is ID, else the DOI, else a hash of
 * title and year (so the same reference imported twice gets the same id).
 */
export function risRecordToRecord(tags: Map<string, string[]>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const title = first(tags, 'TI', 'T1', 'CT', 'BT');
  if (title) record.title = title;
  // Some writers repeat the tag for each line of a long abstract.
  const abstract = ['AB', 'N2'].map((tag) => (tags.get(tag) ?? []).join(' ').trim()).find((text) => text.length > 0);
  if (abstract) record.abstract = abstract;
  // Web of Science writes each author's full name in AF beside AU's initials. Secondary authors
  // (A2) are usually editors: used only when a record names no author.
  const authorTags = tags.has('AF') ? ['AF'] : tags.has('AU') || tags.has('A1') ? ['AU', 'A1'] : ['A2'];
  const authors = authorTags
    .flatMap((tag) => tags.get(tag) ?? [])
    .map(displayName)
    .filter((name) => name.length > 0);
  if (authors.length > 0) record.authors = authors;
  const keywords = (tags.get('KW') ?? []).flatMap((line) => line.split(';').map((keyword) => keyword.trim())).filter((keyword) => keyword.length > 0);
  if (keywords.length > 0) record.categories = [...new Set(keywords)];
  const { year, date } = risDate(tags);
  if (year !== undefined) record.year = year;
  if (date) record.date = date;
  const urls = tags.get('UR') ?? [];
  // EndNote writes the DOI in M3 ("doi:10.1038/171737a0") or only as a doi.org link in UR.
  const doi = first(tags, 'DO') ?? doiIn(tags.get('M3') ?? []) ?? doiIn(urls.filter((candidate) => /^https?:\/\/(?:dx\.)?doi\.org\//i.test(candidate)));
  if (doi) record.doi = doi;
  const url = urls.find((candidate) => /^https?:\/\//i.test(candidate) && isPaperUrl(candidate)) ?? urls.find(isPaperUrl);
  if (url) record.url = url;
  const arxivId = arxivIdFromDoi(doi) ?? urls.map(arxivIdFromUrl).find(Boolean);
  if (arxivId) record.arxiv_id = arxivId;
  // The journal's full name (JF, or T2, the secondary title: also a paper's book), before its
  // abbreviations (JO, JA, J2). A conference paper's proceedings are C3 (Zotero writes the
  // conference's name in T2). A thesis's university, a report's institution, a book's or another
  // work's publisher is PB. A preprint server is not a venue.
  const named = publicationTypeOf(first(tags, 'TY') ?? '');
  const namedVenue =
    (named === 'conference-paper' ? first(tags, 'C3') : undefined) ??
    first(tags, 'JF', 'T2', 'JO', 'JA', 'J2') ??
    (named && venueIsPublisher(named) ? first(tags, 'PB') : undefined);
  const venue = publishedVenue(namedVenue);
  if (venue) record.venue = venue;
  const type = referenceType(named, { namedVenue, arxivId });
  if (type) record.type = type;
  const volume = first(tags, 'VL');
  if (volume) record.volume = volume;
  const issue = first(tags, 'IS');
  if (issue) record.issue = issue;
  const [startPage, endPage] = [first(tags, 'SP'), first(tags, 'EP')];
  // An article numbered, not paged, has its number in C7 (EndNote's, Scopus's and Web of
  // Science's "Article Number"; C7 is another custom field in other reference types).
  const articleNumber = named === 'journal-article' || named === 'conference-paper' ? first(tags, 'C7') : undefined;
  const pages = pagesFrom(startPage, endPage) ?? articleNumber;
  if (pages) record.pages = pages;
  // Without an ID, Web of Science's accession number (AN  - WOS:…) names the record, as its plain-text
  // export's UT does, so the two exports of a record read as one paper; else the DOI as the paper
  // stores it (bare), not as the DO line wrote it (a link, doi:…). Another writer's AN, an
  // accession number of another database, is not taken.
  const key = first(tags, 'ID') ?? (tags.get('AN') ?? []).find((accession) => /^WOS:\S+$/.test(accession));
  const id = (key === undefined ? undefined : plainPaperId(key)) ?? unkeyedRecordId('ris', { doi, title, year });
  if (id) record.id = id;
  return record;
}

/** The first of `values` that holds a DOI, bare, a doi: name or a doi.org link. */
function doiIn(values: readonly string[]): string | undefined {
  for (const value of values) {
    const found = /(?:^|[\s:/])(10\.\d{4,9}\/\S+)/.exec(value)?.[1];
    if (found) return found;
  }
  return undefined;
}

/**
 * RIS names are "Last, First, Suffix"; shown as "First Last Suffix" (family first and unspaced in
 * Chinese, Japanese and Korean, as every format writes them: 山田, 太郎 → 山田太郎). An organisation's name
 * ("Google, Inc.", "National Academies of Sciences, Engineering, and Medicine") is kept as written.
 */
function displayName(name: string): string {
  // Split at commas and trimmed, not at /\s*,\s*/: that pattern retries from every space of a long
  // run of them (a name of 160,000 spaces took seconds).
  const parts = name.split(',').map((part) => part.trim());
  if (parts.length > 1 && (isOrganisationName(name) || !isInvertedPersonName(parts))) return name.trim();
  const [last = '', first = '', suffix] = parts;
  return [givenThenFamily(first, last), suffix].filter((part) => part !== undefined && part.length > 0).join(' ');
}

/**
 * DA (YYYY/MM/DD) is the date; PY and Y1 are a year, or "YYYY/MM/DD/other" in the older form.
 * The most precise of them wins. Web of Science writes DA as its month and day alone ("JUN 21",
 * beside PY 2021): read with the year of PY or Y1, to the month, as its own export's PD is.
 */
function risDate(tags: Map<string, string[]>): { year?: number; date?: string } {
  let best: (DateParts & { precision: number }) | undefined;
  for (const tag of ['DA', 'PY', 'Y1']) {
    const value = first(tags, tag);
    const parts = value === undefined ? undefined : writtenDate(value);
    if (!parts) continue;
    const precision = parts.day ? 3 : parts.month ? 2 : 1;
    if (!best || precision > best.precision) best = { ...parts, precision };
  }
  if (!best) return {};
  const dayAndMonth = first(tags, 'DA');
  if (!best.month && dayAndMonth !== undefined && writtenDate(dayAndMonth) === undefined) {
    const month = writtenDate(`${best.year} ${dayAndMonth}`)?.month;
    if (month) best = { year: best.year, month, precision: 2 };
  }
  return best.month ? { year: best.year, date: isoDateText(best) } : { year: best.year };
}
