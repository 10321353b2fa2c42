import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, removeDir } from '../integration/helpers.js';
import { HttpClient, metricValue } from './support/http.js';
import { LoadRecord, pick, runLoad, type Planned } from './support/load.js';
import { machineLoad, report, resultsDir, summarize, table } from './support/report.js';
import { spawnServer, type ServerProcess } from './support/server-process.js';
import { copyOfBaseIndex, samplePapers } from './support/stress-index.js';

const flooders = 8;
const queriesPerBatch = 64;
const durationMs = 40_000;
/** One key per flooding client, so the scheduler tells them apart (on loopback they share an address). */
const flooderKeys = Array.from({ length: flooders }, (_, i) => `stress-flood-key-${i}-0123456789`);
const probeKey = 'stress-probe-key-0123456789';

let workDir: string;
let server: ServerProcess | undefined;

before(async () => {
  workDir = await makeTempDir('paper-search-stress-fairness-');
  await copyOfBaseIndex(join(workDir, 'index'));
  server = await spawnServer({ env: { INDEX_DIR: join(workDir, 'index'), API_KEYS: [...flooderKeys, probeKey].join(',') } });
});

after(async () => {
  await server?.stop();
  await removeDir(workDir);
});

describe(`fairness: ${flooders} clients flood /v1/search/batch with ${queriesPerBatch} long queries each`, () => {
  it("answers another client's single searches within 5 s (or at once with 503 and Retry-After), related by id under 50 ms p99, and the flood with answers or 429/503", async () => {
    const papers = await samplePapers();
    const abstracts = papers.map((paper) => paper.abstract.replace(/\s+/g, ' '));
    const ids = papers.map((paper) => paper.id);
    let counter = 0;
    // Long queries: a whole abstract each (hundreds of tokens, cut at the model's window), made
    // unique so the query cache never answers them.
    const longQuery = (random: () => number) => `${counter++} ${pick(random, abstracts)} ${pick(random, abstracts)}`.slice(0, 2_000);

    const floodClient = new HttpClient(server!.url, { sockets: flooders });
    const probeClient = new HttpClient(server!.url, { sockets: 2 });
    const flood = new LoadRecord();
    const searches = new LoadRecord();
    const related = new LoadRecord();
    const flooding = runLoad({
      client: floodClient,
      clients: flooders,
      durationMs,
      seed: 11,
      record: flood,
      requestTimeoutMs: 120_000,
      next: (index, random): Planned => ({
        route: '/v1/search/batch (flood)',
        method: 'POST',
        path: '/v1/search/batch',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${flooderKeys[index]}` },
        body: JSON.stringify({ queries: Array.from({ length: queriesPerBatch }, () => ({ query: longQuery(random), k: 10, mode: 'dense' })) }),
      }),
    });
    // The probes start once the flood has filled the model's queue.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const queueAtStart = metricValue((await probeClient.send({ method: 'GET', path: '/metrics' })).text, 'paper_search_model_queue_tokens');
    const probing = Promise.all([
      runLoad({
        client: probeClient,
        clients: 1,
        durationMs: durationMs - 6_000,
        seed: 12,
        record: searches,
        requestTimeoutMs: 60_000,
        next: async (_index, random) => {
          await new Promise((resolve) => setTimeout(resolve, 200));
          return {
            route: '/v1/search (probe)',
            method: 'POST',
            path: '/v1/search',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${probeKey}` },
            body: JSON.stringify({ query: `probe ${counter++} ${pick(random, papers).title}`, k: 5 }),
          };
        },
      }),
      runLoad({
        client: probeClient,
        clients: 1,
        durationMs: durationMs - 6_000,
        seed: 13,
        record: related,
        next: async (_index, random) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { route: '/v1/papers/:id/related (probe)', method: 'GET', path: `/v1/papers/${encodeURIComponent(pick(random, ids))}/related?k=10` };
        },
      }),
    ]);
    await Promise.all([flooding, probing]);
    const metrics = (await probeClient.send({ method: 'GET', path: '/metrics' })).text;
    floodClient.close();
    probeClient.close();

    const searchTimes = [...searches.latencies.values()].flat().concat(searches.refusals.map((refusal) => refusal.ms));
    const searchFigures = summarize(searchTimes);
    const relatedFigures = related.overall();
    const floodFigures = flood.overall();
    const floodStatuses = flood.routes()[0]?.statuses ?? {};
    const text = [
      `${flooders} flooding clients x ${queriesPerBatch} long queries per batch, ${flood.seconds.toFixed(1)} s; model queue when the probes started: ${queueAtStart} estimated tokens; model rate ${metricValue(metrics, 'paper_search_model_tokens_per_second')?.toFixed(0)} tokens/s`,
      table(
        ['who', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'statuses'],
        [
          ['flood: /v1/search/batch', flood.answered, floodFigures.p50, floodFigures.p95, floodFigures.p99, floodFigures.max, JSON.stringify(floodStatuses)],
          [
            'probe: /v1/search',
            searchFigures.count,
            searchFigures.p50,
            searchFigures.p95,
            searchFigures.p99,
            searchFigures.max,
            JSON.stringify(searches.routes()[0]?.statuses ?? {}),
          ],
          [
            'probe: related',
            relatedFigures.count,
            relatedFigures.p50,
            relatedFigures.p95,
            relatedFigures.p99,
            relatedFigures.max,
            JSON.stringify(related.routes()[0]?.statuses ?? {}),
          ],
        ],
      ),
      `flood refusals: ${JSON.stringify(countBy(flood.refusals.map((refusal) => `${refusal.status} ${refusal.code}`)))}; model refusals (metric): queue_full ${metricValue(metrics, 'paper_search_model_refusals_total', 'reason="queue_full"') ?? 0}, deadline ${metricValue(metrics, 'paper_search_model_refusals_total', 'reason="deadline"') ?? 0}`,
    ].join('\n');
    await writeFile(join(resultsDir, 'fairness-server.log'), server!.logs());
    await report('fairness', text, {
      flood: { ...floodFigures, statuses: floodStatuses },
      search: searchFigures,
      related: relatedFigures,
      loadavg: machineLoad(),
    });

    for (const record of [flood, searches, related]) {
      assert.deepEqual(record.transportFailures.slice(0, 3), [], 'every request got an answer: no hang, no reset');
      assert.deepEqual(record.unexpected.slice(0, 3), [], 'no answer but 200 or a deliberate 429/503');
      for (const refusal of record.refusals) {
        assert.ok(
          (refusal.status === 503 && refusal.code === 'overloaded') || (refusal.status === 429 && refusal.code === 'rate_limited'),
          `refused deliberately: ${JSON.stringify(refusal)}`,
        );
        assert.ok(refusal.retryAfter !== undefined, 'with Retry-After');
      }
    }
    assert.ok(flood.answered >= flooders, 'the flood was served');
    assert.ok(searchFigures.count >= 5, `the probe searched (${searchFigures.count})`);
    assert.ok(searchFigures.max <= 5_000, `a single search from another client answered within 5 s at worst (max ${searchFigures.max.toFixed(0)} ms)`);
    assert.equal(related.refusals.length, 0, 'related by id never waits for the model, so is never refused');
    assert.ok(relatedFigures.p99 < 50, `related by id p99 ${relatedFigures.p99.toFixed(1)} ms`);
  });
});

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
