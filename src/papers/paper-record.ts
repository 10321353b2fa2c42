import { z } from 'zod';
import { authorNames, uprightedAuthorName } from './author-names.js';
import { arxivIdFromDoi, identifierNamePrefixes, isArxivCategory, isArxivId, isIdentifierName, normalizeArxivId } from './identifiers.js';
import { pagesFrom, storedPages } from './page-range.js';
import { charactersOf, paperLimits } from './paper-limits.js';
import { publicationTypeOf } from './publication-type.js';
import { normalizeDoi, type Paper } from './paper.js';
import { wholeNumber } from '../shared/whole-number.js';
import { hasLoneSurrogate, hasVisibleText, withoutControlCharacters, withoutLoneSurrogates } from '../shared/unicode.js';

/** Which input field feeds each paper field; the first candidate present in a record wins. */
export interface FieldMap {
  id: readonly string[];
  title: readonly string[];
  abstract: readonly string[];
  authors: readonly string[];
  categories: readonly string[];
  year: readonly string[];
  date: readonly string[];
  doi: readonly string[];
  url: readonly string[];
  arxiv_id: readonly string[];
  type: readonly string[];
  venue: readonly string[];
  volume: readonly string[];
  issue: readonly string[];
  pages: readonly string[];
}

export const defaultFieldMap: FieldMap = {
  // The column names of the bibliographic databases' CSV exports (Lens, Dimensions, Scopus) too:
  // without their record ids, every row of such an export was refused for want of an id.
  id: ['id', '_id', 'lens id', 'publication id', 'eid'],
  title: ['title', 'article title', 'document title'],
  abstract: ['abstract', 'text'],
  // Scopus writes "Authors" ("LeCun Y.; Bengio Y.") and "Author full names" ("LeCun, Yann (7005686596); …"): the full names first.
  authors: ['author full names', 'authors', 'author/s'],
  categories: ['categories', 'keywords', 'author keywords'],
  year: ['year', 'publication year', 'pubyear'],
  date: ['date', 'published', 'first_listed', 'date published', 'publication date'],
  doi: ['doi'],
  url: ['url'],
  arxiv_id: ['arxiv_id', 'arxivId'],
  type: ['type', 'publication_type', 'publication type', 'document type'],
  venue: ['venue', 'journal', 'container_title', 'source title'],
  volume: ['volume'],
  issue: ['issue', 'number', 'issue number'],
  pages: ['pages'],
};

/** "id", "id or _id", "id, _id or eid": the names a field is read from, as a message lists them. */
function eitherOf(names: readonly string[]): string {
  return names.length < 3 ? names.join(' or ') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** Replaces the candidates of the fields named in `overrides` (from --id-field and the like). */
export function withFieldOverrides(overrides: Partial<Record<keyof FieldMap, string | undefined>>): FieldMap {
  const map: Record<keyof FieldMap, readonly string[]> = { ...defaultFieldMap };
  for (const [field, name] of Object.entries(overrides) as [keyof FieldMap, string | undefined][]) {
    if (name) map[field] = [name];
  }
  return map;
}

export type RejectionReason = 'invalid_json' | 'malformed_record' | 'not_an_object' | 'missing_id' | 'missing_abstract' | 'invalid_field' | 'duplicate_id';

export interface MappingOptions {
  /** Accept a record without an abstract if it has a title; it is then indexed by its title alone. */
  allowTitleOnly?: boolean;
}

/** `field` names the input field at fault, where one is. */
export type MappingResult = { ok: true; paper: Paper } | { ok: false; reason: RejectionReason; message: string; field?: string };

/** Validates one input record and turns it into a paper, or says why it cannot be one. */
export function mapRecordToPaper(value: unknown, fields: FieldMap = defaultFieldMap, options: MappingOptions = {}): MappingResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not_an_object', message: 'the record is not an object' };
  }
  const record = value as Record<string, unknown>;
  // A name is matched as written first, then ignoring case and surrounding spaces: exports name
  // their columns "Title", "Abstract", "DOI" (Lens, Dimensions, Scopus), and a column not matched
  // is dropped without a word.
  let keysByFoldedName: Map<string, string> | undefined;
  const keyOf = (name: string): string | undefined => {
    if (name in record) return name;
    keysByFoldedName ??= new Map(
      Object.keys(record)
        .map((key) => [foldedName(key), key] as const)
        .reverse(),
    );
    return keysByFoldedName.get(foldedName(name));
  };
  const pick = (field: keyof FieldMap): { name: string; value: unknown } | undefined => {
    for (const candidateName of fields[field]) {
      const name = keyOf(candidateName);
      if (name === undefined) continue;
      const candidate = record[name];
      // Blank as the API counts blanks: white space, and control and format characters (zero-width
      // spaces, a byte-order mark). An id of format characters is not absent but refused (see paperIdProblem).
      const blank =
        typeof candidate === 'string' &&
        (field === 'id' ? withoutControlCharacters(candidate).trim().length === 0 : !hasVisibleText(withoutControlCharacters(candidate)));
      if (candidate !== undefined && candidate !== null && !blank) return { name, value: candidate };
    }
    return undefined;
  };
  const invalid = (name: string, expected: string): MappingResult => ({
    ok: false,
    reason: 'invalid_field',
    message: `field "${name}" must be ${expected}`,
    field: name,
  });

  /** Parses a present field with its zod schema; a failure names the field and what it must be. */
  const parseField = <Output>(found: { name: string; value: unknown }, field: FieldSchema<Output>): FieldResult<Output> => {
    const parsed = field.schema.safeParse(found.value);
    return parsed.success ? { parsed: true, value: parsed.data } : { parsed: false, failure: invalid(found.name, field.expected) };
  };

  const id = pick('id');
  if (!id) {
    // A column every record of a CSV has, empty in this one: "no DOI field (it has …, DOI)" read as a contradiction.
    const blank = fields.id.map(keyOf).find((name) => name !== undefined);
    const message = blank === undefined ? `no ${eitherOf(fields.id)} field (${fieldsOf(record)})` : `the ${blank} field is empty`;
    return { ok: false, reason: 'missing_id', message };
  }
  const paperId = parseField(id, fieldSchemas.id);
  if (!paperId.parsed) return paperId.failure;
  // Such an id would shadow the paper whose DOI or arXiv id the name stands for.
  if (isIdentifierName(paperId.value)) {
    const message = `an id may not start with ${identifierNamePrefixes.map((prefix) => `"${prefix}"`).join(' or ')}, in any case, nor be a DOI or arXiv link: those name papers by their DOI or arXiv id (give the paper a plain id, and the identifier in its doi or arxiv_id field)`;
    return { ok: false, reason: 'invalid_field', message, field: id.name };
  }

  const abstract = pick('abstract');
  const title = pick('title');
  if (!abstract && !(options.allowTitleOnly && title)) {
    const noTitle = options.allowTitleOnly ? `, and no ${eitherOf(fields.title)} field` : '';
    return { ok: false, reason: 'missing_abstract', message: `no ${eitherOf(fields.abstract)} field${noTitle}` };
  }
  let abstractText = '';
  if (abstract) {
    const parsed = parseField(abstract, fieldSchemas.abstract);
    if (!parsed.parsed) return parsed.failure;
    abstractText = parsed.value;
  }

  const paper: Paper = { id: paperId.value, title: '', abstract: abstractText };
  if (title) {
    const titleText = parseField(title, fieldSchemas.title);
    if (!titleText.parsed) return titleText.failure;
    paper.title = titleText.value;
  }

  for (const field of ['authors', 'categories'] as const) {
    const found = pick(field);
    if (!found) continue;
    const list = parseField(found, fieldSchemas[field]);
    if (!list.parsed) return list.failure;
    if (list.value.length > 0) paper[field] = list.value;
  }

  const date = pick('date');
  if (date) {
    const dateText = parseField(date, fieldSchemas.date);
    if (!dateText.parsed) return dateText.failure;
    paper.date = dateText.value;
  }
  const year = pick('year');
  if (year) {
    const yearNumber = parseField(year, fieldSchemas.year);
    if (!yearNumber.parsed) return yearNumber.failure;
    paper.year = yearNumber.value;
  } else if (paper.date) {
    paper.year = Number(paper.date.slice(0, 4));
  }
  if (paper.date && paper.year !== Number(paper.date.slice(0, 4))) {
    return {
      ok: false,
      reason: 'invalid_field',
      message: `field "${date!.name}" (${paper.date}) contradicts field "${year!.name}" (${paper.year})`,
      field: year!.name,
    };
  }

  for (const field of ['doi', 'url', 'arxiv_id'] as const) {
    const found = pick(field);
    if (!found) continue;
    const text = parseField(found, fieldSchemas[field]);
    if (!text.parsed) return text.failure;
    paper[field] = text.value;
  }
  // What a paper is and where it was published are read from fields that datasets fill in many
  // shapes (a journal as an object, a volume of prose, their own type names): one that cannot be
  // read is left out, not the paper.
  const type = pick('type');
  const kind = typeof type?.value === 'string' ? publicationTypeOf(type.value) : undefined;
  if (kind) paper.type = kind;
  for (const field of ['venue', 'volume', 'issue', 'pages'] as const) {
    const found = pick(field);
    const text = found && publicationSchemas[field].safeParse(found.value);
    if (text?.success && text.data) paper[field] = text.data;
  }
  // The bibliographic databases' CSV exports give the first and last page apart: Scopus's "Page
  // start" and "Page end", Lens's "Start Page" and "End Page"; an article numbered, not paged,
  // has its number in Scopus's "Art. No.".
  if (paper.pages === undefined) {
    const pageText = (...names: string[]) => {
      const name = names.map(keyOf).find((key) => key !== undefined);
      const parsed = name === undefined ? undefined : publicationSchemas.pages.safeParse(record[name]);
      return parsed?.success && parsed.data ? parsed.data : undefined;
    };
    const pages = pagesFrom(pageText('page start', 'start page'), pageText('page end', 'end page')) ?? pageText('art. no.');
    const parsed = pages === undefined ? undefined : publicationSchemas.pages.safeParse(pages);
    if (parsed?.success && parsed.data) paper.pages = parsed.data;
  }
  // The arXiv id a record names without an arxiv_id field: its arXiv DOI (as the BibTeX, RIS and
  // CSL readers take it), or an id that is one.
  const arxivId = paper.arxiv_id ?? arxivIdFromDoi(paper.doi) ?? (isArxivId(paper.id) ? paper.id : undefined);
  if (arxivId) paper.arxiv_id = arxivId;
  return { ok: true, paper };
}

/**
 * Whether a paper's `url` may be this: a web link (http, https, ftp). A reference file's other
 * links (to local attachments, `file:///…` and EndNote's `internal-pdf://…`; Web of Science's
 * `<Go to ISI>://…`; a `javascript:` one, which an app would run) are not, and its readers leave
 * them out rather than refuse the paper.
 */
export function isPaperUrl(value: string): boolean {
  return fieldSchemas.url.schema.safeParse(value).success;
}

/** Whether `id` may be a paper's id as it stands (already trimmed), and if not, what an id must be. */
export function paperIdProblem(id: string): string | undefined {
  return fieldSchemas.id.schema.safeParse(id).success && id === id.trim() ? undefined : fieldSchemas.id.expected;
}

/**
 * Whether text starts with a date that exists: YYYY, YYYY-MM or YYYY-MM-DD (year 1 to 9999, a
 * month 01 to 12, a day that month has, leap years counted), or the same with slashes
 * (2020/03/01, as exports of some databases write it), optionally followed by more (a time),
 * but not by another digit or dash (nor a slash, after slashes).
 */
export function isCalendarDate(text: string): boolean {
  return calendarDatePart(text) !== undefined;
}

/** The date a text starts with, as `isCalendarDate` reads it, written YYYY-MM-DD without what follows it (a time); undefined when there is none. */
function calendarDatePart(text: string): string | undefined {
  // A slash after a dashed date or a year is not a slashed date: an interval's start ("2020-03-01/2020-04-01") or the year is read.
  const match = /^(\d{4})\/(\d{2})(?:\/(\d{2}))?(?![\d/-])/.exec(text) ?? /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?![\d-])/.exec(text);
  if (!match) return undefined;
  const [, yearText, monthText, dayText] = match;
  const [year, month, day] = [Number(yearText), monthText === undefined ? 1 : Number(monthText), dayText === undefined ? 1 : Number(dayText)];
  if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  // Day 0 of the next month is the last day of this one.
  const lastDay = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
  if (day > lastDay) return undefined;
  return [yearText, monthText, dayText].filter((part) => part !== undefined).join('-');
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

type FieldResult<Output> = { parsed: true; value: Output } | { parsed: false; failure: MappingResult };

interface FieldSchema<Output> {
  schema: z.ZodType<Output>;
  /** Completes "field X must be ...". */
  expected: string;
}

/**
 * `split` reads a delimited string; `item` tidies each entry of a list (an inverted author name is
 * turned around). An entry without a letter or digit (";" left by a BibTeX `author = {and and , ;}`)
 * names no one and nothing: it is dropped, as an empty one is.
 */
const stringList = (
  split: (text: string) => string[],
  item: (entry: string) => string,
  most: number,
  itemCharacters: number,
  allCharacters = most * itemCharacters,
): FieldSchema<string[]> => ({
  schema: z
    .union([
      z.string().transform((text) => split(readableText(text)).filter(namesSomething)),
      z.array(z.string()).transform((items) => items.map((entry) => item(readableText(entry).trim())).filter(namesSomething)),
    ])
    .pipe(
      z
        .array(z.string().max(itemCharacters))
        .max(most)
        .refine((entries) => charactersOf(entries) <= allCharacters),
    ),
  expected: `a list of at most ${count(most)} strings or a delimited string, each at most ${count(itemCharacters)} characters${
    allCharacters < most * itemCharacters ? `, ${count(allCharacters)} in all` : ''
  }`,
});

function namesSomething(entry: string): boolean {
  return /[\p{L}\p{N}]/u.test(entry);
}

/**
 * Text as stored: line breaks as `\n` (a Windows file's `\r\n` inside a quoted CSV field was kept
 * whole); no soft hyphens (a PDF's or TeX's hyphenation hint, hy\-phen, split the word for
 * search); control characters (NUL, escapes) dropped, nothing a reader could see and exports
 * would carry them; a lone surrogate (JSON can write `\udc00`) becomes U+FFFD, as every
 * UTF-8 file, BibTeX and RIS export included, would write it, so all formats show the same text.
 */
function readableText(text: string): string {
  return withoutLoneSurrogates(withoutControlCharacters(text.replace(/\r\n?/g, '\n').replace(/\u00ad/g, '')));
}

/** A text field, as stored (see readableText). */
const textField = (characters: number): FieldSchema<string> => ({
  schema: z
    .string()
    .transform((value) => readableText(value).trim())
    .pipe(z.string().max(characters)),
  expected: `a string of at most ${count(characters)} characters`,
});

function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** Each input field's accepted forms and the normalized value it becomes. */
const fieldSchemas = {
  id: {
    schema: z
      .union([z.string(), z.number().finite().transform(String)])
      .pipe(z.string().trim().min(1).max(paperLimits.idCharacters))
      // Ids travel in URLs, logs and files: control characters (a newline, NUL) have no place in
      // one, and a lone surrogate cannot be percent-encoded (the paper could not be named in a URL).
      // An id of format characters alone (zero-width spaces) looks empty wherever it is shown, and
      // "." and ".." are path steps to URL parsers (fetch and browsers drop them from /v1/papers/..).
      .refine((id) => !/\p{Cc}/u.test(id) && !hasLoneSurrogate(id) && /[^\p{Cf}\p{Z}]/u.test(id) && id !== '.' && id !== '..'),
    expected: `a non-empty string (a file's number is read as one), at most ${count(paperLimits.idCharacters)} characters, with a visible character, not "." or "..", without control characters or unpaired surrogates`,
  },
  title: textField(paperLimits.titleCharacters),
  abstract: textField(paperLimits.abstractCharacters),
  arxiv_id: {
    // Stored bare, as `arxiv:` names and links need it: "arXiv:2101.00001" and abs links are read.
    schema: z
      .string()
      .transform((value) => normalizeArxivId(value))
      .refine((value) => isArxivId(value) && value.length <= paperLimits.arxivIdCharacters),
    expected: 'an arXiv id such as 2101.00001, 2101.00001v2 or hep-th/9901001 (an arXiv: prefix or an arxiv.org link is read too)',
  },
  authors: stringList(authorNames, uprightedAuthorName, paperLimits.authors, paperLimits.authorCharacters, paperLimits.authorsCharacters),
  categories: stringList(categoryList, (entry) => entry, paperLimits.categories, paperLimits.categoryCharacters),
  date: {
    // Stored as the date alone, the form the write API takes (a time that follows is dropped), so
    // a file's paper can be written, and written back, through the API.
    schema: z.string().trim().transform(calendarDatePart).pipe(z.string()),
    expected: 'a real date starting YYYY, YYYY-MM or YYYY-MM-DD (year 1 to 9999)',
  },
  year: {
    schema: z.union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)]).pipe(wholeNumber(1, 9999)),
    expected: 'a whole year from 1 to 9999, such as 2024',
  },
  doi: {
    // A DOI is "10.<registrant>/<suffix>"; what is left of an empty link ("https://doi.org/") is not
    // one, nor is a value with a space or a control character inside (links and exports carried them).
    schema: z
      .string()
      .transform((value) => normalizeDoi(value))
      .refine((doi) => /^10\.[^\s/]+\/[^\s\p{Cc}]+$/u.test(doi) && doi.length <= paperLimits.doiCharacters),
    expected: `a DOI such as 10.1145/3292500, bare or as a doi.org link, at most ${count(paperLimits.doiCharacters)} characters`,
  },
  url: {
    // Apps and assistants show it as a link: a javascript: or data: URL would run or show
    // whatever it holds. A bare "www." address is taken as https.
    schema: z
      .string()
      .trim()
      .transform((value) => (/^www\./i.test(value) ? `https://${value}` : value))
      .refine((value) => /^(https?|ftp):\/\/[^\s/?#]+/i.test(value) && URL.canParse(value) && value.length <= paperLimits.urlCharacters),
    expected: `an http, https or ftp URL such as https://arxiv.org/abs/2401.00001, at most ${count(paperLimits.urlCharacters)} characters`,
  },
} satisfies Record<string, FieldSchema<unknown>>;

/**
 * A file's categories in one string: split at `;` and `,`, and at white space only between codes
 * ("cs.CL cs.LG", "hep-th math.AG"), so keywords of several words ("Parkinson's disease") stay whole.
 */
function categoryList(value: string): string[] {
  return value.split(/[,;]/).flatMap((part) => {
    const words = part.trim().split(/\s+/).filter(Boolean);
    return words.length > 1 && words.every(isCategoryCode) ? words : words.length > 0 ? [words.join(' ')] : [];
  });
}

/** A category written as a code: arXiv's (cs.CL, hep-th), or one with a dot or a digit (I.2.7, 68T05); not a hyphenated word (long-term). */
function isCategoryCode(word: string): boolean {
  return isArxivCategory(word) || /[.\d]/.test(word);
}

/** The fields a record has, for a message: an id column named otherwise (paper_id) is then one flag away. */
function fieldsOf(record: Record<string, unknown>): string {
  const names = Object.keys(record);
  if (names.length === 0) return 'it has no field';
  return `it has ${names.slice(0, 10).join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}`;
}

/** A volume, an issue or pages: written as text or as a number (`"volume": 12`), kept as text. */
const locator = z
  .union([z.string(), z.number().finite().transform(String)])
  .transform((value) => readableText(value).trim())
  .pipe(z.string().max(paperLimits.locatorCharacters));

/** Where a paper was published: read leniently (see mapRecordToPaper), so schemas alone, with no message. */
const publicationSchemas = {
  venue: textField(paperLimits.venueCharacters).schema,
  volume: locator,
  issue: locator,
  pages: locator.transform(storedPages),
};

/** A field's name as matched when not written exactly so: case and surrounding spaces ignored. */
function foldedName(name: string): string {
  return name.trim().toLowerCase();
}
