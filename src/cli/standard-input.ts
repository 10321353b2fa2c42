import { createWriteStream } from 'node:fs';
import { open, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError, isDiskFull } from '../errors.js';
import { makeTemporaryFolder, type TemporaryFolder } from '../shared/temporary-folder.js';
import { UsageError } from './exit-codes.js';

/** The `--input` that names standard input. */
const standardInputFlag = '-';

/** An input as a command reads it: a path, and what messages call it. */
export interface NamedInput {
  path: string;
  name: string;
}

/** A zip archive's first bytes: its format is told by its name, so the copy of one is named so. */
const zipMagic = Buffer.from('PK\x03\x04', 'latin1');

/**
 * Runs `use` on the input `--input` names. `-` is standard input, copied first to a private file
 * in TMPDIR (so it needs room there): the readers tell a format from its first bytes and then
 * read it from the start again, which a pipe cannot do. The copy is removed afterwards, and
 * however the process ends (see makeTemporaryFolder).
 */
export async function withNamedInput<T>(input: string, use: (input: NamedInput) => Promise<T>): Promise<T> {
  if (input !== standardInputFlag) return use({ path: input, name: input });
  if (process.stdin.isTTY) throw new UsageError('--input - reads the papers from standard input: pipe them in (cat library.bib | paper-search ... --input -).');
  let folder: TemporaryFolder;
  try {
    folder = makeTemporaryFolder('paper-search-stdin-', { endOnSignal: true });
  } catch (error) {
    throw copyFailure(error);
  }
  try {
    return await use({ path: await copyOfStandardInput(folder.path), name: 'standard input' });
  } finally {
    await folder.remove();
  }
}

async function copyOfStandardInput(dir: string): Promise<string> {
  const path = join(dir, 'standard-input');
  try {
    await pipeline(process.stdin, createWriteStream(path));
  } catch (error) {
    throw copyFailure(error);
  }
  if ((await stat(path)).size === 0)
    throw new AppError('input_unreadable', 'Standard input is empty: pipe the papers in (cat library.bib | paper-search ... --input -).');
  const head = Buffer.alloc(zipMagic.length);
  const file = await open(path);
  try {
    await file.read(head, 0, head.length, 0);
  } finally {
    await file.close();
  }
  if (!head.equals(zipMagic)) return path;
  await rename(path, `${path}.zip`);
  return `${path}.zip`;
}

function copyFailure(error: unknown): AppError {
  const reason = error instanceof Error ? error.message : String(error);
  return isDiskFull(error)
    ? new AppError('disk_full', `No room in ${tmpdir()} (TMPDIR) for the copy of standard input: free space there, or set TMPDIR to a folder with room.`)
    : new AppError('input_unreadable', `Cannot copy standard input to ${tmpdir()} (TMPDIR): ${reason}`);
}
