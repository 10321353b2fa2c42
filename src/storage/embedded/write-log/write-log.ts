import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../errors.js';
import { turnsEvery } from '../../../shared/event-loop-turns.js';
import { fsyncPath, setAsidePathOf, writeFileAtomic } from '../../../shared/fs-atomic.js';
import type { PaperChange } from '../../paper-storage.js';
import { decodeLogRecord, encodeLogRecord, encodeLogRecordInTurns, type LogRecord } from './write-log-record.js';
import { lockFolder, type TakenOverLock } from '../folder-lock.js';

/** One acknowledged write: all its changes are applied together or not at all. */
export interface LoggedWrite {
  seq: number;
  changes: PaperChange[];
}

export interface OpenedLog {
  log: WriteLog;
  /** Every complete record in the log, in order (the caller skips those its index already holds). */
  records: LoggedWrite[];
  /** Where a log written for another index build was moved, if one was found. */
  movedAside?: string;
  /** Bytes of an incomplete last record (a crash mid-append, never acknowledged) that were cut off. */
  truncatedBytes: number;
  /** A lock left on the log that was taken over (see lockFolder). */
  lockTakenOver?: TakenOverLock;
  /** With `salvage`: the damaged records left out, and the file beside the log that keeps their bytes. */
  salvaged?: { records: number; keptIn: string };
}

export interface WriteLogOptions {
  /**
   * Leave out records damaged after they were written (a bad line that is not a torn last append),
   * keeping their bytes in a file beside the log, and replay the rest: without it, such damage
   * stops start-up (`wal_corrupt`), since acknowledged writes would be lost.
   */
  salvage?: boolean;
}

const segmentPattern = /^wal-(\d{12})\.log$/;

/**
 * Milliseconds of records read (at start) or encoded (at each append) per turn of the event
 * loop: 5,000 logged writes take about half a second to check and decode, and a write of 1,000
 * papers can be 30 MB of JSON to encode.
 */
const turnMs = 10;

/**
 * The write-ahead log: every write is appended here and flushed to disk (fdatasync) before it is
 * acknowledged, and replayed at start onto the last snapshot. One line per write (see
 * write-log-record.ts), with its vectors, so replay never calls the model and gives exactly the
 * vectors that were served. A crash mid-append can leave the log's end, from a line of that
 * append on, cut short or holding pages of zeros (one append may hold several records, and its
 * pages reach the disk in any order): those writes were never acknowledged, so they are cut off.
 * A bad line anywhere else is corruption and stops start-up rather than silently dropping
 * acknowledged writes.
 *
 * The log is a folder of segments named by the first sequence number they may hold; a snapshot
 * starts a new segment, and once the snapshot is safely in place the segments it covers are
 * removed. Each record names the index build (lineage) it applies to, so a log left beside an
 * index that was since rebuilt by ingestion is moved aside, never replayed onto the wrong papers.
 */
export class WriteLog {
  /**
   * Set when a failed append could not be undone, or the log's folder moved away: nothing more may
   * be appended. `reason` is said in /readyz, `error` thrown to each append.
   */
  private broken: { reason: string; error: Error } | undefined;

  private constructor(
    private readonly folder: string,
    private readonly lineage: string,
    private handle: FileHandle,
    private segmentStart: number,
    /** Bytes of the current segment: where the next record starts. */
    private size: number,
    private readonly unlock: () => Promise<void>,
  ) {}

  /** Opens the log for this process alone (see lockFolder): taken before anything in it is touched. */
  static async open(folder: string, lineage: string, nextSeq: number, options: WriteLogOptions = {}): Promise<OpenedLog> {
    const lock = await lockFolder(folder, 'write-ahead log');
    try {
      let movedAside: string | undefined;
      let scan = await scanFolder(folder, options.salvage ?? false);
      if (scan.records.some((record) => record.lineage !== lineage)) {
        movedAside = setAsidePathOf(folder, 'orphaned');
        await rename(folder, movedAside);
        scan = { records: [], truncatedBytes: 0, salvage: undefined };
      }
      // Checked before a salvage rewrites anything: a refused start leaves the log as it found it.
      // Damaged records left out before the first whole one account for as many missing writes.
      assertContinues(folder, scan.records[0]?.seq, nextSeq, scan.salvage?.damagedBeforeFirst ?? 0);
      const salvaged = scan.salvage && (await applySalvage(folder, lostWritesKept(scan.salvage, lineage, nextSeq, scan.records[0]?.seq)));
      await mkdir(folder, { recursive: true });
      const lastSeq = scan.records.at(-1)?.seq ?? 0;
      const start = Math.max(nextSeq, lastSeq + 1);
      const handle = await openSegment(folder, start);
      const { size } = await handle.stat();
      const records = scan.records.map(({ seq, changes }) => ({ seq, changes }));
      const log = new WriteLog(folder, lineage, handle, start, size, lock.release);
      return {
        log,
        records,
        movedAside,
        truncatedBytes: scan.truncatedBytes,
        ...(lock.tookOver ? { lockTakenOver: lock.tookOver } : {}),
        ...(salvaged ? { salvaged } : {}),
      };
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /**
   * Appends writes (one record each, flushed together) and returns once they are on disk.
   * Callers serialize appends. A failed or short write, or a failed flush, cuts the segment back
   * to where the records began (so the log
   * never holds a write that was refused, and its sequence numbers can be used again); if even
   * that fails the log refuses every later append rather than risk a damaged log.
   */
  async append(writes: readonly LoggedWrite[]): Promise<void> {
    if (this.broken) throw this.broken.error;
    await this.assertStillInPlace();
    const turn = turnsEvery(turnMs);
    const records: Buffer[] = [];
    for (const write of writes) records.push(await encodeLogRecordInTurns({ seq: write.seq, lineage: this.lineage, changes: write.changes }, turn));
    const line = Buffer.concat(records);
    const start = this.size;
    try {
      let written = 0;
      while (written < line.length) {
        const { bytesWritten } = await this.handle.write(line, written, line.length - written);
        if (bytesWritten <= 0) throw new Error('the disk accepted no bytes');
        written += bytesWritten;
      }
      await this.handle.datasync();
      this.size = start + line.length;
    } catch (error) {
      try {
        await this.handle.truncate(start);
        // The next append's flush makes the cut durable if this one cannot.
        await this.handle.datasync().catch(() => undefined);
      } catch (undo) {
        const reason = 'the write-ahead log could not be restored after a failed append';
        this.broken = { reason, error: new Error(`${reason} (${(undo as Error).message}); restart the service`) };
      }
      throw error;
    }
  }

  /** Why the log takes no more appends (see append), if it does not, in words fit for /readyz: the server needs a restart. */
  get failure(): string | undefined {
    return this.broken?.reason;
  }

  /**
   * Refuses to append once the segment's name no longer leads to the open file (its folder moved
   * or deleted while the server ran, by an operator or a temp-file cleaner): the write would land
   * where no start looks, or nowhere, and be acknowledged all the same. Two stats, against the
   * flush each append waits for.
   */
  private async assertStillInPlace(): Promise<void> {
    const path = join(this.folder, segmentName(this.segmentStart));
    // Only a name that leads nowhere, or elsewhere, breaks the log; another failure to stat (EIO) fails this append alone.
    const gone = (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' || error.code === 'ENOTDIR' ? undefined : Promise.reject(error));
    const [open, named] = await Promise.all([this.handle.stat(), stat(path).catch(gone)]);
    if (named && named.ino === open.ino && named.dev === open.dev) return;
    // Named by its setting: the message reaches clients, which do not learn where the server keeps its files.
    const reason = 'the write-ahead log (WAL_DIR) was moved or deleted while the server ran';
    this.broken = { reason, error: new Error(`${reason}; restart the service (writes are refused until then)`) };
    throw this.broken.error;
  }

  /** Starts a new segment at `nextSeq`; the ones before it can be removed once a snapshot holds them. */
  async rotate(nextSeq: number): Promise<void> {
    if (nextSeq === this.segmentStart) return;
    // A folder moved or deleted away is made again, so that the snapshot this rotation is for can
    // fold every write acknowledged so far into the index folder (the moved log is where no start looks).
    await mkdir(this.folder, { recursive: true });
    const handle = await openSegment(this.folder, nextSeq);
    const { size } = await handle.stat();
    await this.handle.close();
    this.handle = handle;
    this.segmentStart = nextSeq;
    this.size = size;
  }

  /** Removes the segments holding only writes up to `seq` (already in a snapshot). */
  async removeThrough(seq: number): Promise<void> {
    const starts = await segmentStarts(this.folder);
    for (let i = 0; i + 1 < starts.length; i++) {
      if (starts[i + 1]! - 1 <= seq && starts[i]! !== this.segmentStart) await rm(join(this.folder, segmentName(starts[i]!)), { force: true });
    }
  }

  /** Bytes in every segment of the log. */
  async bytes(): Promise<number> {
    // A snapshot may remove a segment between the listing and its stat: it no longer counts.
    const sizes = await Promise.all(
      (await segmentStarts(this.folder)).map((start) =>
        stat(join(this.folder, segmentName(start))).then(
          ({ size }) => size,
          (error: NodeJS.ErrnoException) => {
            if (error.code === 'ENOENT') return 0;
            throw error;
          },
        ),
      ),
    );
    return sizes.reduce((sum, size) => sum + size, 0);
  }

  async close(): Promise<void> {
    await this.handle.close();
    await this.unlock();
  }
}

async function openSegment(folder: string, start: number): Promise<FileHandle> {
  const handle = await open(join(folder, segmentName(start)), 'a');
  try {
    // The new file's directory entry must be durable too, or a crash could lose the whole segment.
    await fsyncPath(folder);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

function segmentName(start: number): string {
  return `wal-${String(start).padStart(12, '0')}.log`;
}

/**
 * How many writes the log at `folder` holds for the index build `lineage` (records ended by their
 * line break), read without opening it: a process that does not own the log may ask (ingestion,
 * about to rebuild the index it belongs to). Its segments hold only writes since the last
 * snapshot, all of one build (a server moves aside a log of another build before it appends): a
 * log left by an earlier build, not yet set aside, holds none of this one's.
 */
export async function countLoggedWrites(folder: string, lineage: string): Promise<number> {
  const segments = await segmentStarts(folder);
  if (segments.length === 0 || (await lineageOfFirstRecord(join(folder, segmentName(segments[0]!)))) !== lineage) return 0;
  let count = 0;
  for (const start of segments) {
    // Streamed: a log may hold many large writes, and only their line breaks are wanted.
    try {
      for await (const chunk of createReadStream(join(folder, segmentName(start))) as AsyncIterable<Buffer>) {
        for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) count++;
      }
    } catch (error) {
      // A running server's snapshot may remove a segment once it is listed.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return count;
}

/** The build a log segment's first record names (records begin `<crc> {"v":…,"seq":…,"lineage":"…"`), if it has one. */
async function lineageOfFirstRecord(segment: string): Promise<string | undefined> {
  let head = '';
  try {
    for await (const chunk of createReadStream(segment, { start: 0, end: 4095 }) as AsyncIterable<Buffer>) head += chunk.toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return /"lineage":"([^"]*)"/.exec(head)?.[1];
}

/**
 * Refuses a log whose first write comes after the next one the index folder needs: the writes
 * between were folded into a snapshot that this folder is not (an older copy of the folder
 * restored beside the log), and replaying the rest would silently drop them.
 */
function assertContinues(folder: string, firstSeq: number | undefined, nextSeq: number, damagedBefore = 0): void {
  if (firstSeq === undefined || firstSeq <= nextSeq + damagedBefore) return;
  throw new AppError(
    'wal_corrupt',
    `The write-ahead log ${folder} starts at write ${firstSeq}, but the index folder holds the writes up to ${nextSeq - 1} only: writes ${nextSeq} to ${firstSeq - 1} are in neither (was an older copy of the index folder restored?). Restore the index folder that goes with this log, or move the log folder aside to start without its writes.`,
  );
}

async function segmentStarts(folder: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => segmentPattern.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
}

/**
 * What a start would find in the log at `folder`, changing nothing (for `doctor`): how many writes
 * it holds and the bytes of a torn last append it would cut off; damage a start refuses is thrown
 * as that start throws it (wal_corrupt). An absent folder holds nothing.
 */
export async function inspectWriteLog(folder: string, lineage: string, nextSeq: number): Promise<{ writes: number; tornBytes: number; otherBuild: boolean }> {
  const scan = await scanFolder(folder, false, { changeNothing: true });
  if (scan.records.some((record) => record.lineage !== lineage)) return { writes: scan.records.length, tornBytes: scan.truncatedBytes, otherBuild: true };
  assertContinues(folder, scan.records[0]?.seq, nextSeq);
  return { writes: scan.records.filter((record) => record.seq >= nextSeq).length, tornBytes: scan.truncatedBytes, otherBuild: false };
}

/** What a salvage leaves out: the damaged lines, the segments rewritten without them, and how many came before the first whole record. */
interface SalvagePlan {
  damaged: Buffer[];
  rewritten: Map<string, Buffer[]>;
  damagedBeforeFirst: number;
  /** The segment that held the first of those, where the writes they stood for are kept as empty ones (see lostWritesKept). */
  headSegment: string | undefined;
}

/**
 * The plan with the writes the index folder needs next that were among the damaged lines before
 * the first whole record written back as empty records: left out, the log would start after the
 * writes the folder holds, and every later start would take the gap for an older folder restored
 * beside the log (wal_corrupt) until a snapshot folded it. Their changes are lost either way.
 */
function lostWritesKept(plan: SalvagePlan, lineage: string, nextSeq: number, firstSeq: number | undefined): SalvagePlan {
  if (plan.headSegment === undefined || firstSeq === undefined || firstSeq <= nextSeq) return plan;
  const lost = Array.from({ length: firstSeq - nextSeq }, (_, i) => encodeLogRecord({ seq: nextSeq + i, lineage, changes: [] }));
  const rewritten = new Map(plan.rewritten);
  rewritten.set(plan.headSegment, [...lost, ...(plan.rewritten.get(plan.headSegment) ?? [])]);
  return { ...plan, rewritten };
}

/** Keeps the damaged bytes outside the log folder first, then rewrites each segment without them. */
async function applySalvage(folder: string, plan: SalvagePlan): Promise<{ records: number; keptIn: string }> {
  const keptIn = `${setAsidePathOf(folder, 'damaged')}.log`;
  await writeFileAtomic(keptIn, Buffer.concat(plan.damaged));
  for (const [path, lines] of plan.rewritten) await writeFileAtomic(path, Buffer.concat(lines));
  return { records: plan.damaged.length, keptIn };
}

async function scanFolder(
  folder: string,
  salvage: boolean,
  { changeNothing = false } = {},
): Promise<{ records: LogRecord[]; truncatedBytes: number; salvage: SalvagePlan | undefined }> {
  const segments = await segmentStarts(folder);
  const records: LogRecord[] = [];
  let truncatedBytes = 0;
  /** Damaged lines left out with `salvage`, and the segments they were cut from (rewritten without them). */
  const damaged: Buffer[] = [];
  let damagedBeforeFirst = 0;
  let headSegment: string | undefined;
  const rewritten = new Map<string, Buffer[]>();
  const contents = await Promise.all(segments.map((start) => readFile(join(folder, segmentName(start)))));
  const turn = turnsEvery(turnMs);
  for (const [i, start] of segments.entries()) {
    const path = join(folder, segmentName(start));
    const bytes = contents[i]!;
    if (bytes.length === 0) {
      // An empty segment holds nothing, and left in place it would break the rule that a segment
      // holds the writes from its start to the next segment's (a log reused after a rebuild can
      // leave one ahead of the writes to come).
      if (!changeNothing) await rm(path, { force: true });
      continue;
    }
    let offset = 0;
    const kept: Buffer[] = [];
    while (offset < bytes.length) {
      await turn();
      const end = bytes.indexOf(0x0a, offset);
      const record = end === -1 ? undefined : decodeLogRecord(bytes.subarray(offset, end), path);
      if (!record) {
        // Only the end of the log can be a torn append; anything else lost acknowledged data. A
        // group commit appends several records at once, so a page of its first record that never
        // reached the disk can come before records of the same append that did: from there on,
        // nothing was acknowledged.
        const isTail =
          contents.slice(i + 1).every((later) => later.length === 0) &&
          holdsWritesBefore(records.at(-1)?.seq ?? start - 1, segments[i + 1]) &&
          (end === -1 || hasUnwrittenPage(bytes.subarray(offset, end)));
        if (!isTail && salvage) {
          const lineEnd = end === -1 ? bytes.length : end + 1;
          damaged.push(bytes.subarray(offset, lineEnd));
          if (records.length === 0) {
            headSegment ??= path;
            damagedBeforeFirst++;
          }
          rewritten.set(path, kept);
          offset = lineEnd;
          continue;
        }
        if (!isTail)
          throw new AppError(
            'wal_corrupt',
            `The write-ahead log ${path} is damaged at byte ${offset}: an acknowledged write recorded there cannot be read. Start once with \`paper-search serve --salvage-wal\` to replay the writes it still holds whole and keep the damaged bytes aside, or move the folder aside to start without any of them.`,
          );
        truncatedBytes = bytes.length - offset;
        if (changeNothing) break;
        const handle = await open(path, 'r+');
        try {
          await handle.truncate(offset);
          await handle.sync();
        } finally {
          await handle.close();
        }
        break;
      }
      const previous = records.at(-1);
      if (previous && record.seq <= previous.seq)
        throw new AppError('wal_corrupt', `The write-ahead log ${path} repeats or reorders sequence number ${record.seq}.`);
      records.push(record);
      kept.push(bytes.subarray(offset, end + 1));
      offset = end + 1;
    }
  }
  return { records, truncatedBytes, salvage: damaged.length === 0 ? undefined : { damaged, rewritten, damagedBeforeFirst, headSegment } };
}

/**
 * Whether the writes read so far reach the start of the segment after them: a segment is named
 * by the write after the last one complete when it was made (at a start, after a torn append was
 * cut off; or by a snapshot, between writes), so writes missing below its start were acknowledged
 * and lost since, not torn. (Appends may go on in an earlier segment if making the next one
 * failed halfway, so a torn append can still come before an empty later segment.)
 */
function holdsWritesBefore(lastSeq: number, nextSegmentStart: number | undefined): boolean {
  return nextSegmentStart === undefined || lastSeq >= nextSegmentStart - 1;
}

/**
 * Whether a complete line shows a page of its append that never reached the disk: pages of one
 * append may be written out of order, and a file's new blocks read as zeros until written. A
 * record never holds a zero byte (JSON escapes it), so a complete line without one that fails its
 * checksum was damaged after it was written, and was acknowledged: corruption, not a torn append.
 */
function hasUnwrittenPage(line: Buffer): boolean {
  return line.includes(0);
}
