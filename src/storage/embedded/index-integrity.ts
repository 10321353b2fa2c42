import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../errors.js';
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

/** Files whose damage would be served (or crash the process) rather than caught by a format check of their own. */
const hashedAtLoad = new Set(['hnsw', 'papers']);

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
 * checked; at `load` the graph and the paper records are hashed too (the BM25 file carries its
 * own CRC, checked as it loads, and the raw vectors are read only by snapshots, which check them
 * first), and with `full` every file is hashed. A folder written before checksums were recorded
 * is checked for nothing and says so.
 */
export async function verifyIndexFiles(folder: string, manifest: Manifest, depth: VerifyDepth): Promise<FileVerdict[] | 'no checksums'> {
  const recorded = manifest.checksums;
  if (!recorded) return 'no checksums';
  const verdicts: FileVerdict[] = [];
  for (const [role, file] of Object.entries(manifest.files)) {
    const expected = recorded[file];
    const path = join(folder, file);
    if (!expected) {
      verdicts.push({ file, ok: false, checked: 'size', problem: 'no checksum recorded for it' });
      continue;
    }
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      verdicts.push({ file, ok: false, checked: 'size', problem: 'missing' });
      continue;
    }
    if (size !== expected.bytes) {
      verdicts.push({ file, ok: false, checked: 'size', problem: `${size} bytes, ${expected.bytes} recorded` });
      continue;
    }
    if (depth === 'load' && !hashedAtLoad.has(role)) {
      verdicts.push({ file, ok: true, checked: 'size' });
      continue;
    }
    const actual = await checksumOf(path);
    verdicts.push(
      actual.sha256 === expected.sha256
        ? { file, ok: true, checked: 'sha256' }
        : { file, ok: false, checked: 'sha256', problem: 'its SHA-256 differs from the one recorded' },
    );
  }
  return verdicts;
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
