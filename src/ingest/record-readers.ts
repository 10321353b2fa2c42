import { extname } from 'node:path';
import { pipeline, Readable, type Duplex } from 'node:stream';
import { parse as parseCsv, type Options as CsvOptions } from 'csv-parse';
import pickStream from 'stream-json/filters/pick.js';
import streamArray from 'stream-json/streamers/stream-array.js';
import { AppError } from '../errors.js';
import { textLines, withWindows1252Fallback } from '../shared/text-lines.js';
import { readArxivSnapshot } from './formats/arxiv-snapshot.js';
import { readBibtex } from './formats/bibtex.js';
import { cslItemToRecord, isCslItem } from './formats/csl-json.js';
import { isObject, readInputJsonLines } from './formats/json-lines.js';
import { openAlexWorkToRecord, readOpenAlex } from './formats/openalex.js';
import { readMedline } from './formats/medline.js';
import { readWebOfScience } from './formats/web-of-science.js';
import { readRis } from './formats/ris.js';
import { readSemanticScholar, semanticScholarPaperToRecord } from './formats/semantic-scholar.js';
import { openInput, type Input } from './input-files.js';

export const inputFormats = [
  'jsonl',
  'json',
  'csl-json',
  'csv',
  'bibtex',
  'ris',
  'medline',
  'web-of-science',
  'arxiv-snapshot',
  'openalex',
  'semantic-scholar',
] as const;
export type InputFormat = (typeof inputFormats)[number];

/** Formats whose input may be a folder of files, read in name order (the snapshots and datasets come in parts; exports in batches). */
const folderFormats: readonly InputFormat[] = ['jsonl', 'json', 'csl-json', 'openalex', 'semantic-scholar'];

/** Why a record could not even be parsed. */
export type RecordErrorReason = 'invalid_json' | 'malformed_record';

/** One input record before validation, or the reason it could not even be parsed. */
export type RawRecord =
  { position: string; value: unknown; error?: undefined } | { position: string; value?: undefined; error: { reason: RecordErrorReason; message: string } };

/** Records of an input file, streamed, with how far into the file the reader has got. */
export interface RecordSource {
  format: InputFormat;
  /** Files of a folder input that are not read (see Input.skipped). */
  skipped: readonly string[];
  totalBytes: number;
  bytesRead(): number;
  records(): AsyncGenerator<RawRecord>;
}

export interface RecordSourceOptions {
  /** Semantic Scholar's abstracts dataset (a file or folder), joined to the papers on corpusid. */
  abstracts?: string;
}

const extensions: Record<string, InputFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
  '.bib': 'bibtex',
  '.bibtex': 'bibtex',
  '.biblatex': 'bibtex',
  '.ris': 'ris',
  '.nbib': 'medline',
};

/** The format named by the file's extension (after .gz or .zip); see detectInputFormat for content. */
export function detectFormat(path: string, explicit?: InputFormat, shownAs = path): InputFormat {
  if (explicit) return explicit;
  const format = namedFormat(path);
  if (format) return format;
  throw new AppError('input_unreadable', `Cannot tell the format of ${shownAs}; pass --format ${inputFormats.join('|')}.`);
}

/** Options that do not fit the format are a configuration error, reported before any work starts. */
export function checkRecordSourceOptions(format: InputFormat, options: RecordSourceOptions): void {
  if (options.abstracts !== undefined && format !== 'semantic-scholar') {
    throw new AppError('config_invalid', `--abstracts goes with the semantic-scholar format, not ${format}.`);
  }
}

export async function openRecordSource(path: string, format: InputFormat, options: RecordSourceOptions = {}): Promise<RecordSource> {
  checkRecordSourceOptions(format, options);
  const input = await openInput(path, { folders: folderFormats.includes(format) });
  assertOneJsonFormat(input);
  const abstracts = options.abstracts === undefined ? undefined : await openInput(options.abstracts, { folders: true });
  const open = (): Readable => input.files[0]!.open();
  const readers: Record<InputFormat, () => AsyncGenerator<RawRecord>> = {
    jsonl: () => readInputJsonLines(input),
    json: () => readJsonArrays(input),
    // Named so (as the exports name it), every item is read as CSL, whether or not it has a field only CSL names.
    'csl-json': () => readJsonArrays(input, true),
    csv: () => readCsv(open, path),
    bibtex: () => readBibtex(input),
    ris: () => readRis(input),
    medline: () => readMedline(input),
    'web-of-science': () => readWebOfScience(input),
    'arxiv-snapshot': () => readArxivSnapshot(input),
    openalex: () => readOpenAlex(input),
    'semantic-scholar': () => readSemanticScholar(input, abstracts),
  };
  return { format, skipped: input.skipped, totalBytes: input.totalBytes, bytesRead: () => input.bytesRead(), records: readers[format] };
}

/**
 * A folder is read in one format, so one holding both JSON lines and JSON array files is refused
 * before any is read: read as JSON lines, the lines of an array were each rejected as invalid
 * JSON (read and rejected, exit 0, its papers lost); the other way round only its first such file failed.
 */
function assertOneJsonFormat(input: Input): void {
  const byName = (format: InputFormat) => input.files.find((file) => namedFormat(file.name) === format)?.name;
  const [lines, arrays] = [byName('jsonl'), byName('json')];
  if (lines === undefined || arrays === undefined) return;
  throw new AppError(
    'input_malformed',
    `${input.path} holds both JSON lines files (${lines}) and JSON array files (${arrays}): the files of a folder are read in one format; keep one format per folder.`,
  );
}

function namedFormat(path: string): InputFormat | undefined {
  return extensions[extname(path.replace(/\.(gz|zip)$/i, '')).toLowerCase()];
}

/** The records of each file's JSON array in turn; positions name the file when there are several. */
async function* readJsonArrays(input: Input, declaredCsl = false): AsyncGenerator<RawRecord> {
  for (const file of input.files) yield* readJsonArray(() => file.open(), file.path, input.files.length > 1 ? `${file.name} ` : '', declaredCsl);
}

/**
 * The key an API answer saved whole lists its works under, told by the page's other keys (a
 * paper may have a field named `data` or `results` of its own): OpenAlex's `{meta, results}`,
 * Semantic Scholar's `{total, offset, next, data}` (`token` for its bulk search).
 */
function pageListKey(keys: ReadonlySet<string>): string | undefined {
  if (keys.has('results') && keys.has('meta')) return 'results';
  if (keys.has('data') && ['total', 'offset', 'next', 'token'].some((key) => keys.has(key))) return 'data';
  return undefined;
}

/** The keys of a JSON text's top-level object, read through it (a page is a few megabytes). */
async function topLevelKeys(open: () => Readable): Promise<Set<string>> {
  const keys = new Set<string>();
  const tokens = chained(
    Readable.from(withoutByteOrderMark(open())),
    pickStream.withParserAsStream({
      filter: (stack: readonly unknown[]) => {
        if (stack.length === 1) keys.add(String(stack[0]));
        return false;
      },
    }),
  );
  try {
    for await (const _ of tokens);
  } catch {
    // A text that does not parse is for the reading pass to report, with where it broke.
  }
  return keys;
}

/**
 * The records of one JSON array: a list of papers, or a CSL-JSON bibliography, whose items are
 * read as papers. An item is CSL when it looks like one, or always when the array is declared
 * CSL-JSON. One object alone is an API page when its keys say so (see pageListKey), its list's
 * items read; otherwise a list of one (a single work saved from an API, a reference copied from
 * a citation manager).
 */
export async function* readJsonArray(open: () => Readable, path: string, positionPrefix: string, declaredCsl = false): AsyncGenerator<RawRecord> {
  const lone = (await firstJsonCharacter(open())) === '{';
  const listKey = lone && !declaredCsl ? pageListKey(await topLevelKeys(open)) : undefined;
  if (listKey !== undefined) {
    const pick = pickStream.withParserAsStream({
      filter: (stack: readonly unknown[], token: { name: string }) => stack.length === 1 && stack[0] === listKey && token.name === 'startArray',
      once: true,
    });
    yield* jsonArrayItems(chained(Readable.from(withoutByteOrderMark(open())), pick, streamArray.asStream()), path, positionPrefix, declaredCsl, lone);
    return;
  }
  const source = lone ? Readable.from(withLoneObjectListed(open())) : open();
  yield* jsonArrayItems(chained(source, streamArray.withParserAsStream()), path, positionPrefix, declaredCsl, lone);
}

/** The last of a chain of streams, which ends with the error of any of them. */
function chained(source: Readable, ...stages: Duplex[]): Readable {
  // Its callback is needed, not used: the error reaches whoever reads the last stream.
  return pipeline(source, ...(stages as [Duplex]), () => undefined);
}

async function* jsonArrayItems(items: Readable, path: string, positionPrefix: string, declaredCsl: boolean, lone: boolean): AsyncGenerator<RawRecord> {
  let index = 0;
  try {
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
      index = item.key + 1;
      yield { position: `${positionPrefix}record ${index}`, value: jsonItemToRecord(item.value, declaredCsl) };
    }
  } catch (error) {
    // Objects one after another are JSON lines (or concatenated JSON), not one value.
    const hint = lone ? ' A JSON input is one array of papers, or one object; one paper per line is --format jsonl.' : '';
    throw new AppError(
      'input_malformed',
      `${path} is not a valid JSON array of papers (after record ${index}): ${(error as Error).message}.${hint}${namedForOtherFormat(path, ['json', 'csl-json'])}`,
    );
  }
}

/**
 * An item of a JSON array as a record: a CSL-JSON bibliography's item (Zotero, Better BibTeX,
 * Pandoc), an OpenAlex work or a Semantic Scholar Graph API paper (an API answer saved as a file,
 * pretty-printed or not) in the canonical field names; anything else as it is.
 */
function jsonItemToRecord(value: unknown, declaredCsl: boolean): unknown {
  if (!isObject(value)) return value;
  if (declaredCsl || isCslItem(value)) return cslItemToRecord(value);
  // Only by fields a paper of this product never has: its own papers may have an OpenAlex id, or a corpusId field.
  if ('abstract_inverted_index' in value || 'authorships' in value) return openAlexWorkToRecord(value);
  if (!('id' in value) && ('corpusId' in value || 'paperId' in value) && 'title' in value) return semanticScholarPaperToRecord(value, new Map());
  return value;
}

/**
 * A hint for a file that failed to read in one format while its name says another (a .jsonl in a
 * folder of JSON arrays): a folder is read in one format, its first file's or the one given.
 */
function namedForOtherFormat(path: string, readAs: readonly InputFormat[]): string {
  const named = namedFormat(path);
  if (named === undefined || readAs.includes(named)) return '';
  return ` Its name says ${named}, but it was read as ${readAs[0]}: the files of a folder are read in one format (the first file's, or --format); keep one format per folder.`;
}

/** The bytes of a JSON text without a byte-order mark. */
async function* withoutByteOrderMark(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let firstChunk = true;
  for await (const chunk of stream) {
    yield firstChunk && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk;
    firstChunk = false;
  }
}

/** The bytes of a JSON text holding one object, a byte-order mark left out, as a list of one. */
async function* withLoneObjectListed(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield Buffer.from('[');
  yield* withoutByteOrderMark(stream);
  yield Buffer.from(']');
}

/** The first character of a JSON text past a byte-order mark and white space, read from the start of the stream (which is then closed). */
async function firstJsonCharacter(stream: Readable): Promise<string | undefined> {
  try {
    for await (const chunk of withoutByteOrderMark(stream as AsyncIterable<Buffer>)) {
      const first = chunk.find((byte) => byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d);
      if (first !== undefined) return String.fromCharCode(first);
    }
  } catch {
    // A damaged file is for the reading pass to report, with the position where it broke.
  } finally {
    stream.destroy();
  }
  return undefined;
}

const csvDelimiters = [',', ';', '\t'] as const;

/** Lines read to find the header below a preamble. */
const preambleLinesSearched = 20;

/**
 * Lines read at most while the head ends inside a quoted field: the record after the header must
 * be read whole to be compared with it, and an abstract with hard line breaks (arXiv's, wrapped at
 * 80 columns) runs past 20 lines, which read the whole file with the preamble as its header.
 */
const preambleLinesAtMost = 5000;

/** A record of a CSV file's head: where it starts, and how many of each delimiter it holds outside quotes. */
interface HeadRecord {
  line: number;
  blank: boolean;
  counts: Map<string, number>;
  /** It ends outside quotes: a record whose quoted field runs past the lines read is not whole. */
  whole: boolean;
}

/** The first records of a file's lines, a quoted field running over line breaks kept in its record. */
function headRecords(lines: readonly string[]): HeadRecord[] {
  const records: HeadRecord[] = [];
  let current: HeadRecord | undefined;
  let quoted = false;
  lines.forEach((line, index) => {
    if (!current) current = { line: index + 1, blank: line.trim() === '', counts: new Map(csvDelimiters.map((delimiter) => [delimiter, 0])), whole: false };
    else current.blank = false;
    for (const character of line) {
      if (character === '"') quoted = !quoted;
      else if (!quoted && current.counts.has(character)) current.counts.set(character, current.counts.get(character)! + 1);
    }
    if (!quoted) {
      current.whole = true;
      records.push(current);
      current = undefined;
    }
  });
  if (current) records.push(current);
  return records;
}

const mostUsedDelimiter = (counts: Map<string, number>) =>
  csvDelimiters.reduce((best, delimiter) => (counts.get(delimiter)! > counts.get(best)! ? delimiter : best), ',');

/**
 * Where a CSV file's header is and the delimiter it uses most outside quotes (a comma when none
 * does). The header is the first record, unless that record is one whole field and a later one
 * holds several, as many as the record after it does: the records before that one are then a
 * preamble (Dimensions opens its exports with an "About the data: …" line, which read as the
 * header dropped every column). A file of one column has no such pair of records. A first line
 * `sep=;`, which Excel reads, names the delimiter, and the header follows it (read as the header,
 * it gave every row the one column "sep=").
 */
async function csvLayout(stream: Readable): Promise<{ delimiter: string; headerLine: number }> {
  const lines: string[] = [];
  let quoted = false;
  try {
    for await (const line of textLines(stream, { windows1252Fallback: true })) {
      lines.push(line);
      // Quotes counted as headRecords counts them: an odd number opens or closes a quoted field.
      if ((line.split('"').length - 1) % 2 === 1) quoted = !quoted;
      if (lines.length >= preambleLinesAtMost) break;
      if (lines.length >= preambleLinesSearched && !quoted) break;
    }
  } finally {
    stream.destroy();
  }
  const records = headRecords(lines).filter((record) => !record.blank);
  const [first] = records;
  if (!first) return { delimiter: ',', headerLine: 1 };
  const declared = /^\uFEFF?sep=(.)$/.exec(lines[0] ?? '')?.[1];
  if (declared !== undefined) return { delimiter: declared, headerLine: records[1]?.line ?? 2 };
  const severalFields = (record: HeadRecord) => [...record.counts.values()].some((count) => count > 0);
  const headerAt = records.findIndex(severalFields);
  const header = records[headerAt];
  const next = records[headerAt + 1];
  if (headerAt > 0 && first.whole && header!.whole && next?.whole) {
    const delimiter = mostUsedDelimiter(header!.counts);
    if (next.counts.get(delimiter) === header!.counts.get(delimiter)) return { delimiter, headerLine: header!.line };
  }
  return { delimiter: mostUsedDelimiter(first.counts), headerLine: first.line };
}

/**
 * The header row as column names, refused when one name comes twice: csv-parse would keep the
 * last column of that name, and a file with two `abstract` columns would lose one without a word.
 * A column without a name is passed over (undefined): no field is read from it, and Excel writes
 * empty ones past the last named column of a sheet whose cells were once touched.
 */
function distinctColumns(header: string[]): (string | undefined)[] {
  const firstColumnOf = new Map<string, number>();
  return header.map((name, column) => {
    if (name.trim() === '') return undefined;
    const first = firstColumnOf.get(name);
    if (first !== undefined) throw new Error(`its header names the column "${name}" twice (columns ${first + 1} and ${column + 1})`);
    firstColumnOf.set(name, column);
    return name;
  });
}

/** A quote inside a field that does not start with one is a plain character (`a 5" review`). */
function csvOptions({ delimiter, headerLine }: { delimiter: string; headerLine: number }, quote: '"' | false): CsvOptions {
  return {
    columns: distinctColumns,
    from_line: headerLine,
    delimiter,
    quote,
    relax_quotes: true,
    bom: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: false,
  };
}

/**
 * Whether a tab-delimited file reads as quoted the way CSV quotes: it parses so, and no quoted
 * field runs over a line break. Web of Science's export does not quote fields and writes none over
 * lines, so a title opening with a quote ("Smart" hydrogels) stopped the reading of every record,
 * or, when a later field closed the quote, swallowed the records between; such a file is read with
 * quotes as plain characters.
 */
async function quotesParse(open: () => Readable, layout: { delimiter: string; headerLine: number }): Promise<boolean> {
  const stream = withWindows1252Fallback(open());
  const rows = stream.pipe(parseCsv(csvOptions(layout, '"')));
  stream.on('error', (error) => rows.destroy(error));
  try {
    for await (const { record } of rows as AsyncIterable<{ record: Record<string, string> }>) {
      if (Object.values(record).some((value) => /[\r\n]/.test(value))) {
        rows.destroy();
        return false;
      }
    }
    return true;
  } catch (error) {
    // Any other fault is the reading pass's to report, where the file is named.
    return !/^CSV_.*QUOTE/.test((error as { code?: string }).code ?? '');
  }
}

/**
 * A CSV file's rows, its delimiter read from its header (a comma, or the semicolon of Excel in
 * much of Europe, or a tab), any preamble above the header passed over (see csvLayout), and each
 * line that is not UTF-8 read as Windows-1252 (Excel's "CSV" on Windows).
 */
async function* readCsv(open: () => Readable, path: string): AsyncGenerator<RawRecord> {
  const layout = await csvLayout(open());
  const quote = layout.delimiter === '\t' && !(await quotesParse(open, layout)) ? false : '"';
  const stream = withWindows1252Fallback(open());
  const rows = stream.pipe(parseCsv(csvOptions(layout, quote)));
  stream.on('error', (error) => rows.destroy(error));
  try {
    // csv-parse counts a \r\n inside a quoted field as two lines (every later position was one more off).
    let linesCountedTwice = 0;
    for await (const row of rows as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      for (const value of Object.values(row.record)) linesCountedTwice += value.split('\r\n').length - 1;
      yield { position: `line ${row.info.lines - linesCountedTwice}`, value: row.record };
    }
  } catch (error) {
    throw new AppError('input_malformed', `${path} is not valid CSV: ${(error as Error).message}`);
  }
}
