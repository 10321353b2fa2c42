import { createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError, isDiskFull } from '../errors.js';
import { UsageError } from './exit-codes.js';
import { dieOfSignal, onProcessEnd } from './process-end.js';

/** The `--input` that names standard input. */
export const standardInputFlag = '-';

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
 * however the process ends (see process-end.ts).
 */
export async function withNamedInput<T>(input: string, use: (input: NamedInput) => Promise<T>): Promise<T> {
  if (input !== standardInputFlag) return use({ path: input, name: input });
  if (process.stdin.isTTY) throw new UsageError('--input - reads the papers from standard input: pipe them in (cat library.bib | paper-search ... --input -).');
  const dir = await mkdtemp(join(tmpdir(), 'paper-search-stdin-')).catch((error: unknown) => {
    throw copyFailure(error);
  });
  const removeNow = () => rmSync(dir, { recursive: true, force: true });
  const forget = onProcessEnd(removeNow);
  // A signal no command handles yet (while the copy is made, or the model loads) ends the
  // process here, after the copy goes; a command's own handler, when it has one, decides.
  const lastResort = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) === 1) dieOfSignal(signal);
  };
  process.on('SIGINT', lastResort);
  process.on('SIGTERM', lastResort);
  try {
    return await use({ path: await copyOfStandardInput(dir), name: 'standard input' });
  } finally {
    process.off('SIGINT', lastResort);
    process.off('SIGTERM', lastResort);
    forget();
    await rm(dir, { recursive: true, force: true });
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
