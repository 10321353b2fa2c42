import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import streamArray from 'stream-json/streamers/stream-array.js';
import { AppError } from '../errors.js';

export const inputFormats = ['jsonl', 'json', 'csv'] as const;
export type InputFormat = (typeof inputFormats)[number];

/** One input record before validation, or the reason it could not even be parsed. */
export type RawRecord =
  { position: string; value: unknown; error?: undefined } | { position: string; value?: undefined; error: { reason: 'invalid_json'; message: string } };

/** Records of an input file, streamed, with how far into the file the reader has got. */
export interface RecordSource {
  format: InputFormat;
  totalBytes: number;
  bytesRead(): number;
  records(): AsyncGenerator<RawRecord>;
}

export function detectFormat(path: string, explicit?: InputFormat): InputFormat {
  if (explicit) return explicit;
  const extension = extname(path.replace(/\.gz$/, '')).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.json') return 'json';
  if (extension === '.csv') return 'csv';
  throw new AppError('input_unreadable', `Cannot tell the format of ${path} from its extension; pass --format jsonl|json|csv.`);
}

export async function openRecordSource(path: string, format: InputFormat): Promise<RecordSource> {
  let totalBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new AppError('input_unreadable', `${path} is not a file.`);
    totalBytes = info.size;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'input_unreadable',
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`,
    );
  }
  let stream: ReadStream | undefined;
  // Progress is measured on the file's own bytes, compressed or not, against its size on disk.
  const open = (): Readable => {
    stream = createReadStream(path);
    if (!path.endsWith('.gz')) return stream;
    const gunzip = createGunzip();
    stream.on('error', (error) => gunzip.destroy(error));
    return stream.pipe(gunzip);
  };
  const readers: Record<InputFormat, () => AsyncGenerator<RawRecord>> = {
    jsonl: () => readJsonLines(open()),
    json: () => readJsonArray(open(), path),
    csv: () => readCsv(open(), path),
  };
  return { format, totalBytes, bytesRead: () => stream?.bytesRead ?? 0, records: readers[format] };
}

async function* readJsonLines(stream: Readable): AsyncGenerator<RawRecord> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const rawLine of lines) {
      lineNumber++;
      // A byte-order mark is legal at the start of a UTF-8 file and is not part of the JSON.
      const line = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
      if (line.trim().length === 0) continue;
      const position = `line ${lineNumber}`;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        yield { position, error: { reason: 'invalid_json', message: (error as Error).message } };
        continue;
      }
      yield { position, value };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('input_malformed', `Reading stopped at line ${lineNumber}: ${(error as Error).message}`);
  }
}

async function* readJsonArray(stream: Readable, path: string): AsyncGenerator<RawRecord> {
  const items = stream.pipe(streamArray.withParserAsStream());
  stream.on('error', (error) => items.destroy(error));
  let index = 0;
  try {
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
      index = item.key + 1;
      yield { position: `record ${index}`, value: item.value };
    }
  } catch (error) {
    throw new AppError('input_malformed', `${path} is not a valid JSON array of papers (after record ${index}): ${(error as Error).message}`);
  }
}

async function* readCsv(stream: Readable, path: string): AsyncGenerator<RawRecord> {
  const rows = stream.pipe(parseCsv({ columns: true, bom: true, info: true, skip_empty_lines: true, relax_column_count: true, trim: false }));
  stream.on('error', (error) => rows.destroy(error));
  try {
    for await (const row of rows as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { position: `line ${row.info.lines}`, value: row.record };
    }
  } catch (error) {
    throw new AppError('input_malformed', `${path} is not valid CSV: ${(error as Error).message}`);
  }
}
