import { createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UsageError } from './exit-codes.js';

/** The `--input` that names standard input. */
export const standardInputFlag = '-';

/** An input as a command reads it: a path, and what messages call it. */
export interface NamedInput {
  path: string;
  name: string;
}

/**
 * Runs `use` on the input `--input` names. `-` is standard input, copied first to a private file
 * (removed afterwards, and at the process's end however it ends): the readers tell a format from
 * its first bytes and then read it from the start again, which a pipe cannot do.
 */
export async function withNamedInput<T>(input: string, use: (input: NamedInput) => Promise<T>): Promise<T> {
  if (input !== standardInputFlag) return use({ path: input, name: input });
  if (process.stdin.isTTY) throw new UsageError('--input - reads the papers from standard input: pipe them in (cat library.bib | paper-search ... --input -).');
  const dir = await mkdtemp(join(tmpdir(), 'paper-search-stdin-'));
  const removeNow = () => rmSync(dir, { recursive: true, force: true });
  // While the copy is made, a signal removes it and ends the process as it would have; after,
  // the command's own handling of signals stops it, and the copy goes as it returns.
  const onSignal = (signal: NodeJS.Signals) => {
    removeNow();
    process.kill(process.pid, signal);
  };
  process.once('exit', removeNow);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const path = join(dir, 'standard-input');
    try {
      await pipeline(process.stdin, createWriteStream(path));
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return await use({ path, name: 'standard input' });
  } finally {
    process.off('exit', removeNow);
    await rm(dir, { recursive: true, force: true });
  }
}
