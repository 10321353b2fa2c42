import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { describe, it } from 'node:test';
import type { Paper } from '../../src/papers/paper.js';
import { decodeLogRecord, encodeLogRecord } from '../../src/storage/embedded/write-log/write-log-record.js';
import { isAppErrorWithCode } from './support.js';

/** A log line (without its newline) holding `record` as JSON, with its checksum. */
function lineOf(record: object): Buffer {
  const json = JSON.stringify(record);
  return Buffer.from(`${crc32(Buffer.from(json)).toString(16).padStart(8, '0')} ${json}`);
}

const paper = { id: 'p1', title: 'A title', abstract: 'An abstract.', venue: 'Nautilus Letters', volume: '7', pages: '1-9' } as Paper;

describe('write-ahead log records', () => {
  it('regression: are written as version 2, which versions that drop venue, type, volume, issue and pages refuse (they replayed writes without them)', () => {
    const line = encodeLogRecord({ seq: 1, lineage: 'l', changes: [{ op: 'put', paper, vector: new Float32Array([0.5, -0.5]) }] });
    assert.match(line.toString(), /^[0-9a-f]{8} \{"v":2,/);
    const decoded = decodeLogRecord(line.subarray(0, -1), 'test.log');
    assert.deepEqual(decoded?.changes[0]?.op === 'put' && decoded.changes[0].paper, paper);
  });

  it('read records of version 1, and those written before the version field', () => {
    for (const version of [{ v: 1 }, {}]) {
      const decoded = decodeLogRecord(lineOf({ ...version, seq: 3, lineage: 'l', ops: [{ op: 'delete', id: 'gone' }] }), 'test.log');
      assert.deepEqual(decoded, { seq: 3, lineage: 'l', changes: [{ op: 'delete', id: 'gone' }] });
    }
  });

  it('refuse a record of a later version, naming the versions read', () => {
    assert.throws(
      () => decodeLogRecord(lineOf({ v: 3, seq: 1, lineage: 'l', ops: [] }), 'test.log'),
      isAppErrorWithCode('wal_incompatible', /record of format 3.*reads formats 1 and 2/),
    );
  });
});
