import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { AppError } from '../../errors.js';
import type { FacetFields } from '../../papers/paper-facets.js';
import { paperSchema, type Paper } from '../../papers/paper.js';
import { turnsEvery } from '../../shared/event-loop-turns.js';
import { closingQuote } from '../../shared/json-text.js';
import { textLines } from '../../shared/text-lines.js';

/**
 * `papers.jsonl`, the paper records of an index folder: one JSON object per line, line N (0-based)
 * the paper with label N. Keys are written in the paper schema's order, `id` first, which lets a
 * reader take the identifiers of a line without parsing it (see identifiersOf).
 */

/** What the store indexes a paper by. */
export type PaperIdentifiers = Pick<Paper, 'id' | 'doi' | 'arxiv_id'>;

/** The records of a papers file, as bytes, with where each line is and its identifiers. */
export interface ScannedPapersFile {
  bytes: Buffer;
  starts: Uint32Array;
  ends: Uint32Array;
  identifiers: PaperIdentifiers[];
}

/**
 * Milliseconds of lines scanned per turn of the event loop: a snapshot swap loads the new folder
 * while the server answers requests, and a start while it answers /healthz.
 */
const scanTurnMs = 10;

/**
 * Reads a papers file, parsing no record: decoding and parsing every record up front was most of
 * a 75k-paper index's start-up (1.5 of 2.2 s). Only the identifiers are taken, from the bytes, a
 * slice of lines at a time (in one piece, 11,000 papers held every request 0.15 s at a swap).
 */
export async function scanPapersFile(path: string): Promise<ScannedPapersFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new AppError('index_corrupt', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const starts: number[] = [];
  const ends: number[] = [];
  const identifiers: PaperIdentifiers[] = [];
  let start = 0;
  const turn = turnsEvery(scanTurnMs);
  while (start < bytes.length) {
    await turn();
    const newline = bytes.indexOf(0x0a, start);
    let end = newline === -1 ? bytes.length : newline;
    const next = end + 1;
    while (end > start && (bytes[end - 1] === 0x0d || bytes[end - 1] === 0x20)) end--;
    if (end > start) {
      const found = identifiersOf(bytes.subarray(start, end));
      if (!found) throw new AppError('index_corrupt', `${path}: paper ${identifiers.length + 1} is not a valid record.`);
      identifiers.push(found);
      starts.push(start);
      ends.push(end);
    }
    start = next;
  }
  return { bytes, starts: Uint32Array.from(starts), ends: Uint32Array.from(ends), identifiers };
}

/** The record on one scanned line. */
export function parsePaperLine(file: ScannedPapersFile, line: number): Paper {
  try {
    return JSON.parse(file.bytes.toString('utf8', file.starts[line], file.ends[line])) as Paper;
  } catch {
    throw new AppError('index_corrupt', `The stored record of label ${line} is not valid JSON.`);
  }
}

/**
 * The facet fields (year, categories, authors) of one scanned line, parsing only the end of the
 * record: decoding and parsing abstracts is most of the cost of reading records, and counting
 * facets over a whole collection needs none of them. A line written here has its keys in the
 * schema's order, `abstract` before every facet field, so what follows the abstract's string is
 * a small JSON object of its own (see identifiersOf for why a key found in the bytes is a key).
 * Any other line is parsed in full.
 */
export function parseFacetFieldsOfLine(file: ScannedPapersFile, line: number): FacetFields {
  const record = file.bytes.subarray(file.starts[line], file.ends[line]);
  const key = record.subarray(0, idPrefix.length).equals(idPrefix) ? record.indexOf(abstractKey) : -1;
  const end = key === -1 ? -1 : closingQuote(record, key + abstractKey.length - 1);
  if (end === -1) return facetFieldsOf(parsePaperLine(file, line));
  if (record[end + 1] !== 0x2c) return facetFieldsOf({});
  try {
    return facetFieldsOf(JSON.parse(`{${record.toString('utf8', end + 2)}`) as Partial<Paper>);
  } catch {
    throw new AppError('index_corrupt', `The stored record of label ${line} is not valid JSON.`);
  }
}

function facetFieldsOf({ year, categories, authors }: Partial<Paper>): FacetFields {
  return { year, categories, authors };
}

/** Every record of a papers file, in label order, streamed. */
export async function* readPapersFile(path: string): AsyncGenerator<Paper> {
  for await (const line of textLines(createReadStream(path))) {
    if (line.length > 0) yield JSON.parse(line) as Paper;
  }
}

/** Appends papers to a papers file in label order, honouring stream back-pressure. */
export class PapersFileWriter {
  private readonly stream: WriteStream;
  /** A write error, surfaced on the next append or close instead of crashing the process. */
  private failure: Error | undefined;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  async append(paper: Paper): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(`${JSON.stringify(paperSchema.parse(paper))}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.stream.destroyed) return;
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (this.failure) throw this.failure;
  }
}

const idPrefix = Buffer.from('{"id":"');
const doiKey = Buffer.from(',"doi":"');
const arxivIdKey = Buffer.from(',"arxiv_id":"');
const abstractKey = Buffer.from(',"abstract":"');

/**
 * The identifiers of one line without decoding or parsing the whole record. A line written here
 * starts with `{"id":"`; `,"doi":"` and `,"arxiv_id":"` cannot occur inside a JSON string (its
 * quotes are escaped), so where they occur they are keys. Any other line is parsed in full, so an
 * unusual but valid line still loads.
 */
function identifiersOf(line: Buffer): PaperIdentifiers | undefined {
  if (!line.subarray(0, idPrefix.length).equals(idPrefix)) {
    try {
      const parsed = JSON.parse(line.toString('utf8')) as Partial<Paper> | null;
      return typeof parsed?.id === 'string' ? { id: parsed.id, doi: parsed.doi, arxiv_id: parsed.arxiv_id } : undefined;
    } catch {
      return undefined;
    }
  }
  const id = jsonStringAt(line, idPrefix.length - 1);
  if (id === undefined) return undefined;
  const valueOf = (key: Buffer) => {
    const at = line.lastIndexOf(key);
    return at === -1 ? undefined : jsonStringAt(line, at + key.length - 1);
  };
  return { id, doi: valueOf(doiKey), arxiv_id: valueOf(arxivIdKey) };
}

/** The JSON string literal whose opening quote is at `quote`, decoded. */
function jsonStringAt(bytes: Buffer, quote: number): string | undefined {
  const end = closingQuote(bytes, quote);
  if (end === -1) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8', quote, end + 1)) as string;
  } catch {
    return undefined;
  }
}
