import type { Input } from '../input-files.js';
import type { RawRecord } from '../record-readers.js';
import { convertJsonLines, isObject, readInputJsonLines, text } from './json-lines.js';
import { loadBibtexLibrary, textsToText, texToText } from './tex-text.js';

type LibraryParse = Awaited<ReturnType<typeof loadBibtexLibrary>>;

/**
 * arXiv's metadata snapshot (Kaggle's arxiv-metadata-oai-snapshot.json): JSON lines despite the
 * .json name, TeX in titles, abstracts and names, hard line breaks everywhere.
 */
export async function* readArxivSnapshot(input: Input): AsyncGenerator<RawRecord> {
  const parse = await loadBibtexLibrary();
  yield* convertJsonLines(readInputJsonLines(input), (value, position) => {
    const id = isObject(value) ? text(value.id) : undefined;
    return [{ position: id ? `${position} (${id})` : position, value: arxivSnapshotToRecord(parse, value) }];
  });
}

/** Whether a parsed first line looks like the snapshot. */
export function isArxivSnapshotRecord(value: Record<string, unknown>): boolean {
  return typeof value.id === 'string' && 'abstract' in value && ('versions' in value || 'authors_parsed' in value || 'update_date' in value);
}

/** One snapshot line as a record in the canonical field names; anything but an object passes through for mapping to reject. */
export function arxivSnapshotToRecord(parse: LibraryParse, value: unknown): unknown {
  if (!isObject(value)) return value;
  const record: Record<string, unknown> = {};
  const id = text(value.id);
  if (id) {
    record.id = id;
    record.arxiv_id = id;
    record.url = `https://arxiv.org/abs/${id}`;
  }
  // Title, abstract and every name part are converted together: one library call at most per line.
  const nameParts = Array.isArray(value.authors_parsed) ? value.authors_parsed.filter((parts): parts is unknown[] => Array.isArray(parts)) : [];
  const texts = [
    text(value.title) ?? '',
    text(value.abstract) ?? '',
    ...nameParts.flatMap((parts) => [0, 1, 2].map((i) => (typeof parts[i] === 'string' ? parts[i] : ''))),
  ];
  const [title, abstract, ...names] = textsToText(parse, texts);
  if (title) record.title = title;
  if (abstract) record.abstract = abstract;
  const authors = nameParts.length > 0 ? parsedAuthors(names) : authorsText(parse, text(value.authors));
  if (authors.length > 0) record.authors = authors;
  const categories = text(value.categories)?.split(/\s+/);
  if (categories) record.categories = categories;
  const date = firstVersionDate(value.versions) ?? text(value.update_date);
  if (date) record.date = date;
  // A few records list several DOIs separated by spaces; the first is the paper's.
  const doi = text(value.doi)?.split(/\s+/)[0];
  if (doi) record.doi = doi;
  // The journal reference as the authors wrote it ("Phys. Rev. D 76, 013009 (2007)").
  const journalRef = text(value['journal-ref']);
  if (journalRef) record.venue = journalRef;
  return record;
}

/**
 * authors_parsed gives [last, first, suffix] per author (here already converted, three per author).
 * Its parser parts hyphenated initials ("C. -P." for the authors string's C.-P.): joined again, as
 * the author writes the name and the `authors` filter is typed.
 */
function parsedAuthors(parts: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const name = [parts[i + 1]?.replace(/\.\s+-(?=\p{L})/gu, '.-'), parts[i], parts[i + 2]].filter((part) => part !== undefined && part.length > 0).join(' ');
    if (name.length > 0) names.push(name);
  }
  return names;
}

/** The `authors` string, for records without authors_parsed: commas and "and", affiliations in parentheses dropped. */
function authorsText(parse: LibraryParse, value: string | undefined): string[] {
  if (value === undefined) return [];
  return texToText(parse, withoutParentheses(value))
    .replace(/\s+/g, ' ')
    .split(/ ?, ?| and /)
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/**
 * The text without its parenthesized parts, nested ones too: arXiv numbers affiliations, "A. Author
 * (1), B. Author (2) ((1) MIT, (2) Stanford)". A few levels, as such lists have; deeper nesting is
 * left after them rather than costing a pass per level.
 */
function withoutParentheses(value: string): string {
  let text = value;
  for (let level = 0; level < 4 && text.includes('('); level++) text = text.replace(/\([^()]*\)/g, ' ');
  return text;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The first version's `created` ("Mon, 2 Apr 2007 19:18:42 GMT", RFC 2822) as YYYY-MM-DD. */
function firstVersionDate(versions: unknown): string | undefined {
  if (!Array.isArray(versions) || !isObject(versions[0])) return undefined;
  const created = text(versions[0].created);
  const match = created === undefined ? null : /(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})/.exec(created);
  if (!match) return undefined;
  const month = months.indexOf(match[2]!) + 1;
  return month > 0 ? `${match[3]}-${String(month).padStart(2, '0')}-${match[1]!.padStart(2, '0')}` : undefined;
}
