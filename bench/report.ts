/**
 * Turns the section results in a results folder into results.md (goals, then one table per
 * section) and recall-latency.svg. Pure rendering: it measures nothing, so it can be re-run on
 * committed results: `node --import tsx bench/report.ts [bench/results]`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddingResult } from './embedding.js';
import { findRoute, relatedAnyPaper, relatedAnyPaperGzip, relatedComputed, relatedGzip, type HttpResult } from './http-load.js';
import type { IndexResult } from './index-figures.js';
import type { MachineDescription } from './lib/machine.js';
import { logXChart } from './lib/svg-chart.js';
import type { PeerResult } from './peer-comparison.js';
import type { ProfileResult } from './profile.js';
import type { RecallResult } from './recall.js';
import type { ScaleResult } from './scale.js';

export const chartFile = 'recall-latency.svg';

interface Results {
  machine?: MachineDescription;
  embedding?: EmbeddingResult;
  index?: IndexResult;
  http?: HttpResult;
  recall?: RecallResult;
  peers?: PeerResult;
  scale?: ScaleResult;
  profile?: ProfileResult;
}

function load(dir: string): Results {
  const read = <T>(name: string): T | undefined =>
    existsSync(join(dir, `${name}.json`)) ? (JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as T) : undefined;
  return {
    machine: read('machine'),
    embedding: read('embedding'),
    index: read('index'),
    http: read('http'),
    recall: read('recall'),
    peers: read('peers'),
    scale: read('scale'),
    profile: read('profile'),
  };
}

const f = (value: number | undefined, digits = 2) =>
  value === undefined || Number.isNaN(value) ? '–' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const table = (header: string[], rows: (string | number)[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
/** Paragraphs of one section, separated by blank lines. */
const block = (...paragraphs: string[]) => paragraphs.join('\n\n');
const verdict = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? '**met**' : '**not met**');

function goals(results: Results): string {
  const rows: string[][] = [];
  const { embedding, http, index, peers, scale } = results;
  rows.push([
    "Ingestion ≥ 85% of the model's limit",
    embedding
      ? `${f(100 * embedding.ratio, 1)}% (median of the runs' ratios ${embedding.runs.map((run) => `${f((100 * run.ingestPapersPerSecond) / run.limitPapersPerSecond, 0)}%`).join(', ')})`
      : '–',
    verdict(embedding && embedding.ratio >= 0.85),
  ]);
  const related1 = http && findRoute(http, '/v1/papers/:id/related', 1);
  rows.push([
    `related p50 ≤ 2 ms at 1 client (${http?.count.toLocaleString('en-US') ?? '?'} papers)`,
    related1 ? `${f(related1.p50)} ms` : '–',
    verdict(related1 && related1.p50 <= 2),
  ]);
  const health32 = http && findRoute(http, '/healthz', 32);
  for (const [route, goal] of [
    ['/v1/papers/:id/related', 'related req/s ≥ 60% of /healthz at 32 clients'],
    [relatedGzip, 'the same, clients that take gzip'],
    [relatedComputed, 'the same, every answer computed and encoded (no-cache)'],
    [relatedAnyPaper, 'the same, any paper of the collection at random'],
    [relatedAnyPaperGzip, 'the same, any paper, clients that take gzip'],
  ] as const) {
    const related32 = http && findRoute(http, route, 32);
    const relatedShare = related32 && health32 ? related32.requestsPerSecond / health32.requestsPerSecond : undefined;
    rows.push([
      goal,
      relatedShare === undefined ? '–' : `${f(100 * relatedShare, 0)}% (${f(related32!.requestsPerSecond, 0)} vs ${f(health32!.requestsPerSecond, 0)})`,
      verdict(relatedShare === undefined ? undefined : relatedShare >= 0.6),
    ]);
  }
  const search1 = http && findRoute(http, '/v1/search', 1);
  const search32 = http && findRoute(http, '/v1/search', 32);
  const searchGain = search1 && search32 ? search32.requestsPerSecond / search1.requestsPerSecond : undefined;
  rows.push([
    '/v1/search req/s at 32 clients ≥ 2× one at a time',
    searchGain === undefined ? '–' : `${f(searchGain)}× (${f(search32!.requestsPerSecond, 1)} vs ${f(search1!.requestsPerSecond, 1)})`,
    verdict(searchGain === undefined ? undefined : searchGain >= 2),
  ]);
  rows.push([
    `/v1/search ≥ 250 req/s at 32 clients (${http?.count.toLocaleString('en-US') ?? '?'} papers)`,
    search32 ? `${f(search32.requestsPerSecond, 1)} req/s` : '–',
    verdict(search32 && search32.requestsPerSecond >= 250),
  ]);
  const similar32 = http && findRoute(http, '/v1/similar', 32);
  const modelRate = http?.modelAbstractsPerSecond;
  const similarShare = similar32 && modelRate ? similar32.requestsPerSecond / modelRate : undefined;
  rows.push([
    "/v1/similar at 32 clients ≥ 0.9× the model's own rate on the abstracts",
    similarShare === undefined ? '–' : `${f(similarShare)}× (${f(similar32!.requestsPerSecond, 1)} vs ${f(modelRate!, 1)} abstracts/s)`,
    verdict(similarShare === undefined ? undefined : similarShare >= 0.9),
  ]);
  rows.push([
    `Start-up to ready ≤ 3 s (${index?.server.count.toLocaleString('en-US') ?? '?'} papers)`,
    index ? `${f(index.server.readyMs / 1000)} s` : '–',
    verdict(index && index.server.readyMs <= 3000),
  ]);
  if (peers) {
    const ours = peers.peers.find((peer) => peer.peer === 'paper-search VectorIndex');
    const beaten = peers.peers.filter(
      (peer): peer is Extract<typeof peer, { p50: number }> => 'p50' in peer && peer !== ours && peer.peer !== 'hnswlib-node direct',
    );
    const faster = ours && 'p50' in ours ? beaten.filter((peer) => peer.recall10 >= ours.recall10 - 0.001 && peer.p50 < ours.p50).map((peer) => peer.peer) : [];
    rows.push([
      'Faster than every peer at equal or better recall@10',
      faster.length === 0 ? 'no peer is faster at equal recall' : `faster at equal recall: ${faster.join(', ')}`,
      verdict(faster.length === 0),
    ]);
  } else rows.push(['Faster than every peer at equal or better recall@10', '–', verdict(undefined)]);
  rows.push([
    '1M vectors served from one process within 4 GB',
    scale ? `${f(scale.serve.peakRssMiB / 1024)} GiB peak RSS` : '–',
    verdict(scale && scale.serve.peakRssMiB <= 4096),
  ]);
  return table(['goal', 'measured', ''], rows);
}

function sections(results: Results): string[] {
  const out: string[] = [];
  const { embedding, index, http, recall, peers, scale, profile } = results;
  if (embedding) {
    out.push(
      block(
        `### Embedding throughput (${embedding.papers} papers)`,
        table(
          ['', 'papers/s'],
          [
            ['ingestion (`npm run ingest`, model load excluded)', f(embedding.ingestPapersPerSecond, 1)],
            ['ingestion, whole process', f(embedding.ingestWallPapersPerSecond, 1)],
            ['model limit (ONNX sessions in a tight loop, the best layout)', f(embedding.limitPapersPerSecond, 1)],
            ['ratio (median of per-run ratios)', `${f(100 * embedding.ratio, 1)}%`],
          ],
        ),
      ),
    );
  }
  if (index) {
    out.push(
      block(
        '### Index',
        table(
          ['', 'vectors', 'time', 'peak RSS'],
          [
            ...index.builds.map((build) => [
              'build from stored vectors',
              build.count.toLocaleString('en-US'),
              `${f(build.buildMs / 1000, 1)} s`,
              `${f(build.peakRssMiB, 0)} MiB`,
            ]),
            ['load saved index', index.load.count.toLocaleString('en-US'), `${f(index.load.loadMs, 0)} ms`, `${f(index.load.rssAfterLoadMiB, 0)} MiB`],
            [
              'server start-up to ready',
              index.server.count.toLocaleString('en-US'),
              `${f(index.server.readyMs, 0)} ms`,
              `${f(index.server.rssReadyMiB, 0)} MiB (RSS when ready)`,
            ],
          ],
        ),
      ),
    );
  }
  if (http) {
    const health = (connections: number) => findRoute(http, '/healthz', connections)?.requestsPerSecond;
    out.push(
      block(
        `### HTTP, ${http.count.toLocaleString('en-US')} papers (${http.durationS} s × ${http.rounds} rounds per cell; server peak RSS ${f(http.serverPeakRssMiB, 0)} MiB)`,
        table(
          ['route', 'clients', 'req/s', 'vs /healthz', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
          http.routes
            .sort((a, b) => a.route.localeCompare(b.route) || a.connections - b.connections)
            .map((row) => [
              row.route,
              row.connections,
              f(row.requestsPerSecond, 0),
              `${f((100 * row.requestsPerSecond) / (health(row.connections) ?? Number.NaN), 0)}%`,
              f(row.p50),
              f(row.p95),
              f(row.p99),
              row.errors,
            ]),
        ),
        `Model on the same abstracts, server idle (ONNX sessions in a tight loop, the best layout): ${f(http.modelAbstractsPerSecond, 1)} abstracts/s. Load average during the section: ${http.loadAverage ? http.loadAverage.map((load) => f(load, 1)).join(' → ') : '?'}.`,
        `Index baseline, related-by-id in one process without HTTP: product VectorIndex p50 ${f(http.indexBaseline.vectorIndex.p50, 3)} ms / p99 ${f(http.indexBaseline.vectorIndex.p99, 3)} ms; hnswlib-node itself (no filter callback) p50 ${f(http.indexBaseline.hnswlibRaw.p50, 3)} ms / p99 ${f(http.indexBaseline.hnswlibRaw.p99, 3)} ms.`,
      ),
    );
  }
  if (recall) {
    out.push(
      block(
        `### Recall@10 against exact search, ${recall.count.toLocaleString('en-US')} vectors, ${recall.queries} queries`,
        table(
          ['HNSW_EF_SEARCH', 'recall@10', 'p50 ms', 'p99 ms'],
          recall.points.map((point) => [point.ef === 128 ? '128 (default)' : point.ef, f(point.recall10, 4), f(point.p50, 3), f(point.p99, 3)]),
        ),
        `![recall against latency](${chartFile})`,
      ),
    );
  }
  if (peers) {
    out.push(
      block(
        `### Peers, ${peers.count.toLocaleString('en-US')} vectors, same queries`,
        table(
          ['library', 'method', 'build s', 'index MiB', 'peak RSS MiB', 'p50 ms', 'p99 ms', 'queries/s', 'recall@10'],
          peers.peers.map((peer) =>
            'error' in peer
              ? [peer.peer, `did not run: ${peer.error.replace(/\|/g, '/').slice(0, 160)}`, '', '', '', '', '', '', '']
              : [
                  peer.peer,
                  peer.method,
                  f(peer.buildMs / 1000, 1),
                  f(peer.indexMemoryMiB, 0),
                  f(peer.peakRssMiB, 0),
                  f(peer.p50, 3),
                  f(peer.p99, 3),
                  f(peer.qps, 0),
                  f(peer.recall10, 4),
                ],
          ),
        ),
      ),
    );
  }
  if (scale) {
    out.push(
      block(
        `### Scale, ${scale.count.toLocaleString('en-US')} vectors`,
        table(
          ['', ''],
          [
            [
              'build (one core)',
              `${f(scale.build.buildMs / 60_000, 1)} min, peak RSS ${f(scale.build.peakRssMiB, 0)} MiB${scale.build.builtAt ? ` (built ${scale.build.builtAt.slice(0, 16)})` : ''}`,
            ],
            ['index file', `${f(scale.indexFileMiB, 0)} MiB`],
            ['load', `${f(scale.serve.loadMs / 1000, 2)} s`],
            ['related-by-id', `p50 ${f(scale.serve.p50, 3)} ms, p99 ${f(scale.serve.p99, 3)} ms`],
            ['serving process peak RSS', `${f(scale.serve.peakRssMiB, 0)} MiB`],
          ],
        ),
      ),
    );
  }
  if (profile) {
    for (const run of profile.profiles) {
      const main = run.threads.find((thread) => thread.thread === 'main');
      if (!main) continue;
      out.push(
        block(
          `### CPU profile: ${run.route} at ${run.connections} clients (main thread, ${f(main.busyMs, 0)} ms busy, ${f(run.requestsPerSecond, 0)} req/s under the profiler)`,
          table(
            ['self %', 'function', 'where'],
            main.top.map((entry) => [f(entry.percent, 1), `\`${entry.function.replace(/\|/g, '\\|')}\``, entry.location]),
          ),
          `By package or file: ${main.byLocation.map((entry) => `${entry.location || '(native/V8)'} ${f(entry.percent, 1)}%`).join(', ')}.`,
        ),
      );
    }
  }
  return out;
}

function notes(results: Results): string {
  const all = [results.embedding, results.index, results.http, results.recall, results.peers, results.scale, results.profile].filter(
    (section) => section !== undefined,
  );
  return all
    .map(
      (section) =>
        `- **${section.section}** (${section.measuredAt.slice(0, 16)} UTC${section.commit ? `, commit ${section.commit}` : ''}${section.loadAverage ? `, load average ${section.loadAverage.map((value) => value.toFixed(2)).join(' → ')}` : ''}): ${section.notes.join(' ')}`,
    )
    .join('\n');
}

function chart(results: Results): string | undefined {
  if (!results.recall) return undefined;
  const palette = ['#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  const peerSeries = (results.peers?.peers ?? [])
    .filter((peer): peer is Extract<typeof peer, { p50: number }> => 'p50' in peer && peer.peer !== 'paper-search VectorIndex')
    .map((peer, i) => ({ name: peer.peer, color: palette[i % palette.length]!, line: false, points: [{ x: peer.p50, y: peer.recall10 }] }));
  const minRecall = Math.min(...results.recall.points.map((point) => point.recall10), ...peerSeries.map((series) => series.points[0]!.y));
  return logXChart({
    title: `Recall@10 against query latency (p50), ${results.recall.count.toLocaleString('en-US')} arXiv MiniLM vectors`,
    xLabel: 'p50 latency per query, ms (log scale; in process, Chroma over HTTP)',
    yLabel: 'recall@10 vs exact search',
    yMin: Math.max(0, Math.floor(minRecall * 20) / 20),
    series: [
      {
        name: 'paper-search (ef sweep)',
        color: '#1f77b4',
        line: true,
        points: results.recall.points.map((point) => ({ x: point.p50, y: point.recall10, label: `ef ${point.ef}` })),
      },
      ...peerSeries,
    ],
  });
}

export function renderReport(dir: string): string {
  const results = load(dir);
  const machine = results.machine;
  const markdown = [
    '## Results',
    '',
    machine
      ? `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, Node ${machine.node}, Linux ${machine.kernel}; commit ${machine.commit}, ${machine.date.slice(0, 10)}. Shared, noisy machine: compare ratios measured in the same run.`
      : '',
    '',
    '### Goals',
    '',
    goals(results),
    '',
    ...sections(results).flatMap((part) => [part, '']),
    '### Notes',
    '',
    notes(results),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'results.md'), markdown);
  const svg = chart(results);
  if (svg) writeFileSync(join(dir, chartFile), svg);
  return markdown;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(renderReport(process.argv[2] ?? 'bench/results'));
