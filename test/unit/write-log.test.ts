import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdir, open, readdir, readFile, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PaperChange } from '../../src/storage/paper-storage.js';
import type { Paper } from '../../src/papers/paper.js';
import { WriteLog, type LoggedWrite } from '../../src/storage/embedded/write-log/write-log.js';
import { isAppErrorWithCode, longestWait, randomUnitVectors, temporaryRoot } from './support.js';

const dimension = 8;
const lineage = 'lineage-a';

let counter = 0;
const root = temporaryRoot('paper-search-write-log-');

/** A fresh parent folder per test; the log folder inside it does not exist yet. */
async function freshLogFolder(): Promise<string> {
  const parent = join(root(), `case-${counter++}`);
  await mkdir(parent);
  return join(parent, 'index.wal');
}

function paper(i: number): Paper {
  return {
    id: `p${i}`,
    title: `Title ${i} — ünïcode`,
    abstract: `Abstract of paper ${i}.\nSecond line with "quotes".`,
    ...(i % 2 === 0 ? { authors: ['A. Author'], year: 2000 + i, doi: `10.1000/${i}` } : { categories: ['cs.LG'] }),
  };
}

/** Write number `seq` (1-based): two puts, or a put and a delete every third write. */
function sampleWrites(count: number, firstSeq = 1): LoggedWrite[] {
  const vectors = randomUnitVectors(2 * count, dimension, 42 + firstSeq);
  return Array.from({ length: count }, (_, i) => {
    const seq = firstSeq + i;
    const changes: PaperChange[] =
      seq % 3 === 0
        ? [
            { op: 'put', paper: paper(2 * seq), vector: vectors[2 * i]! },
            { op: 'delete', id: `p${seq - 1}` },
          ]
        : [
            { op: 'put', paper: paper(2 * seq), vector: vectors[2 * i]! },
            { op: 'put', paper: paper(2 * seq + 1), vector: vectors[2 * i + 1]! },
          ];
    return { seq, changes };
  });
}

async function segments(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => name.startsWith('wal-')).sort();
}

function segmentName(start: number): string {
  return `wal-${String(start).padStart(12, '0')}.log`;
}

/** Asserts the replayed records equal the written ones, vectors as Float32Array bit for bit. */
function assertSameWrites(actual: LoggedWrite[], expected: LoggedWrite[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((record, r) => {
    const want = expected[r]!;
    assert.equal(record.seq, want.seq);
    assert.equal(record.changes.length, want.changes.length);
    record.changes.forEach((operation, o) => {
      const wanted = want.changes[o]!;
      assert.equal(operation.op, wanted.op);
      if (operation.op === 'put' && wanted.op === 'put') {
        assert.deepEqual(operation.paper, wanted.paper);
        assert.ok(operation.vector instanceof Float32Array, 'the vector is a Float32Array');
        assert.deepEqual(operation.vector, wanted.vector);
      } else {
        assert.deepEqual(operation, wanted);
      }
    });
  });
}

async function writeAll(log: WriteLog, writes: readonly LoggedWrite[]): Promise<void> {
  for (const write of writes) await log.append([write]);
}

describe('WriteLog open and append', () => {
  it('starts empty in a missing folder, creating it with a first segment', async () => {
    const folder = await freshLogFolder();
    const opened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.deepEqual(opened.records, []);
      assert.equal(opened.truncatedBytes, 0);
      assert.equal(opened.movedAside, undefined);
      assert.deepEqual(await segments(folder), [segmentName(1)]);
    } finally {
      await opened.log.close();
    }
  });

  it('replays appended writes in order with identical papers and vectors', async () => {
    const folder = await freshLogFolder();
    const writes = sampleWrites(7);
    const first = await WriteLog.open(folder, lineage, 1);
    await writeAll(first.log, writes);
    await first.log.close();

    const reopened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.equal(reopened.truncatedBytes, 0);
      assert.equal(reopened.movedAside, undefined);
      assertSameWrites(reopened.records, writes);
    } finally {
      await reopened.log.close();
    }
  });

  it('appends a group of writes with one call, each as its own record', async () => {
    const folder = await freshLogFolder();
    const writes = sampleWrites(5);
    const first = await WriteLog.open(folder, lineage, 1);
    await first.log.append(writes.slice(0, 3));
    await first.log.append(writes.slice(3));
    await first.log.close();

    const reopened = await WriteLog.open(folder, lineage, 1);
    try {
      assertSameWrites(reopened.records, writes);
    } finally {
      await reopened.log.close();
    }
  });

  it('regression: encodes a large write a slice at a time, so other requests are answered meanwhile (30 MB of papers held them for 0.6 s), and replays it whole', async () => {
    const folder = await freshLogFolder();
    const authors = Array.from({ length: 1_250 }, (_, i) => `Author Number${i} Collaborator`);
    const vectors = randomUnitVectors(1_000, dimension, 7);
    const large: LoggedWrite = { seq: 1, changes: vectors.map((vector, i) => ({ op: 'put', paper: { ...paper(i), authors }, vector })) };
    const opened = await WriteLog.open(folder, lineage, 1);
    const { longest, took } = await longestWait(() => opened.log.append([large]));
    await opened.log.close();
    // In one piece the encoding was nearly all of the append (0.84 to 0.92 of it in three runs); a
    // slice, with the garbage collector's pauses on a busy machine, up to a third.
    assert.ok(longest < took / 2, `the event loop waited ${longest.toFixed(0)} ms during an append of ${took.toFixed(0)} ms`);
    const reopened = await WriteLog.open(folder, lineage, 1);
    try {
      assertSameWrites(reopened.records, [large]);
    } finally {
      await reopened.log.close();
    }
  });

  it('writes one checksummed JSON line per write', async () => {
    const folder = await freshLogFolder();
    const opened = await WriteLog.open(folder, lineage, 1);
    await writeAll(opened.log, sampleWrites(3));
    await opened.log.close();
    const text = await readFile(join(folder, segmentName(1)), 'utf8');
    const lines = text.split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[3], '', 'ends with a newline');
    for (const [i, line] of lines.slice(0, 3).entries()) {
      assert.match(line, /^[0-9a-f]{8} \{/);
      const record = JSON.parse(line.slice(9)) as { seq: number; lineage: string };
      assert.equal(record.seq, i + 1);
      assert.equal(record.lineage, lineage);
    }
  });

  it('writes a vector that is a view into a larger buffer exactly', async () => {
    const folder = await freshLogFolder();
    const backing = new Float32Array(3 * dimension).map((_, i) => i / 7 - 1);
    const view = backing.subarray(dimension, 2 * dimension);
    const opened = await WriteLog.open(folder, lineage, 1);
    await opened.log.append([{ seq: 1, changes: [{ op: 'put', paper: paper(1), vector: view }] }]);
    await opened.log.close();
    const reopened = await WriteLog.open(folder, lineage, 1);
    try {
      const operation = reopened.records[0]!.changes[0]!;
      assert.equal(operation.op, 'put');
      assert.deepEqual(operation.op === 'put' ? operation.vector : undefined, Float32Array.from(view));
    } finally {
      await reopened.log.close();
    }
  });

  it('continues after the existing records: a later segment starts past the last seq', async () => {
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, lineage, 1);
    await writeAll(first.log, sampleWrites(3));
    await first.log.close();

    // The index folder holds nothing (next seq 1), but the log already holds 1..3.
    const second = await WriteLog.open(folder, lineage, 1);
    assert.deepEqual(await segments(folder), [segmentName(1), segmentName(4)]);
    const more = sampleWrites(2, 4);
    await writeAll(second.log, more);
    await second.log.close();

    const third = await WriteLog.open(folder, lineage, 1);
    try {
      assertSameWrites(third.records, [...sampleWrites(3), ...more]);
      assert.deepEqual(await segments(folder), [segmentName(1), segmentName(4), segmentName(6)]);
    } finally {
      await third.log.close();
    }
  });

  it('starts at the given next seq when the index is ahead of the log', async () => {
    const folder = await freshLogFolder();
    const opened = await WriteLog.open(folder, lineage, 42);
    await opened.log.close();
    assert.deepEqual(await segments(folder), [segmentName(42)]);
  });

  it('ignores files that are not segments', async () => {
    const folder = await freshLogFolder();
    await mkdir(folder);
    await writeFile(join(folder, 'notes.txt'), 'not a segment\n');
    await writeFile(join(folder, 'wal-1.log'), 'garbage\n');
    const opened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.deepEqual(opened.records, []);
    } finally {
      await opened.log.close();
    }
  });
});

describe('WriteLog damage', () => {
  it('cuts off an incomplete last line, truncating the file, and goes on appending', async () => {
    const folder = await freshLogFolder();
    const writes = sampleWrites(4);
    const first = await WriteLog.open(folder, lineage, 1);
    await writeAll(first.log, writes);
    await first.log.close();

    const path = join(folder, segmentName(1));
    const goodSize = (await stat(path)).size;
    // A crash mid-append: the start of a fifth record, without its end or newline.
    const partial = '1234abcd {"seq":5,"lineage":"lineage-a","ops":[{"op":"put","paper":{"id":"p';
    await appendFile(path, partial);

    const second = await WriteLog.open(folder, lineage, 1);
    assert.equal(second.truncatedBytes, Buffer.byteLength(partial));
    assertSameWrites(second.records, writes);
    assert.equal((await stat(path)).size, goodSize, 'the torn bytes are gone from the file');

    const next = sampleWrites(1, 5);
    await second.log.append([next[0]!]);
    await second.log.close();

    const third = await WriteLog.open(folder, lineage, 1);
    try {
      assert.equal(third.truncatedBytes, 0);
      assertSameWrites(third.records, [...writes, ...next]);
    } finally {
      await third.log.close();
    }
  });

  it('cuts off partial bytes of a torn first record', async () => {
    const folder = await freshLogFolder();
    await mkdir(folder);
    await writeFile(join(folder, segmentName(1)), '0badc0de {"se');
    const opened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.deepEqual(opened.records, []);
      assert.equal(opened.truncatedBytes, 13);
      assert.equal((await stat(join(folder, segmentName(1)))).size, 0);
    } finally {
      await opened.log.close();
    }
  });

  it('removes empty segments, so a torn record before one is still the tail', async () => {
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, lineage, 1);
    await first.log.append(sampleWrites(2));
    await first.log.close();
    await appendFile(join(folder, segmentName(1)), '0badc0de {"seq":3,');
    // Made by a snapshot's rotation that failed halfway (appends went on in segment 1): named by the write after the last one complete.
    await writeFile(join(folder, segmentName(3)), '');
    const reopened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.equal(reopened.records.length, 2);
      assert.ok(reopened.truncatedBytes > 0);
      // Removed, and made again as the segment the next writes go to.
      assert.deepEqual(await segments(folder), [segmentName(1), segmentName(3)]);
    } finally {
      await reopened.log.close();
    }
  });

  it('regression: refuses to append once its folder was moved away, and says why (writes went into the moved file, acknowledged)', async () => {
    const folder = await freshLogFolder();
    const opened = await WriteLog.open(folder, lineage, 1);
    try {
      await opened.log.append(sampleWrites(1));
      await rename(folder, `${folder}.moved`);
      await assert.rejects(opened.log.append(sampleWrites(1, 2)), /moved or deleted while the server ran/);
      assert.equal(opened.log.failure, 'the write-ahead log (WAL_DIR) was moved or deleted while the server ran');
      await mkdir(folder);
      await assert.rejects(opened.log.append(sampleWrites(1, 2)), /moved or deleted/, 'a new folder at the old place is not the log either');
    } finally {
      await opened.log.close();
    }
  });

  it('regression: refuses a record cut short before a later segment that starts after it (acknowledged writes were cut off as a torn append)', async () => {
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, lineage, 1);
    await writeAll(first.log, sampleWrites(3));
    await first.log.close();
    // The next start made segment 4, after the three complete writes; then the end of segment 1 was lost.
    await WriteLog.open(folder, lineage, 1).then(({ log }) => log.close());
    assert.deepEqual(await segments(folder), [segmentName(1), segmentName(4)]);
    const path = join(folder, segmentName(1));
    await truncate(path, (await stat(path)).size - 10);
    await assert.rejects(WriteLog.open(folder, lineage, 1), isAppErrorWithCode('wal_corrupt', /damaged at byte/));
  });

  it('regression: refuses a log that starts after the writes the index folder holds (an older copy of the folder restored beside it lost the writes between, silently)', async () => {
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, lineage, 1);
    await writeAll(first.log, sampleWrites(3));
    // A snapshot folded writes 1 to 3 into the folder, and the log dropped them.
    await first.log.rotate(4);
    await first.log.removeThrough(3);
    await writeAll(first.log, sampleWrites(2, 4));
    await first.log.close();
    // Restored: a copy of the folder from before that snapshot, holding no write.
    await assert.rejects(WriteLog.open(folder, lineage, 1), isAppErrorWithCode('wal_corrupt', /starts at write 4.*up to 0 only.*writes 1 to 3/s));
    const matching = await WriteLog.open(folder, lineage, 4);
    try {
      assertSameWrites(matching.records, sampleWrites(2, 4));
    } finally {
      await matching.log.close();
    }
  });

  /** A closed log of four writes whose second record has a byte flipped inside its JSON (its newline kept). */
  async function logWithSecondRecordDamaged(): Promise<{ folder: string; path: string; bytes: Buffer; secondLine: Buffer }> {
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, lineage, 1);
    await writeAll(first.log, sampleWrites(4));
    await first.log.close();
    const path = join(folder, segmentName(1));
    const bytes = await readFile(path);
    const secondLineStart = bytes.indexOf(0x0a) + 1;
    bytes[secondLineStart + 30] = bytes[secondLineStart + 30]! ^ 0x01;
    await writeFile(path, bytes);
    return { folder, path, bytes, secondLine: bytes.subarray(secondLineStart, bytes.indexOf(0x0a, secondLineStart) + 1) };
  }

  it('rejects a damaged record before the last one as wal_corrupt', async () => {
    const { folder, path, bytes } = await logWithSecondRecordDamaged();
    await assert.rejects(WriteLog.open(folder, lineage, 1), isAppErrorWithCode('wal_corrupt', /damaged.*--salvage-wal/));
    assert.deepEqual(await readFile(path), bytes, 'a corrupt log is left as it is');
  });

  it('regression: with salvage, replays every whole record, before and after a damaged one, and keeps its bytes beside the log (the only way past was to drop every write)', async () => {
    const { folder, secondLine } = await logWithSecondRecordDamaged();
    const salvaged = await WriteLog.open(folder, lineage, 1, { salvage: true });
    try {
      assert.deepEqual(
        salvaged.records.map((record) => record.seq),
        [1, 3, 4],
      );
      assert.equal(salvaged.salvaged?.records, 1);
      assert.deepEqual(await readFile(salvaged.salvaged!.keptIn), secondLine, 'the damaged line kept');
      assert.ok(!salvaged.salvaged!.keptIn.startsWith(`${folder}/`), 'outside the log folder');
      await salvaged.log.append(sampleWrites(1).map((write) => ({ ...write, seq: 5 })));
    } finally {
      await salvaged.log.close();
    }
    const reopened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.deepEqual(
        reopened.records.map((record) => record.seq),
        [1, 3, 4, 5],
        'the log reads whole again without salvage',
      );
    } finally {
      await reopened.log.close();
    }
  });

  it('regression: with salvage, starts past a damaged first record after a snapshot, and a refused start rewrites nothing (the gap it left was taken for a restored folder, after the log was rewritten)', async () => {
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, lineage, 1);
    await writeAll(first.log, sampleWrites(3));
    await first.log.close();
    const path = join(folder, segmentName(1));
    const bytes = await readFile(path);
    bytes[30] = bytes[30]! ^ 0x01;
    await writeFile(path, bytes);
    const salvaged = await WriteLog.open(folder, lineage, 1, { salvage: true });
    try {
      assert.deepEqual(
        salvaged.records.map((record) => record.seq),
        [2, 3],
      );
      assert.equal(salvaged.salvaged?.records, 1);
    } finally {
      await salvaged.log.close();
    }
    // Regression: the next start without salvage, before a snapshot folded the log, took the gap
    // the salvage left for a restored folder and refused to start (wal_corrupt, "starts at write 2").
    const reopened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.deepEqual(
        reopened.records.map((record) => record.seq),
        [1, 2, 3],
      );
      assert.deepEqual(reopened.records[0]!.changes, [], 'the lost write reads as an empty one');
    } finally {
      await reopened.log.close();
    }
    // A folder older than the log (writes 1 and 2 missing) is still refused, and the log left as it was.
    const older = await freshLogFolder();
    const log = await WriteLog.open(older, lineage, 1);
    await writeAll(log.log, sampleWrites(3));
    await log.log.rotate(4);
    await log.log.removeThrough(3);
    await writeAll(log.log, sampleWrites(2, 4));
    await log.log.close();
    const segment = join(older, segmentName(4));
    const damagedBytes = await readFile(segment);
    damagedBytes[30] = damagedBytes[30]! ^ 0x01;
    await writeFile(segment, damagedBytes);
    await assert.rejects(WriteLog.open(older, lineage, 1, { salvage: true }), isAppErrorWithCode('wal_corrupt', /starts at write 5/));
    assert.deepEqual(await readFile(segment), damagedBytes);
  });

  /** A closed log of `writes` whose last line `damage` changed on disk (given the file's bytes and where that line starts). */
  async function logWithLastLineDamaged(writes: ReturnType<typeof sampleWrites>, damage: (bytes: Buffer, lastLineStart: number) => void) {
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, lineage, 1);
    await writeAll(first.log, writes);
    await first.log.close();
    const path = join(folder, segmentName(1));
    const bytes = await readFile(path);
    const lastLineStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    damage(bytes, lastLineStart);
    await writeFile(path, bytes);
    return { folder, path, bytes, lastLineStart };
  }

  it('cuts off a last line with a page of zeros as a torn append, even with its newline', async () => {
    // Pages of one append may reach the disk out of order, and a page that did not reads as zeros:
    // such a complete-looking last line was never acknowledged.
    const writes = sampleWrites(3);
    const { folder, path, bytes, lastLineStart } = await logWithLastLineDamaged(writes, (bytes, start) =>
      bytes.fill(0, start + 20, Math.min(start + 60, bytes.length - 1)),
    );

    const opened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.equal(opened.truncatedBytes, bytes.length - lastLineStart);
      assertSameWrites(opened.records, writes.slice(0, 2));
      assert.equal((await stat(path)).size, lastLineStart);
    } finally {
      await opened.log.close();
    }
  });

  it('regression: cuts off a torn append of several writes whose first record holds a page of zeros, the records after it included (a group commit torn by a crash stopped start-up as wal_corrupt)', async () => {
    // One group commit is one append of several records; its pages may reach the disk out of
    // order, so a page of its first record can read as zeros while its later records are whole.
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, lineage, 1);
    const writes = sampleWrites(4);
    await writeAll(first.log, writes.slice(0, 2));
    await first.log.append(writes.slice(2));
    await first.log.close();
    const path = join(folder, segmentName(1));
    const bytes = await readFile(path);
    const groupStart = bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1) + 1;
    bytes.fill(0, groupStart + 20, groupStart + 60);
    await writeFile(path, bytes);

    const opened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.equal(opened.truncatedBytes, bytes.length - groupStart);
      assertSameWrites(opened.records, writes.slice(0, 2));
      assert.equal((await stat(path)).size, groupStart);
    } finally {
      await opened.log.close();
    }
  });

  it('regression: refuses a complete last line damaged after it was written (a flipped bit cut off an acknowledged write as a torn append)', async () => {
    const { folder, path, bytes } = await logWithLastLineDamaged(sampleWrites(3), (bytes, start) => {
      bytes[start + 20] = bytes[start + 20]! ^ 0x01;
    });
    await assert.rejects(WriteLog.open(folder, lineage, 1), isAppErrorWithCode('wal_corrupt', /damaged/));
    assert.deepEqual(await readFile(path), bytes, 'the acknowledged write is left on disk');
  });

  it('rejects a damaged checksum in a segment that is not the last', async () => {
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, lineage, 1);
    await writeAll(first.log, sampleWrites(2));
    await first.log.rotate(3);
    await writeAll(first.log, sampleWrites(2, 3));
    await first.log.close();

    // The last line of the first segment: a damaged complete record there is not a torn append.
    const path = join(folder, segmentName(1));
    const bytes = await readFile(path);
    const lastLineStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    bytes[lastLineStart] = bytes[lastLineStart] === 0x30 ? 0x31 : 0x30;
    await writeFile(path, bytes);

    await assert.rejects(WriteLog.open(folder, lineage, 1), isAppErrorWithCode('wal_corrupt'));
  });

  it('rejects sequence numbers that repeat', async () => {
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, lineage, 1);
    const [one, two] = sampleWrites(2);
    await first.log.append([one!]);
    await first.log.append([two!]);
    await first.log.append([{ ...two!, seq: 2 }]);
    await first.log.append([sampleWrites(1, 3)[0]!]);
    await first.log.close();
    await assert.rejects(WriteLog.open(folder, lineage, 1), isAppErrorWithCode('wal_corrupt', /sequence number 2/));
  });

  it('moves aside a log written for another lineage and starts empty', async () => {
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, 'lineage-old', 1);
    await writeAll(first.log, sampleWrites(3));
    await first.log.close();

    const opened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.ok(opened.movedAside, 'reports where the log went');
      assert.ok(opened.movedAside.startsWith(`${folder}.orphaned-`), opened.movedAside);
      assert.ok((await stat(opened.movedAside)).isDirectory());
      assert.deepEqual(await segments(opened.movedAside), [segmentName(1)]);
      assert.deepEqual(opened.records, []);
      assert.equal(opened.truncatedBytes, 0);
      assert.deepEqual(await segments(folder), [segmentName(1)]);
      assert.equal((await stat(join(folder, segmentName(1)))).size, 0);

      await opened.log.append([sampleWrites(1)[0]!]);
    } finally {
      await opened.log.close();
    }
    const reopened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.equal(reopened.movedAside, undefined);
      assertSameWrites(reopened.records, sampleWrites(1));
    } finally {
      await reopened.log.close();
    }
  });
});

describe('WriteLog segments', () => {
  it('rotate starts a new segment that later appends go to', async () => {
    const folder = await freshLogFolder();
    const opened = await WriteLog.open(folder, lineage, 1);
    await writeAll(opened.log, sampleWrites(3));
    await opened.log.rotate(4);
    assert.deepEqual(await segments(folder), [segmentName(1), segmentName(4)]);
    await opened.log.rotate(4); // the current segment already: nothing happens
    assert.deepEqual(await segments(folder), [segmentName(1), segmentName(4)]);
    const later = sampleWrites(2, 4);
    await writeAll(opened.log, later);
    await opened.log.close();

    const segment1 = (await readFile(join(folder, segmentName(1)), 'utf8')).trimEnd().split('\n');
    const segment4 = (await readFile(join(folder, segmentName(4)), 'utf8')).trimEnd().split('\n');
    assert.equal(segment1.length, 3);
    assert.equal(segment4.length, 2);

    const reopened = await WriteLog.open(folder, lineage, 1);
    try {
      assertSameWrites(reopened.records, [...sampleWrites(3), ...later]);
    } finally {
      await reopened.log.close();
    }
  });

  it('removeThrough deletes only segments wholly at or below seq, never the current one', async () => {
    const folder = await freshLogFolder();
    const opened = await WriteLog.open(folder, lineage, 1);
    const log = opened.log;
    try {
      await writeAll(log, sampleWrites(3)); // segment 1: 1..3
      await log.rotate(4);
      await writeAll(log, sampleWrites(3, 4)); // segment 4: 4..6
      await log.rotate(7);
      await writeAll(log, sampleWrites(2, 7)); // segment 7 (current): 7..8

      await log.removeThrough(2); // segment 1 still holds 3
      assert.deepEqual(await segments(folder), [segmentName(1), segmentName(4), segmentName(7)]);

      await log.removeThrough(3);
      assert.deepEqual(await segments(folder), [segmentName(4), segmentName(7)]);

      await log.removeThrough(5); // segment 4 still holds 6
      assert.deepEqual(await segments(folder), [segmentName(4), segmentName(7)]);

      await log.removeThrough(1000); // the current segment stays, whatever seq says
      assert.deepEqual(await segments(folder), [segmentName(7)]);

      await log.append([sampleWrites(1, 9)[0]!]);
    } finally {
      await log.close();
    }
    // As the folder a snapshot through write 6 left: it needs the log from write 7.
    const reopened = await WriteLog.open(folder, lineage, 7);
    try {
      assertSameWrites(reopened.records, [...sampleWrites(2, 7), ...sampleWrites(1, 9)]);
    } finally {
      await reopened.log.close();
    }
  });

  it('removeThrough right after a rotate removes the covered segment only', async () => {
    const folder = await freshLogFolder();
    const opened = await WriteLog.open(folder, lineage, 1);
    try {
      await writeAll(opened.log, sampleWrites(2));
      await opened.log.rotate(3);
      await opened.log.removeThrough(2);
      assert.deepEqual(await segments(folder), [segmentName(3)]);
      await opened.log.removeThrough(0);
      assert.deepEqual(await segments(folder), [segmentName(3)]);
    } finally {
      await opened.log.close();
    }
  });

  it('replays across segments in order after removal', async () => {
    const folder = await freshLogFolder();
    const first = await WriteLog.open(folder, lineage, 1);
    await writeAll(first.log, sampleWrites(2));
    await first.log.rotate(3);
    await writeAll(first.log, sampleWrites(2, 3));
    await first.log.removeThrough(2);
    await first.log.close();

    // As at start-up after a snapshot at seq 2: the index says next is 3.
    const reopened = await WriteLog.open(folder, lineage, 3);
    try {
      assertSameWrites(reopened.records, sampleWrites(2, 3));
      assert.deepEqual(await segments(folder), [segmentName(3), segmentName(5)]);
    } finally {
      await reopened.log.close();
    }
  });
});

describe('WriteLog failed appends', () => {
  /** Replaces a FileHandle method (for every handle) until the returned function is called. */
  async function patchFileHandle(
    name: 'write' | 'datasync',
    replacement: (original: (...args: unknown[]) => Promise<unknown>) => (...args: unknown[]) => Promise<unknown>,
  ) {
    const probe = await open(join(root(), 'probe'), 'a');
    const prototype = Object.getPrototypeOf(probe) as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await probe.close();
    const original = prototype[name]!;
    prototype[name] = replacement(original);
    return () => {
      prototype[name] = original;
    };
  }

  it('an append whose flush fails leaves nothing behind, so the write can be retried under its seq', async () => {
    const folder = await freshLogFolder();
    const opened = await WriteLog.open(folder, lineage, 1);
    const [one, two] = sampleWrites(2);
    await opened.log.append([one!]);
    const restore = await patchFileHandle('datasync', () => () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
    try {
      await assert.rejects(opened.log.append([two!]), /EIO/);
    } finally {
      restore();
    }
    // The caller reported the write as not applied and reuses seq 2 for the next one (as WriteService does).
    await opened.log.append([two!]);
    await opened.log.close();

    const reopened = await WriteLog.open(folder, lineage, 1);
    try {
      assertSameWrites(reopened.records, [one!, two!]);
    } finally {
      await reopened.log.close();
    }
  });

  it('an append never reports success for a line only partly written', async () => {
    const folder = await freshLogFolder();
    const opened = await WriteLog.open(folder, lineage, 1);
    const [one, two] = sampleWrites(2);
    await opened.log.append([one!]);
    // write(2) may write fewer bytes than asked (a full disk); Node reports that in bytesWritten.
    const restore = await patchFileHandle(
      'write',
      (original) =>
        function (this: unknown, data: unknown, ...rest: unknown[]) {
          return original.call(this, typeof data === 'string' ? data.slice(0, Math.floor(data.length / 2)) : data, ...rest);
        },
    );
    let acknowledged = false;
    try {
      await opened.log.append([two!]);
      acknowledged = true;
    } catch {
      // Refusing the write is fine: it was never acknowledged.
    } finally {
      restore();
      await opened.log.close();
    }
    const reopened = await WriteLog.open(folder, lineage, 1);
    try {
      assert.deepEqual(
        reopened.records.map((record) => record.seq),
        acknowledged ? [1, 2] : [1],
        acknowledged ? 'an acknowledged write was lost at replay' : undefined,
      );
    } finally {
      await reopened.log.close();
    }
  });
});

describe('WriteLog ownership by one process', () => {
  const lockOf = (folder: string) => `${folder}.lock`;
  const holder = (pid: number, host = hostname()) => `${JSON.stringify({ pid, host, since: '2026-01-01T00:00:00.000Z' })}\n`;

  it('regression: refuses a log another running process on this host holds (a second server tidied the first one’s log, and an acknowledged write was lost)', async () => {
    const folder = await freshLogFolder();
    await writeFile(lockOf(folder), holder(process.ppid));
    await assert.rejects(WriteLog.open(folder, lineage, 1), isAppErrorWithCode('index_locked', new RegExp(`process ${process.ppid}`)));
    assert.equal(await readFile(lockOf(folder), 'utf8'), holder(process.ppid), 'the holder keeps its lock');
  });

  it('regression: takes over a lock whose process was killed but not yet reaped (a zombie counted as running, and a restart was refused)', async () => {
    // The background sleep ends first; its parent, exec'd into the longer sleep, never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5']);
    const zombie = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    try {
      await setTimeout(500);
      assert.match(await readFile(`/proc/${zombie}/stat`, 'utf8'), /\) Z /, 'the child is a zombie');
      const folder = await freshLogFolder();
      await writeFile(lockOf(folder), holder(zombie));
      const opened = await WriteLog.open(folder, lineage, 1);
      assert.deepEqual([opened.lockTakenOver?.holder.pid, opened.lockTakenOver?.checked], [zombie, true]);
      await opened.log.close();
    } finally {
      parent.kill();
    }
  });

  it('holds the log while open and lets it go on close', async () => {
    const folder = await freshLogFolder();
    const opened = await WriteLog.open(folder, lineage, 1);
    assert.equal((JSON.parse(await readFile(lockOf(folder), 'utf8')) as { pid: number }).pid, process.pid);
    assert.equal(opened.lockTakenOver, undefined);
    await opened.log.close();
    await assert.rejects(stat(lockOf(folder)), { code: 'ENOENT' });
  });

  it('takes over a lock left by a process that died, by this very process id, or by another host, and says whose it was', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    for (const [pid, host] of [
      [deadPid, hostname()],
      [process.pid, hostname()],
      [process.ppid, 'another-host'],
    ] as const) {
      const folder = await freshLogFolder();
      await writeFile(lockOf(folder), holder(pid, host));
      const opened = await WriteLog.open(folder, lineage, 1);
      assert.deepEqual(opened.lockTakenOver, { holder: { pid, host, since: '2026-01-01T00:00:00.000Z' }, checked: host === hostname() });
      await opened.log.close();
    }
    // Another process now has the id (its start time differs from the one the lock recorded).
    const reused = await freshLogFolder();
    await writeFile(lockOf(reused), `${JSON.stringify({ pid: process.ppid, host: hostname(), since: '2026-01-01T00:00:00.000Z', processStartedAt: '1' })}\n`);
    await (await WriteLog.open(reused, lineage, 1)).log.close();
    const halfWritten = await freshLogFolder();
    await writeFile(lockOf(halfWritten), '');
    await (await WriteLog.open(halfWritten, lineage, 1)).log.close();
  });
});
