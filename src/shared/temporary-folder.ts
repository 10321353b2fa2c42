import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dieOfSignal, onProcessEnd } from './process-end.js';

/** A private folder in TMPDIR and what removes it. */
export interface TemporaryFolder {
  path: string;
  remove: () => Promise<void>;
}

/**
 * Makes a private folder in TMPDIR, removed by `remove`, or however the process ends without it
 * (`| head` ends a command with process.exit; see process-end.ts): what goes in one (papers, a
 * copy of the write-ahead log) must not outlive the command. With `endOnSignal`, a SIGINT or
 * SIGTERM that nothing else handles removes it and then ends the process as the signal would; a
 * command's own handler, when it has one, decides.
 */
export async function makeTemporaryFolder(prefix: string, { endOnSignal = false } = {}): Promise<TemporaryFolder> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  const forget = onProcessEnd(() => rmSync(path, { recursive: true, force: true }));
  const lastResort = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) === 1) dieOfSignal(signal);
  };
  if (endOnSignal) {
    process.on('SIGINT', lastResort);
    process.on('SIGTERM', lastResort);
  }
  return {
    path,
    remove: async () => {
      process.off('SIGINT', lastResort);
      process.off('SIGTERM', lastResort);
      forget();
      await rm(path, { recursive: true, force: true });
    },
  };
}
