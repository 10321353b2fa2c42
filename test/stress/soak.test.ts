import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, removeDir } from '../integration/helpers.js';
import { HttpClient, metricValue } from './support/http.js';
import { LoadRecord, runLoad } from './support/load.js';
import { MixedWorkload } from './support/mixed-workload.js';
import { machineLoad, report, table } from './support/report.js';
import { mib, residentBytes } from './support/server-figures.js';
import { spawnServer, type ServerProcess } from './support/server-process.js';
import { copyOfBaseIndex, samplePapers } from './support/stress-index.js';
import { stressSettings } from './support/settings.js';

const apiKey = 'stress-soak-key-0123456789';
const clients = 16;
const { soakMinutes, soakIntervalSeconds } = stressSettings();

let workDir: string;
let server: ServerProcess | undefined;
const env = () => ({
  INDEX_DIR: join(workDir, 'index'),
  API_KEYS: apiKey,
  // Snapshots at least once per interval, so the soak folds writes into new folders again and again.
  SNAPSHOT_AFTER_WRITES: '200',
  SNAPSHOT_INTERVAL_MS: String(soakIntervalSeconds * 1000),
  LOG_LEVEL: 'warn',
});

before(async () => {
  workDir = await makeTempDir('paper-search-stress-soak-');
  await copyOfBaseIndex(join(workDir, 'index'));
  server = await spawnServer({ env: env() });
});

after(async () => {
  await server?.stop();
  await removeDir(workDir);
});

describe(`soak: ${clients} clients for ${soakMinutes} min of mixed load with writes and periodic snapshots`, () => {
  it('answers everything, keeps every acknowledged write through the snapshots and a restart, and reports memory and p99 over time', async () => {
    const client = new HttpClient(server!.url, { sockets: clients + 2 });
    const workload = new MixedWorkload(await samplePapers(), apiKey, 0.2);
    const intervals = Math.max(1, Math.round((soakMinutes * 60) / soakIntervalSeconds));
    const rows: (string | number)[][] = [];
    const total = new LoadRecord();
    let seed = 100;
    try {
      for (let interval = 1; interval <= intervals; interval++) {
        const record = await runLoad({
          client,
          clients,
          durationMs: soakIntervalSeconds * 1000,
          seed: seed++,
          next: (index, random) => workload.next(index, random),
          observe: (index, outcome) => {
            workload.observe(index, outcome);
            total.add(outcome);
          },
        });
        const overall = record.overall();
        const metrics = (await client.send({ method: 'GET', path: '/metrics' })).text;
        const stats = await client.json<{ papers?: number; pendingWrites?: number; lastSnapshotAt?: string }>('GET', '/v1/stats');
        rows.push([
          `${interval * soakIntervalSeconds} s`,
          record.answered,
          record.answered / record.seconds,
          overall.p50,
          overall.p99,
          mib(metricValue(metrics, 'process_resident_memory_bytes') ?? Number.NaN),
          mib(metricValue(metrics, 'nodejs_heap_size_used_bytes') ?? Number.NaN),
          record.refusals.length,
          record.unexpected.length + record.transportFailures.length,
          JSON.stringify(stats.body)
            .match(/"lastSnapshotAt":"([^"]+)"/)?.[1]
            ?.slice(11, 19) ?? '-',
        ]);
      }
      const rssAtEnd = await residentBytes(client);
      const text = [
        `${clients} clients, ${intervals} intervals of ${soakIntervalSeconds} s, 20% writes; load average ${machineLoad()}`,
        table(['at', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'RSS MiB', 'heap MiB', '429/503', 'errors', 'last snapshot'], rows),
        `writes live at the end: ${workload.livePapers.length}; RSS at the end ${mib(rssAtEnd)} MiB`,
      ].join('\n');
      await report('soak', text, { clients, intervals, soakIntervalSeconds, rows, livePapers: workload.livePapers.length });

      assert.deepEqual(total.transportFailures.slice(0, 5), [], 'every request got an HTTP answer');
      assert.deepEqual(total.unexpected.slice(0, 5), [], 'no error answers but deliberate 429/503');
      for (const refusal of total.refusals) assert.ok(['overloaded', 'rate_limited'].includes(refusal.code), JSON.stringify(refusal));
      assert.ok(rows.filter((row) => row[9] !== '-').length > 0, 'snapshots ran during the soak');
    } finally {
      client.close();
    }
    assert.deepEqual(await server!.stop(), { code: 0, signal: null }, `the server stops cleanly after the soak:\n${server!.logs().slice(-3000)}`);
    server = await spawnServer({ env: env() });
    const check = new HttpClient(server.url, { sockets: 4 });
    try {
      const missing: string[] = [];
      for (const id of workload.livePapers)
        if ((await check.send({ method: 'GET', path: `/v1/papers/${encodeURIComponent(id)}` })).status !== 200) missing.push(id);
      assert.deepEqual(missing.slice(0, 5), [], `every acknowledged and not deleted paper (${workload.livePapers.length}) is there after the restart`);
    } finally {
      check.close();
    }
  });
});
