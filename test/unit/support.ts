import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { AppError, type ErrorCode } from '../../src/errors.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

/** For assert.throws / assert.rejects: an AppError with this code (and message, if given). */
export function isAppErrorWithCode(code: ErrorCode, messagePattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (messagePattern) assert.match(error.message, messagePattern);
    return true;
  };
}

/** A temporary folder for the test file, made before its tests and removed after; call the result for its path. */
export function temporaryRoot(prefix: string): () => string {
  let root: string | undefined;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  after(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });
  return () => {
    if (!root) throw new Error('temporaryRoot is only available inside tests');
    return root;
  };
}

export function randomUnitVectors(count: number, dimension: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const vector = Float32Array.from({ length: dimension }, () => random() * 2 - 1);
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  });
}

/**
 * The main thread's CPU time in ms: a turn that was long because the machine gave the process no
 * core (other work on a shared machine) is not charged to the code under test. Where Node has no
 * per-thread figure (before 23.9), the clock stands in.
 */
export const mainThreadMs: () => number =
  typeof process.threadCpuUsage === 'function'
    ? () => {
        const { user, system } = process.threadCpuUsage();
        return (user + system) / 1000;
      }
    : () => performance.now();

/**
 * The most main-thread time one turn of the event loop took while `task` ran, and the main
 * thread's time for all of it (ms); `onTurn` runs at each turn the task leaves, as other requests would.
 */
export async function longestWait(task: () => Promise<unknown>, onTurn: () => void = () => undefined): Promise<{ longest: number; took: number }> {
  let running = true;
  let longest = 0;
  const watching = (async () => {
    let last = mainThreadMs();
    while (running) {
      await new Promise((resolve) => setImmediate(resolve));
      longest = Math.max(longest, mainThreadMs() - last);
      last = mainThreadMs();
      onTurn();
    }
  })();
  const started = mainThreadMs();
  await task();
  const took = mainThreadMs() - started;
  running = false;
  await watching;
  return { longest, took };
}
