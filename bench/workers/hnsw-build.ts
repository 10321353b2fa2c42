/**
 * Builds a product VectorIndex (src/index/vector-index.ts, with the product's HNSW parameters)
 * from stored vectors and saves it: `--vectors <f32> --count <n> --out <file>`. When `--count`
 * exceeds the stored vectors, the rest are perturbed copies (the 1M scale set). Reports build
 * and save time and this process's peak RSS.
 */
import { parseArgs } from 'node:util';
import { defaultHnswParameters, VectorIndex } from '../../src/storage/embedded/vector-index.js';
import { reportResult } from '../lib/child-result.js';
import { memoryMiB } from '../lib/process-memory.js';
import { dimension, readVectors, scaleVector, seededRandom } from '../lib/vectors.js';

const { values } = parseArgs({ options: { vectors: { type: 'string' }, count: { type: 'string' }, out: { type: 'string' } } });
if (!values.vectors || !values.count || !values.out) throw new Error('--vectors, --count and --out are required');
const count = Number(values.count);
const base = readVectors(values.vectors, count);
const random = seededRandom(7);

const started = performance.now();
const index = VectorIndex.create(dimension, defaultHnswParameters, count);
for (let label = 0; label < count; label++) {
  index.add(label, scaleVector(base, label, random));
  if (label > 0 && label % 50_000 === 0) console.error(`hnsw-build: ${label}/${count} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
const buildMs = performance.now() - started;
const saveStarted = performance.now();
await index.save(values.out);
reportResult({ count, buildMs, saveMs: performance.now() - saveStarted, ...memoryMiB() });
