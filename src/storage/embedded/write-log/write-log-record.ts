import { crc32 } from 'node:zlib';
import { z } from 'zod';
import { AppError } from '../../../errors.js';
import { paperSchema } from '../../../papers/paper.js';
import type { PaperChange } from '../../paper-storage.js';

/**
 * One line of the write-ahead log, one acknowledged write:
 *
 *   <CRC-32 of the JSON, 8 hex digits> <JSON {"v", "seq", "lineage", "ops": [...]}>\n
 *
 * `v` is the record format. Records written before the field existed have version 1's layout and
 * are read as version 1. Version 2 has the same layout; its papers may hold the fields of index
 * format 3 (see manifest.ts), which a version reading only version 1 would drop: it refuses
 * them instead. A record of a later version (written by a newer paper-search) is refused with a
 * clear message rather than guessed at. Vectors are stored as base64 little-endian float32, so
 * replay never calls the model.
 */
const writeLogRecordVersion = 2;
const readableRecordVersions: readonly number[] = [1, writeLogRecordVersion];

/** One acknowledged write: its changes are applied together or not at all. */
export interface LogRecord {
  seq: number;
  /** The index build the write applies to (see manifest lineage). */
  lineage: string;
  changes: PaperChange[];
}

const recordSchema = z.object({
  v: z.union([z.literal(1), z.literal(writeLogRecordVersion)]).optional(),
  seq: z.number().int().positive(),
  lineage: z.string(),
  ops: z.array(
    z.discriminatedUnion('op', [
      z.object({ op: z.literal('put'), paper: paperSchema, vector: z.string() }),
      z.object({ op: z.literal('delete'), id: z.string() }),
    ]),
  ),
});

type EncodedChange = z.infer<typeof recordSchema>['ops'][number];

export function encodeLogRecord(record: LogRecord): Buffer {
  return lineOf([...jsonParts(record)]);
}

/**
 * `encodeLogRecord`, awaiting `turn` between the record's changes: a write of 1,000 papers can be
 * 30 MB of JSON, which took 0.6 s to encode in one piece while every other request waited.
 */
export async function encodeLogRecordInTurns(record: LogRecord, turn: () => Promise<void>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const part of jsonParts(record)) {
    await turn();
    parts.push(part);
  }
  return lineOf(parts);
}

/** The record's JSON, in pieces: what precedes the changes, each change, and the end. */
function* jsonParts(record: LogRecord): Generator<Buffer> {
  const head = JSON.stringify({ v: writeLogRecordVersion, seq: record.seq, lineage: record.lineage, ops: [] });
  yield Buffer.from(head.slice(0, -2));
  for (const [i, change] of record.changes.entries()) yield Buffer.from(`${i === 0 ? '' : ','}${JSON.stringify(encodeChange(change))}`);
  yield Buffer.from(']}');
}

/** The line of a record whose JSON is `parts`: its checksum, the JSON, a line break. */
function lineOf(parts: readonly Buffer[]): Buffer {
  const checksum = parts.reduce((crc, part) => crc32(part, crc), 0);
  return Buffer.concat([Buffer.from(`${checksum.toString(16).padStart(8, '0')} `), ...parts, Buffer.from('\n')]);
}

/**
 * The record of one line (without its newline), or undefined when the line is damaged (cut
 * short, a checksum or shape that does not match). A sound record of an unknown version throws
 * `wal_incompatible`.
 */
export function decodeLogRecord(line: Buffer, where: string): LogRecord | undefined {
  if (line.length < 10 || line[8] !== 0x20) return undefined;
  const checksum = Number.parseInt(line.subarray(0, 8).toString('latin1'), 16);
  const json = line.subarray(9);
  if (checksum !== crc32(json)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json.toString('utf8'));
  } catch {
    return undefined;
  }
  const version = (raw as { v?: unknown } | null)?.v;
  if (typeof version === 'number' && !readableRecordVersions.includes(version)) {
    throw new AppError(
      'wal_incompatible',
      `The write-ahead log ${where} holds a record of format ${version}, written by another version of paper-search; this one reads formats ${readableRecordVersions.join(' and ')}. ` +
        'Serve it with the version that wrote it (its next snapshot folds the log into the index), or move the log folder aside to start without those writes.',
    );
  }
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  return { seq: parsed.data.seq, lineage: parsed.data.lineage, changes: parsed.data.ops.map(decodeChange) };
}

function encodeChange(change: PaperChange): EncodedChange {
  if (change.op === 'delete') return change;
  const { vector } = change;
  return { op: 'put', paper: change.paper, vector: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') };
}

function decodeChange(change: EncodedChange): PaperChange {
  if (change.op === 'delete') return change;
  const bytes = Buffer.from(change.vector, 'base64');
  // Copied into its own aligned buffer: a Float32Array cannot view a Buffer at an odd offset.
  const vector = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(vector.buffer).set(bytes);
  return { op: 'put', paper: change.paper, vector };
}
