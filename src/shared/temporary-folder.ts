import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dieOfSignal, onProcessEnd, onStopSignals } from './process-end.js';

/** A private folder in TMPDIR and what removes it. */
export interface TemporaryFolder {
  path: string;
  remove: () => Promise<void>;
}

/**
 * Makes a private folder in TMPDIR, removed by `remove`, or however the process ends without it
 * (`| head` ends a command with process.exit; see process-end.ts): what goes in one (papers, a
 * copy of the write-ahead log) must not outlive the command. With `endOnSignal`, a stop signal
 * that nothing else handles removes it and then ends the process as the signal would; a
 * command's own handler, when it has one, decides.
 */
export function makeTemporaryFolder(prefix: string, { endOnSignal = false } = {}): TemporaryFolder {
  const lastResort = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) === 1) dieOfSignal(signal);
  };
  // The listeners come first and the folder is made in the same step as its cleanup: made by a
  // thread of the pool (mkdtemp), the folder was there before the cleanup was, and a Ctrl-C in
  // between ended the process by the signal's default action, the folder left behind.
  const stopListening = endOnSignal ? onStopSignals(lastResort) : () => undefined;
  let path: string;
  try {
    path = mkdtempSync(join(tmpdir(), prefix));
  } catch (error) {
    stopListening();
    throw error;
  }
  const forget = onProcessEnd(() => rmSync(path, { recursive: true, force: true }));
  return {
    path,
    remove: async () => {
      stopListening();
      forget();
      await rm(path, { recursive: true, force: true });
    },
  };
}
