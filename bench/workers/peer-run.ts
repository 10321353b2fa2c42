/**
 * One peer library in its own process: build from the stored vectors, then answer the ground
 * truth's queries one at a time. `--peer <key> --vectors <f32> --truth <json> --work <dir>`.
 * Reports build time, memory (of this process, or of the peer's server), per-query latency
 * and recall@10 against exact search.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { peers } from '../peers/catalog.js';
import { reportResult } from '../lib/child-result.js';
import type { GroundTruth } from '../lib/exact.js';
import { recallAt10, recallDepth } from '../lib/exact.js';
import { memoryMiB } from '../lib/process-memory.js';
import { median, summarizeLatencies } from '../lib/stats.js';
import { dimension, readVectors, row } from '../lib/vectors.js';

const { values } = parseArgs({ options: { peer: { type: 'string' }, vectors: { type: 'string' }, truth: { type: 'string' }, work: { type: 'string' } } });
if (!values.peer || !values.vectors || !values.truth || !values.work) throw new Error('--peer, --vectors, --truth and --work are required');
const peer = peers[values.peer];
if (!peer) throw new Error(`unknown peer ${values.peer}; known: ${Object.keys(peers).join(', ')}`);
const truth = JSON.parse(readFileSync(values.truth, 'utf8')) as GroundTruth;
const vectors = readVectors(values.vectors, truth.count);

await rm(values.work, { recursive: true, force: true });
await mkdir(values.work, { recursive: true });
const index = await peer.create(values.work);
const memoryPid = index.serverPid ?? 'self';
const before = memoryMiB(memoryPid);
const buildStarted = performance.now();
await index.build(vectors, truth.count, dimension);
const buildMs = performance.now() - buildStarted;
const afterBuild = memoryMiB(memoryPid);

// Warm-up: first queries page in data and JIT the caller; not the steady state being compared.
for (const query of truth.queries.slice(0, 20)) await index.query(row(vectors, query), recallDepth + 1);
const latencies: number[] = [];
const recalls: number[] = [];
for (const [i, query] of truth.queries.entries()) {
  const started = performance.now();
  const labels = await index.query(row(vectors, query), recallDepth + 1);
  latencies.push(performance.now() - started);
  recalls.push(recallAt10(labels, query, truth.neighbors[i]!));
}
const final = memoryMiB(memoryPid);
await index.close();
await rm(values.work, { recursive: true, force: true });
const latency = summarizeLatencies(latencies);
reportResult({
  peer: peer.name,
  method: peer.method,
  count: truth.count,
  buildMs,
  // The worker's own copy of the vectors is in `before`; the difference is what the library added.
  indexMemoryMiB: afterBuild.rssMiB - (index.serverPid ? 0 : before.rssMiB),
  peakRssMiB: final.peakRssMiB,
  ...latency,
  qps: 1000 / (latencies.reduce((sum, value) => sum + value, 0) / latencies.length),
  recall10: recalls.reduce((sum, value) => sum + value, 0) / recalls.length,
  medianLatencyMs: median(latencies),
});
