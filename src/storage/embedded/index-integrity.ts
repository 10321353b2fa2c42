import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../errors.js';
import { startWorkerTask } from '../../shared/worker-threads.js';
import type { Manifest } from './manifest.js';

export type FileChecksum = NonNullable<Manifest['checksums']>[string];

/** How thoroughly to check: `load` hashes the files the server reads at start, `full` every file. */
export type VerifyDepth = 'load' | 'full';

export interface FileVerdict {
  file: string;
  ok: boolean;
  /** What was checked: the size alone, or the SHA-256 too. */
  checked: 'size' | 'sha256';
  problem?: string;
}

/**
 * Files whose damage would be served (or crash the process) rather than caught by a format check
 * of their own: the graph, the records and the raw vectors (recommend and the cosines of hits
 * read them). About 110 ms of SHA-256 per 120 MB file, a third of a second at 74,728 papers.
 */
const hashedAtLoad = new Set(['hnsw', 'papers', 'vectors']);

/** Size and SHA-256 of a file, streamed. */
export async function checksumOf(path: string): Promise<FileChecksum> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Checks the index files against the checksums the manifest recorded. Every file's size is
 * checked; at `load` the files of hashedAtLoad are hashed too (the BM25 file, the related lists
 * and the map layout carry their own checks, made as they load), and with `full` every file is
 * hashed, the large ones each on a thread of its own, side by side. A folder written before
 * checksums were recorded is checked for nothing and says so.
 */
export async function verifyIndexFiles(folder: string, manifest: Manifest, depth: VerifyDepth): Promise<FileVerdict[] | 'no checksums'> {
  const recorded = manifest.checksums;
  if (!recorded) return 'no checksums';
  return Promise.all(
    Object.entries(manifest.files).map(async ([role, file]): Promise<FileVerdict> => {
      const expected = recorded[file];
      if (!expected) return { file, ok: false, checked: 'size', problem: 'no checksum recorded for it' };
      const path = join(folder, file);
      const size = await stat(path).then(
        (found) => found.size,
        () => undefined,
      );
      if (size === undefined) return { file, ok: false, checked: 'size', problem: 'missing' };
      if (size !== expected.bytes) return { file, ok: false, checked: 'size', problem: `${size} bytes, ${expected.bytes} recorded` };
      if (depth === 'load' && !hashedAtLoad.has(role)) return { file, ok: true, checked: 'size' };
      const actual = size >= hashedOnOwnThreadBytes ? await checksumOnOwnThread(path) : await checksumOf(path);
      return actual.sha256 === expected.sha256
        ? { file, ok: true, checked: 'sha256' }
        : { file, ok: false, checked: 'sha256', problem: 'its SHA-256 differs from the one recorded' };
    }),
  );
}

/** Files this large are hashed on a thread of their own: a thread costs a few milliseconds to start, hashing 32 MiB about 30. */
const hashedOnOwnThreadBytes = 32 * 1024 * 1024;

async function checksumOnOwnThread(path: string): Promise<FileChecksum> {
  const answer = await startWorkerTask<{ checksum: FileChecksum }>(import.meta.url, 'checksum-worker', { path }).answer;
  // A file that cannot be read (EACCES, EIO, no descriptor left) is not a damaged one: said as the
  // file system said it, as a file hashed on this thread would be.
  if (!answer.ok) throw new Error(`${path} could not be read: ${answer.message}`);
  return answer.checksum;
}

/** Refuses a damaged folder with the files at fault and the fix. */
export function assertIntact(folder: string, verdicts: FileVerdict[] | 'no checksums'): void {
  if (verdicts === 'no checksums') return;
  const damaged = verdicts.filter((verdict) => !verdict.ok);
  if (damaged.length === 0) return;
  throw new AppError(
    'index_corrupt',
    `The index at ${folder} is damaged: ${damaged.map((verdict) => `${verdict.file} (${verdict.problem})`).join('; ')}. ` +
      `Rebuild the index with: npm run ingest -- --input <papers file> --index ${folder} (or restore the folder from a backup).`,
    { details: { damaged } },
  );
}
