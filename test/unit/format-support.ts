import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { openRecordSource, type InputFormat, type RawRecord, type RecordSourceOptions } from '../../src/ingest/record-readers.js';

export const formatFixtures = join(import.meta.dirname, '../fixtures/formats');

/** Every raw record of an input, through the product's dispatch. */
export async function readRecords(path: string, format: InputFormat, options: RecordSourceOptions = {}): Promise<RawRecord[]> {
  const source = await openRecordSource(path, format, options);
  const records: RawRecord[] = [];
  for await (const record of source.records()) records.push(record);
  return records;
}

/** The record values of accepted-by-the-reader records, keyed by their position. */
export function valuesByPosition(records: readonly RawRecord[]): Map<string, Record<string, unknown>> {
  return new Map(records.filter((record) => !record.error).map((record) => [record.position, record.value as Record<string, unknown>]));
}

/** Writes a zip archive (deflated members) without needing a zip tool. */
export async function writeZip(path: string, members: Record<string, string | Uint8Array>): Promise<void> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(members)) {
    const data = Buffer.from(content);
    const compressed = deflateRawSync(data);
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, compressed);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + compressed.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(members).length, 8);
  end.writeUInt16LE(Object.keys(members).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  await writeFile(path, Buffer.concat([...locals, ...centrals, end]));
}
