/**
 * Loads a saved product VectorIndex and answers related-by-id queries the way the service does
 * (stored vector by label, k + the paper itself excluded by the filter):
 * `--index <file> --count <n> [--queries 2000] [--ef 128] [--raw]`. Reports load time, per-query
 * latency percentiles and this process's peak RSS: the memory of serving the index. `--raw`
 * queries hnswlib-node itself instead (k + 1 without a filter callback, the paper dropped after):
 * the floor under the product's wrapper.
 */
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { VectorIndex } from '../../src/storage/embedded/vector-index.js';
import { reportResult } from '../lib/child-result.js';
import { memoryMiB } from '../lib/process-memory.js';
import { summarizeLatencies } from '../lib/stats.js';
import { dimension, sampleLabels } from '../lib/vectors.js';

const { values } = parseArgs({
  options: {
    index: { type: 'string' },
    count: { type: 'string' },
    queries: { type: 'string', default: '2000' },
    ef: { type: 'string', default: '128' },
    raw: { type: 'boolean', default: false },
  },
});
if (!values.index || !values.count) throw new Error('--index and --count are required');

const ef = Number(values.ef);
const loadStarted = performance.now();
let related: (label: number) => unknown;
let count: number;
if (values.raw) {
  const hnsw = new hnswlib.HierarchicalNSW('ip', dimension);
  await hnsw.readIndex(values.index);
  hnsw.setEf(ef);
  related = (label) => hnsw.searchKnn(hnsw.getPoint(label), 11).neighbors.filter((neighbor) => neighbor !== label);
  count = hnsw.getCurrentCount();
} else {
  const index = await VectorIndex.load(values.index, dimension, ef);
  related = (label) => index.search(index.vector(label), 10, (candidate) => candidate !== label);
  count = index.count;
}
const loadMs = performance.now() - loadStarted;
const afterLoad = memoryMiB();

const labels = sampleLabels(Number(values.count), Number(values.queries), 11);
for (const label of labels.slice(0, 50)) related(label); // warm-up: JIT and page-in
const latencies: number[] = [];
for (const label of labels) {
  const started = performance.now();
  related(label);
  latencies.push(performance.now() - started);
}
reportResult({ count, loadMs, rssAfterLoadMiB: afterLoad.rssMiB, ...summarizeLatencies(latencies), ...memoryMiB() });
