import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { PaperSearchClient } from '../../src/index.js';
import type { RunningServer } from '../../src/server.js';
import { buildIndex, makeTempDir, removeDir, repoRoot, request, startTestServer, testBackend } from '../integration/helpers.js';
import { waitFor } from '../integration/weaviate-support.js';

// The fault drill of the Weaviate backend: node 2 of the local cluster (scripts/weaviate/cluster.sh)
// is stopped while reads and writes run. Node 1 is the cluster's only Raft voter, so it is never
// the one stopped (see scripts/weaviate/NOTES.md).

const apiKey = 'fault-drill-key-0123456789';
/** How long the service may take to see a node go or come back (Weaviate declares a dead node after about 20 s). */
const healthChangeMs = 60_000;
const cluster = join(repoRoot, 'scripts/weaviate/cluster.sh');
const run = promisify(execFile);

let workDir: string;
let server: RunningServer;

async function clusterCommand(...args: string[]): Promise<void> {
  await run('bash', [cluster, ...args], { env: process.env, timeout: 180_000 });
}

async function storageState(): Promise<{ ready: number; storage: string | undefined; metric: number | undefined }> {
  const ready = await request<{ storage?: string }>(server.url, '/readyz');
  const metrics = await fetch(`${server.url}/metrics`).then((response) => response.text());
  const line = metrics.split('\n').find((entry) => entry.startsWith('paper_search_storage_up'));
  return { ready: ready.status, storage: ready.body.storage, metric: line === undefined ? undefined : Number(line.split(' ').at(-1)) };
}

describe('a Weaviate node stopped mid-traffic', { skip: testBackend !== 'weaviate' && 'needs the local Weaviate cluster (TEST_BACKEND=weaviate)' }, () => {
  before(async () => {
    workDir = await makeTempDir();
    await buildIndex(join(workDir, 'index'));
    server = await startTestServer(join(workDir, 'index'), { API_KEYS: apiKey });
  });

  after(async () => {
    // Whatever happened, the cluster is left whole for the suites after this one.
    await clusterCommand('start-node', '2').catch(() => undefined);
    await server?.close();
    await removeDir(workDir);
  });

  it('regression: a node killed outright leaves the service degraded, not down, while reads go on (the survivor calls itself unhealthy, and every server answered 503 until the node was back)', async (t) => {
    const reader = new PaperSearchClient(server.url);
    await waitFor('a whole cluster', storageState, (state) => state.storage === 'ok', healthChangeMs);
    await clusterCommand('stop-node', '2', '--kill');
    const states: Awaited<ReturnType<typeof storageState>>[] = [];
    const readFailures: string[] = [];
    let reads = 0;
    try {
      await waitFor('the service noticing node 2 is dead', storageState, (state) => state.storage !== 'ok', healthChangeMs);
      // Through the time Weaviate takes to declare the node dead (about 20 s) and after it.
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        states.push(await storageState());
        try {
          await reader.search({ query: 'neural networks for language', k: 3, mode: 'dense' });
          reads++;
        } catch (error) {
          readFailures.push((error as Error).message);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      await clusterCommand('start-node', '2');
    }
    await waitFor('the service seeing node 2 again', storageState, (state) => state.storage === 'ok', 120_000);
    t.diagnostic(`${states.length} samples, reads ${reads}, failed ${readFailures.length}: ${readFailures.slice(0, 3).join(' | ')}`);
    assert.deepEqual(
      states.filter((state) => state.ready !== 200 || state.storage !== 'degraded' || state.metric !== 0.5),
      [],
      'degraded throughout, never down',
    );
    assert.ok(reads > 0, 'searches are answered while node 2 is dead');
  });

  it('keeps answering reads, loses no acknowledged write, and reports itself degraded until the node is back', async (t) => {
    const reader = new PaperSearchClient(server.url);
    const writer = new PaperSearchClient(server.url, { headers: { authorization: `Bearer ${apiKey}` } });
    assert.deepEqual(await storageState(), { ready: 200, storage: 'ok', metric: 1 });

    let stop = false;
    const readFailures: string[] = [];
    let reads = 0;
    const acknowledged: string[] = [];
    const refused: string[] = [];
    const readers = Array.from({ length: 2 }, async (_, worker) => {
      while (!stop) {
        try {
          const mode = (['dense', 'lexical', 'hybrid'] as const)[reads % 3]!;
          const hits = (await reader.search({ query: 'neural networks for language', k: 5, mode })).hits;
          assert.ok(hits.length > 0);
          await reader.paper(hits[0]!.id);
          reads++;
        } catch (error) {
          readFailures.push(`${worker}: ${(error as Error).message}`);
        }
      }
    });
    const writes = (async () => {
      for (let n = 0; !stop; n++) {
        const id = `fault-${n}`;
        try {
          await writer.createPaper({ id, title: `Fault drill paper ${n}`, abstract: `Written while a replica may be down, number ${n}.` });
          acknowledged.push(id);
        } catch {
          refused.push(id);
        }
      }
    })();

    let degraded: Awaited<ReturnType<typeof storageState>>;
    let writesWhileDown: number;
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await clusterCommand('stop-node', '2');
      degraded = await waitFor('the service noticing node 2 is gone', storageState, (state) => state.storage === 'degraded', healthChangeMs);
      const acknowledgedAtStop = acknowledged.length;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      writesWhileDown = acknowledged.length - acknowledgedAtStop;
      await clusterCommand('start-node', '2');
      await waitFor('the service seeing node 2 again', storageState, (state) => state.storage === 'ok', healthChangeMs);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    } finally {
      stop = true;
      await Promise.all([...readers, writes]);
    }

    t.diagnostic(`reads ${reads}, writes acknowledged ${acknowledged.length} (${writesWhileDown} while node 2 was down), refused ${refused.length}`);
    assert.deepEqual(degraded, { ready: 200, storage: 'degraded', metric: 0.5 });
    assert.ok(writesWhileDown > 0, 'writes are acknowledged while node 2 is down');
    assert.deepEqual(readFailures, [], 'every read was answered');
    assert.ok(reads > 10, `reads ran (${reads})`);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const response = await request(server.url, `/v1/papers/${id}`);
      if (response.status !== 200) missing.push(id);
    }
    assert.deepEqual(missing, [], `every acknowledged write (${acknowledged.length}; ${refused.length} refused) is stored`);
    assert.deepEqual(await storageState(), { ready: 200, storage: 'ok', metric: 1 });
  });
});
