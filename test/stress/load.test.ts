import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, removeDir } from '../integration/helpers.js';
import { HttpClient } from './support/http.js';
import { LoadRecord, runLoad } from './support/load.js';
import { MixedWorkload } from './support/mixed-workload.js';
import { machineLoad, report, table } from './support/report.js';
import { mib, residentBytes, residentBytesOfPid } from './support/server-figures.js';
import { spawnServer, type ServerProcess } from './support/server-process.js';
import { copyOfBaseIndex, samplePapers } from './support/stress-index.js';
import { stressSettings } from './support/settings.js';

const apiKey = 'stress-load-key-0123456789';
const clients = 64;
const { loadSeconds, warmUpSeconds } = stressSettings();

let workDir: string;
let server: ServerProcess | undefined;

before(async () => {
  workDir = await makeTempDir('paper-search-stress-load-');
  await copyOfBaseIndex(join(workDir, 'index'));
  server = await spawnServer({ env: { INDEX_DIR: join(workDir, 'index'), API_KEYS: apiKey } });
});

after(async () => {
  await server?.stop();
  await removeDir(workDir);
});

describe(`load: ${clients} concurrent clients for ${loadSeconds} s on a mixed workload`, () => {
  it('answers everything (no error but deliberate 429/503), and its memory after the run stays within 1.3x of after warm-up', async () => {
    const client = new HttpClient(server!.url, { sockets: clients + 4 });
    try {
      const workload = new MixedWorkload(await samplePapers(), apiKey);
      const drive = (durationMs: number, seed: number, record?: LoadRecord) =>
        runLoad({
          client,
          clients,
          durationMs,
          seed,
          record,
          next: (index, random) => workload.next(index, random),
          observe: (index, outcome) => workload.observe(index, outcome),
        });

      const warmUp = await drive(warmUpSeconds * 1000, 1);
      const rssAfterWarmUp = await residentBytes(client);
      const loadAtStart = machineLoad();
      const run = await drive(loadSeconds * 1000, 2);
      const rssAfterRun = await residentBytes(client);
      const procRss = await residentBytesOfPid(server!.pid);

      const routes = run.routes();
      const overall = run.overall();
      const text = [
        `${clients} clients, ${run.seconds.toFixed(1)} s after a ${warmUpSeconds} s warm-up (${warmUp.answered} requests); load average at start ${loadAtStart}`,
        `${run.answered} answered, ${(run.answered / run.seconds).toFixed(1)} req/s; p50 ${overall.p50.toFixed(1)} ms, p95 ${overall.p95.toFixed(1)} ms, p99 ${overall.p99.toFixed(1)} ms`,
        table(
          ['route', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'statuses'],
          routes.map((route) => [route.route, route.count, route.perSecond, route.p50, route.p95, route.p99, route.max, JSON.stringify(route.statuses)]),
        ),
        `refusals (429/503): ${run.refusals.length}; transport failures: ${run.transportFailures.length}; unexpected answers: ${run.unexpected.length}`,
        `RSS after warm-up ${mib(rssAfterWarmUp)} MiB, after the run ${mib(rssAfterRun)} MiB (/proc: ${mib(procRss)} MiB), ratio ${(rssAfterRun / rssAfterWarmUp).toFixed(3)}`,
      ].join('\n');
      await report('load', text, {
        clients,
        seconds: run.seconds,
        answered: run.answered,
        routes,
        overall,
        rssAfterWarmUp,
        rssAfterRun,
        refusals: run.refusals.length,
      });

      assert.deepEqual(run.transportFailures.slice(0, 5), [], 'every request got an HTTP answer');
      assert.deepEqual(run.unexpected.slice(0, 5), [], 'no error answers but deliberate 429/503');
      for (const refusal of run.refusals) {
        assert.ok(['overloaded', 'rate_limited'].includes(refusal.code), `a refusal is deliberate: ${JSON.stringify(refusal)}`);
        assert.ok(refusal.retryAfter !== undefined, 'a refusal says when to retry');
      }
      assert.ok(routes.length >= 11, `every route of the mix was exercised: ${routes.map((route) => route.route).join(', ')}`);
      assert.ok(rssAfterRun <= 1.3 * rssAfterWarmUp, `RSS ${mib(rssAfterRun)} MiB after the run, ${mib(rssAfterWarmUp)} MiB after warm-up`);
      assert.equal((await client.send({ method: 'GET', path: '/healthz' })).status, 200);
    } finally {
      client.close();
    }
    assert.deepEqual(await server!.stop(), { code: 0, signal: null }, 'the server stops cleanly after the load');
    server = undefined;
  });
});
