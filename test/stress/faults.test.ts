import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, removeDir, repoRoot, runCli } from '../integration/helpers.js';
import { errorShapeProblem, HttpClient, NoAnswer } from './support/http.js';
import { report } from './support/report.js';
import { runServerToExit, spawnServer, type ServerProcess } from './support/server-process.js';
import { SmallDisk } from './support/small-disk.js';
import { baseIndex, copyOfBaseIndex, stressPapers } from './support/stress-index.js';

/**
 * Faults the integration tests do not already cover (they cover SIGKILL during writes, a torn or
 * damaged log record, a damaged graph file, a damaged or incompatible manifest, and the model
 * worker dying): SIGKILL at each step of a snapshot, a full disk during ingestion, a write and a
 * snapshot, and missing or damaged model files.
 */
const apiKey = 'stress-faults-key-0123456789';
const auth = { authorization: `Bearer ${apiKey}` };
const findings: string[] = [];

let workDir: string;

before(async () => {
  workDir = await makeTempDir('paper-search-stress-faults-');
});

after(async () => {
  await report('faults', findings.join('\n'), { findings });
  await removeDir(workDir);
});

function paper(id: string): { id: string; title: string; abstract: string } {
  return {
    id,
    title: `Fault drill paper ${id}`,
    abstract: `A paper written by the fault drill (${id}) about resilient storage of search indexes under crashes.`,
  };
}

async function writePapers(client: HttpClient, prefix: string, count: number): Promise<string[]> {
  const acknowledged: string[] = [];
  for (let n = 0; n < count; n++) {
    const answer = await client.json('POST', '/v1/papers', paper(`${prefix}-${n}`), auth);
    assert.equal(answer.status, 201, answer.text);
    acknowledged.push(`${prefix}-${n}`);
  }
  return acknowledged;
}

/** Every acknowledged paper is readable after a restart, and searching still works. */
async function assertAllPresent(server: ServerProcess, ids: readonly string[], what: string): Promise<void> {
  const client = new HttpClient(server.url, { sockets: 4 });
  try {
    for (const id of ids) assert.equal((await client.send({ method: 'GET', path: `/v1/papers/${id}` })).status, 200, `${what}: acknowledged ${id} is there`);
    const search = await client.json<{ hits: unknown[] }>('POST', '/v1/search', { query: 'resilient storage of search indexes', k: 5 });
    assert.equal(search.status, 200);
    assert.ok(search.body.hits.length > 0);
  } finally {
    client.close();
  }
}

function hasNoStackTrace(text: string): boolean {
  return !/\n\s+at .+:\d+:\d+/.test(text);
}

describe('SIGKILL during a snapshot', () => {
  for (const point of ['writing', 'between-renames', 'after-swap'] as const) {
    it(`loses nothing acknowledged when killed ${point === 'writing' ? 'while the worker writes the new folder' : point === 'between-renames' ? 'between the two renames of the swap' : 'after the swap, before the clean-up'}`, async () => {
      const parent = join(workDir, `kill-${point}`);
      const indexDir = await copyOfBaseIndex(join(parent, 'index'));
      const env = { INDEX_DIR: indexDir, API_KEYS: apiKey, SNAPSHOT_AFTER_WRITES: '100000', SNAPSHOT_INTERVAL_MS: '86400000', LOG_LEVEL: 'warn' };
      const server = await spawnServer({ env: { ...env, STRESS_KILL_AT: point }, preload: [join(repoRoot, 'test/stress/support/kill-during-snapshot.mjs')] });
      const client = new HttpClient(server.url, { sockets: 2 });
      const acknowledged = await writePapers(client, `kill-${point}`, 12);
      const deleted = await client.send({ method: 'DELETE', path: `/v1/papers/${acknowledged[0]}`, headers: auth });
      assert.equal(deleted.status, 200);
      await assert.rejects(client.send({ method: 'POST', path: '/v1/snapshots', headers: auth }), NoAnswer, 'the snapshot request dies with the process');
      client.close();
      assert.deepEqual(await server.exited.then(({ signal }) => signal), 'SIGKILL');

      const restarted = await spawnServer({ env });
      try {
        await assertAllPresent(restarted, acknowledged.slice(1), `after a kill ${point}`);
        const check = new HttpClient(restarted.url, { sockets: 1 });
        assert.equal((await check.send({ method: 'GET', path: `/v1/papers/${acknowledged[0]}` })).status, 404, 'the acknowledged delete holds');
        const snapshot = await check.send({ method: 'POST', path: '/v1/snapshots', headers: auth });
        assert.equal(snapshot.status, 200, `a snapshot after the restart succeeds: ${snapshot.text}`);
        check.close();
      } finally {
        await restarted.stop();
      }
      const leftovers = (await readdir(parent)).filter((name) => name !== 'index' && name !== 'index.wal');
      findings.push(
        `kill ${point}: ${acknowledged.length} acknowledged writes and a delete kept; left beside the index after restart and snapshot: ${JSON.stringify(leftovers)}`,
      );
      assert.deepEqual(leftovers, [], 'no staging or retired folder is left behind');
    });
  }

  it('loses nothing acknowledged when the log also ends in a torn record after the kill', async () => {
    const indexDir = await copyOfBaseIndex(join(workDir, 'torn', 'index'));
    const env = { INDEX_DIR: indexDir, API_KEYS: apiKey, LOG_LEVEL: 'warn' };
    const server = await spawnServer({ env });
    const client = new HttpClient(server.url, { sockets: 2 });
    const acknowledged = await writePapers(client, 'torn', 5);
    client.close();
    server.child.kill('SIGKILL');
    await server.exited;
    const logDir = `${indexDir}.wal`;
    const segment = join(logDir, (await readdir(logDir)).sort().at(-1)!);
    await writeFile(segment, `${await readFile(segment, 'utf8')}{"seq":999,"op":"add","pap`);
    const restarted = await spawnServer({ env });
    try {
      await assertAllPresent(restarted, acknowledged, 'after a torn tail');
    } finally {
      await restarted.stop();
    }
    findings.push(`torn log tail after SIGKILL: ${acknowledged.length} acknowledged writes kept`);
  });
});

describe('SIGTERM during a snapshot', () => {
  // Regression: shutdown terminated the snapshot worker while it was inside an hnswlib call, and
  // the add-on aborted the whole process (SIGABRT, "Error::ThrowAsJavaScriptException napi_throw").
  it('stops cleanly while the snapshot worker is inside the HNSW add-on, leaving no staging folder and losing nothing acknowledged', async () => {
    const parent = join(workDir, 'sigterm-in-graph');
    const indexDir = await copyOfBaseIndex(join(parent, 'index'));
    const written = 6;
    // The last write starts a snapshot in the background, with no request waiting for it (a
    // request in flight would hold the shutdown until the snapshot had finished).
    const env = { INDEX_DIR: indexDir, API_KEYS: apiKey, SNAPSHOT_AFTER_WRITES: String(written), SNAPSHOT_INTERVAL_MS: '86400000', LOG_LEVEL: 'warn' };
    const server = await spawnServer({
      env: { ...env, STRESS_KILL_AT: 'sigterm-in-graph' },
      preload: [join(repoRoot, 'test/stress/support/kill-during-snapshot.mjs')],
    });
    const client = new HttpClient(server.url, { sockets: 2 });
    const acknowledged = await writePapers(client, 'sigterm', written);
    client.close();
    const exit = await server.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, `the server stops cleanly:\n${server.logs().slice(-3000)}`);
    assert.deepEqual(
      (await readdir(parent)).filter((name) => name !== 'index' && name !== 'index.wal'),
      [],
      'the abandoned snapshot removed its staging folder',
    );

    const restarted = await spawnServer({ env });
    try {
      await assertAllPresent(restarted, acknowledged, 'after a SIGTERM during a snapshot');
    } finally {
      await restarted.stop();
    }
    findings.push(`SIGTERM while the snapshot worker is in the HNSW add-on: exit ${JSON.stringify(exit)}, ${acknowledged.length} acknowledged writes kept`);
  });
});

describe('a full disk', () => {
  it('during ingestion: exits 1 with a clear message, leaving no index and no staging folder', async () => {
    const disk = await SmallDisk.mount(join(workDir, 'disk-ingest'), 256 * 1024);
    try {
      const input = join(workDir, 'ingest-input.jsonl');
      await writeFile(input, (await readFile(stressPapers, 'utf8')).split('\n').slice(0, 120).join('\n'));
      const result = await runCli('ingest', ['--input', input, '--index', join(disk.path, 'index')]);
      findings.push(`disk full during ingest: exit ${result.code}; ${result.stderr.trim().split('\n').at(-1)}`);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /error \[disk_full\]: The disk is full \(ENOSPC.*Free space and run the command again/);
      assert.ok(hasNoStackTrace(result.stderr), `no stack trace:\n${result.stderr}`);
      assert.deepEqual(await disk.entries(), [], 'nothing left on the disk');
    } finally {
      await disk.unmount();
    }
  });

  it('during a write: answers 507 disk_full in the error shape (it was 500 write_failed, a server fault), keeps serving, and writes again once there is room; nothing acknowledged is lost', async () => {
    await withServerOnSmallDisk('disk-write', async ({ disk, server, client, env }) => {
      const acknowledged = await writePapers(client, 'before-full', 5);
      await disk.fill();
      const refused = await client.json('POST', '/v1/papers', paper('while-full'), auth);
      findings.push(`disk full during a write: ${refused.status} ${refused.text.slice(0, 200)}`);
      assert.equal(refused.status, 507);
      assert.equal(errorShapeProblem(refused.text), undefined);
      assert.equal((refused.body as { error: { code: string } }).error.code, 'disk_full');
      assert.match((refused.body as { error: { message: string } }).error.message, /no space|ENOSPC|full/i, 'the message says the disk is full');
      assert.equal((await client.send({ method: 'GET', path: '/v1/papers/while-full' })).status, 404, 'the refused write was not applied');
      assert.equal((await client.send({ method: 'GET', path: `/v1/papers/${acknowledged[0]}` })).status, 200, 'reads go on');
      await disk.free();
      acknowledged.push(...(await writePapers(client, 'after-free', 3)));
      client.close();
      assert.deepEqual(await server.stop(), { code: 0, signal: null });
      const restarted = await spawnServer({ env });
      try {
        await assertAllPresent(restarted, acknowledged, 'after a full disk during a write');
        const gone = await new HttpClient(restarted.url).send({ method: 'GET', path: '/v1/papers/while-full' });
        assert.equal(gone.status, 404, 'the refused write did not come back');
      } finally {
        await restarted.stop();
      }
    });
  });

  it('during a snapshot: answers 507 disk_full (it was 500 snapshot_failed), keeps serving the old index and the log, leaves no staging folder, and snapshots once there is room', async () => {
    await withServerOnSmallDisk('disk-snapshot', async ({ disk, indexBytes, server, client, env }) => {
      const acknowledged = await writePapers(client, 'snap', 6);
      // Room for log appends, not for a second copy of the index.
      await disk.fill(Math.round(indexBytes / 3));
      const entriesBefore = await disk.entries();
      const failed = await client.json('POST', '/v1/snapshots', undefined, auth);
      findings.push(`disk full during a snapshot: ${failed.status} ${failed.text.slice(0, 200)}`);
      assert.equal(failed.status, 507);
      assert.equal(errorShapeProblem(failed.text), undefined);
      assert.equal((failed.body as { error: { code: string } }).error.code, 'disk_full');
      assert.match((failed.body as { error: { message: string } }).error.message, /disk is full.*write-ahead log still holds every write/);
      assert.deepEqual(await disk.entries(), entriesBefore, 'no staging folder left behind');
      for (const id of acknowledged) assert.equal((await client.send({ method: 'GET', path: `/v1/papers/${id}` })).status, 200);
      await disk.free();
      const snapshot = await client.send({ method: 'POST', path: '/v1/snapshots', headers: auth });
      assert.equal(snapshot.status, 200, snapshot.text);
      client.close();
      assert.deepEqual(await server.stop(), { code: 0, signal: null });
      const restarted = await spawnServer({ env });
      try {
        await assertAllPresent(restarted, acknowledged, 'after a full disk during a snapshot');
      } finally {
        await restarted.stop();
      }
    });
  });
});

describe('model files', () => {
  // The server fetches missing or damaged model files itself; here the only source is a closed
  // port on loopback, so the fetch fails as it would offline.
  const offline = { MODEL_SOURCES: 'hub', HF_ENDPOINT: 'http://127.0.0.1:9' };

  it('missing and not fetchable: the server exits 1 with a clear message, no stack trace', async () => {
    const result = await runServerToExit({
      INDEX_DIR: await copyOfBaseIndex(join(workDir, 'model-missing-index')),
      MODEL_DIR: join(workDir, 'no-models'),
      ...offline,
    });
    findings.push(`model files missing: exit ${result.code}; ${result.stderr.trim().split('\n').at(-1)}`);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error \[model_(missing|fetch_failed)\]/);
    assert.ok(hasNoStackTrace(result.stderr), result.stderr);
  });

  it('damaged (the ONNX file cut short) and not fetchable: the server exits 1 with a clear message, no stack trace', async () => {
    const models = join(workDir, 'damaged-models');
    await cp(join(repoRoot, 'models'), models, { recursive: true, dereference: true });
    await truncate(join(models, 'Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx'), 100_000);
    const result = await runServerToExit({ INDEX_DIR: await copyOfBaseIndex(join(workDir, 'model-damaged-index')), MODEL_DIR: models, ...offline });
    findings.push(`model file damaged: exit ${result.code}; ${result.stderr.trim().split('\n').at(-1)}`);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error \[model_(checksum_mismatch|missing|fetch_failed)\]/);
    // Regression: the one-line error spoke of the hub alone, not of the damaged file in place.
    assert.match(result.stderr.trim().split('\n').at(-1)!, /model_quantized\.onnx has SHA-256 \w+, expected \w+, and no fresh copy could be fetched/);
    assert.ok(hasNoStackTrace(result.stderr), result.stderr);
  });
});

/**
 * A copy of the base index on a small disk (the index and 4 MiB of room) served with writes
 * enabled and no automatic snapshots; the disk and the server are cleaned up after `run`.
 */
async function withServerOnSmallDisk(
  name: string,
  run: (context: { disk: SmallDisk; indexBytes: number; server: ServerProcess; client: HttpClient; env: Record<string, string> }) => Promise<void>,
): Promise<void> {
  const indexBytes = await folderBytes(await baseIndex());
  const disk = await SmallDisk.mount(join(workDir, name), indexBytes + 4 * 1024 * 1024);
  const indexDir = join(disk.path, 'index');
  const env = { INDEX_DIR: indexDir, API_KEYS: apiKey, SNAPSHOT_AFTER_WRITES: '100000', SNAPSHOT_INTERVAL_MS: '86400000', LOG_LEVEL: 'warn' };
  try {
    await cp(await baseIndex(), indexDir, { recursive: true });
    const server = await spawnServer({ env });
    const client = new HttpClient(server.url, { sockets: 2 });
    try {
      await run({ disk, indexBytes, server, client, env });
    } finally {
      client.close();
      await server.stop();
    }
  } finally {
    await disk.unmount();
  }
}

async function folderBytes(folder: string): Promise<number> {
  return Number(execFileSync('du', ['-sb', folder]).toString().split('\t')[0]);
}
