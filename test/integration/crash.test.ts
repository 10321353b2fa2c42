import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { PaperSearchClient, PaperSearchError } from '../../src/index.js';
import type { RunningServer } from '../../src/server.js';
import { buildIndex, cliEntry, makeTempDir, removeDir, repoRoot, startTestServer } from './helpers.js';

const apiKey = 'crash-test-key-0123456789';
// Snapshots every few writes, so the kill may also land in the middle of one.
const settings = { API_KEYS: apiKey, SNAPSHOT_AFTER_WRITES: '9', SNAPSHOT_INTERVAL_MS: '200' };

let workDir: string;
let indexDir: string;
let restarted: RunningServer | undefined;

before(async () => {
  workDir = await makeTempDir();
  indexDir = join(workDir, 'index');
  await buildIndex(indexDir);
});

after(async () => {
  await restarted?.close();
  await removeDir(workDir);
});

/** The real server as its own process (so it can be SIGKILLed), and the URL it listens on once ready. */
async function spawnServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...cliEntry, 'serve'], {
    cwd: repoRoot,
    env: { ...process.env, ...settings, INDEX_DIR: indexDir, MODEL_DIR: join(repoRoot, 'models'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Once ready, the server prints one line with its URLs on stdout.
  for await (const line of createInterface({ input: child.stdout! })) {
    const url = /search page (http:\/\/\S+?)\/ /.exec(line)?.[1];
    if (url) {
      child.stdout!.resume();
      return { child, url };
    }
  }
  throw new Error('the server exited before it was ready');
}

/** A word no other paper has, made of letters only so the analyzer keeps it whole. */
function uniqueWord(n: number): string {
  let word = '';
  for (let value = n + 26 * 26; value > 0; value = Math.floor(value / 26)) word += String.fromCharCode(97 + (value % 26));
  return `qx${word}`;
}

interface Batch {
  ids: string[];
  words: string[];
  acknowledged: boolean;
}

describe('a crash while writing (SIGKILL)', () => {
  it('keeps every acknowledged write, readable and searchable, and applies no unacknowledged write in part', async () => {
    const { child, url } = await spawnServer();
    const client = new PaperSearchClient(url, { headers: { authorization: `Bearer ${apiKey}` } });
    const batches: Batch[] = [];
    const acknowledgedDeletes = new Set<string>();
    // Sent but not answered when the server died: either outcome is right.
    const unansweredDeletes = new Set<string>();
    let counter = 0;
    let killed = false;

    const writer = async (name: string) => {
      for (let n = 0; !killed; n++) {
        const batch: Batch = { ids: [], words: [], acknowledged: false };
        for (const part of ['a', 'b', 'c']) {
          batch.ids.push(`crash-${name}-${n}-${part}`);
          batch.words.push(uniqueWord(counter++));
        }
        batches.push(batch);
        try {
          await client.createPapers(
            batch.ids.map((id, i) => ({ id, title: `Crash test ${id}`, abstract: `Paper ${batch.words[i]} written by writer ${name} before the crash.` })),
          );
          batch.acknowledged = true;
          if (n % 4 === 3) {
            const victim = batches.find(
              (earlier) => earlier.acknowledged && !acknowledgedDeletes.has(earlier.ids[0]!) && !unansweredDeletes.has(earlier.ids[0]!),
            )!.ids[0]!;
            unansweredDeletes.add(victim);
            await client.deletePaper(victim);
            unansweredDeletes.delete(victim);
            acknowledgedDeletes.add(victim);
          }
        } catch (error) {
          if (killed) return;
          throw error;
        }
      }
    };
    const writers = ['w1', 'w2', 'w3', 'w4'].map((name) => writer(name));
    while (batches.filter((batch) => batch.acknowledged).length < 40) await new Promise((resolve) => setTimeout(resolve, 20));
    killed = true;
    child.kill('SIGKILL');
    await Promise.all(writers);
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    assert.equal(child.signalCode, 'SIGKILL');

    restarted = await startTestServer(indexDir, settings);
    const reader = new PaperSearchClient(restarted.url);
    const present = async (id: string) =>
      reader.paper(id).then(
        () => true,
        (error: unknown) => {
          if (error instanceof PaperSearchError && error.code === 'paper_not_found') return false;
          throw error;
        },
      );

    let expectedPapers = 76;
    for (const batch of batches) {
      const found = await Promise.all(batch.ids.map(present));
      if (batch.acknowledged) {
        batch.ids.forEach((id, i) => {
          if (!unansweredDeletes.has(id)) assert.equal(found[i], !acknowledgedDeletes.has(id), `acknowledged ${id}`);
        });
        for (const [i, id] of batch.ids.entries()) {
          if (!found[i]) continue;
          const hits = await reader.search({ query: batch.words[i]!, mode: 'lexical', k: 1 });
          assert.equal(hits.hits[0]?.id, id, `${id} is searchable by its word`);
        }
      } else {
        const count = found.filter(Boolean).length;
        assert.ok(count === 0 || count === batch.ids.length, `an unacknowledged batch is all there or not at all (${count} of ${batch.ids.length})`);
      }
      expectedPapers += found.filter(Boolean).length;
    }
    for (const id of acknowledgedDeletes) assert.equal(await present(id), false, `acknowledged delete of ${id}`);
    assert.equal((await reader.stats()).papers, expectedPapers);
  });
});
