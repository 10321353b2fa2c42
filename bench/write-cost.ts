/**
 * The cost of live writes on an existing index (issue 6): single-paper POST latency and writes/s
 * one at a time and from 8 clients, then the cost of a snapshot that folds them in (graph
 * extended in place), and of one after deletions (graph rebuilt).
 *
 *   node --import tsx bench/write-cost.ts --index <index folder> [--writes 200]
 *
 * Works on a copy of the index (the original is never written). The write phases run against the
 * compiled server in its own process (`npm run build` first); the snapshots run in this process
 * through the product's server code, so they can be awaited and timed exactly.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/log.js';
import { startServer } from '../src/server.js';
import { median } from '../scripts/eval/metrics.js';

const { values } = parseArgs({
  options: { index: { type: 'string' }, writes: { type: 'string', default: '200' }, port: { type: 'string', default: '18090' } },
});
if (!values.index) throw new Error('--index <dir> is required');
const writes = Number(values.writes);
const key = 'bench-write-key-0123456789';
const settings = { API_KEYS: key, SNAPSHOT_AFTER_WRITES: '10000000', SNAPSHOT_INTERVAL_MS: '86400000', LOG_LEVEL: 'warn' };

const workDir = await mkdtemp(join(tmpdir(), 'write-cost-'));
const indexDir = join(workDir, 'index');
await cp(values.index, indexDir, { recursive: true });

function paper(n: number) {
  return {
    id: `write-cost-${n}`,
    title: `Benchmark paper ${n} on adaptive optics`,
    abstract: `We measure wavefront sensing number ${n} for adaptive optics in ground-based telescopes, comparing deformable mirrors and reconstruction algorithms under atmospheric turbulence.`,
    categories: ['astro-ph.IM'],
    date: '2026-01-01',
  };
}

async function post(base: string, body: unknown): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${base}/v1/papers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`POST answered ${response.status}`);
  return performance.now() - started;
}

async function phase(base: string, clients: number, first: number, count: number) {
  const latencies: number[] = [];
  let next = first;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < first + count) latencies.push(await post(base, paper(next++)));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    clients,
    writes: count,
    writesPerSecond: round(count / seconds),
    p50Ms: round(median(latencies)),
    p95Ms: round(sorted[Math.floor(sorted.length * 0.95)]!),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

const server = spawn(process.execPath, ['dist/cli/main.js', 'serve'], {
  env: { ...process.env, ...settings, INDEX_DIR: indexDir, PORT: values.port, HOST: '127.0.0.1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${values.port}`;
for (;;) {
  if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode} before it was ready`);
  try {
    if ((await fetch(`${base}/readyz`)).status === 200) break;
  } catch {
    // not listening yet
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}
// Warm the path (first model calls, JIT) before measuring.
for (let i = 0; i < 10; i++) await post(base, { ...paper(-1 - i), id: `warm-${i}` });
const sequential = await phase(base, 1, 0, writes);
const concurrent = await phase(base, 8, writes, writes * 2);
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));

// Snapshots, in this process: start-up replays the log, then each snapshot is awaited.
const config = loadConfig({ ...process.env, ...settings, INDEX_DIR: indexDir, PORT: '0', HOST: '127.0.0.1' });
const log = createLogger('warn');
let started = performance.now();
const running = await startServer(config, log);
await running.ready;
const replayStartupMs = performance.now() - started;
started = performance.now();
await running.state.writes!.snapshot();
const appendSnapshotMs = performance.now() - started;
const stats1 = await running.state.service!.stats();
for (let i = 0; i < 100; i++) {
  const response = await fetch(`${running.url}/v1/papers/write-cost-${i}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
  if (response.status !== 200) throw new Error(`DELETE answered ${response.status}`);
}
started = performance.now();
await running.state.writes!.snapshot();
const rebuildSnapshotMs = performance.now() - started;
const stats2 = await running.state.service!.stats();
await running.close();
await rm(workDir, { recursive: true, force: true });

console.log(
  JSON.stringify(
    {
      index: values.index,
      papersBefore: stats1.papers - writes * 3 - 10,
      sequential,
      concurrent,
      startupWithPendingLogMs: Math.round(replayStartupMs),
      snapshotAppendOnly: { ms: Math.round(appendSnapshotMs), papers: stats1.papers },
      snapshotAfter100Deletes: { ms: Math.round(rebuildSnapshotMs), papers: stats2.papers },
    },
    null,
    2,
  ),
);
