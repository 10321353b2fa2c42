import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { seededRandom } from '../../src/shared/seeded-random.js';

export const dimension = 384;

/** The first `count` vectors of a vectors.f32 file (raw float32 little-endian, label order). */
export function readVectors(file: string, count = Number.POSITIVE_INFINITY): Float32Array {
  const fd = openSync(file, 'r');
  try {
    const available = fstatSync(fd).size / (4 * dimension);
    const n = Math.min(count, available);
    const vectors = new Float32Array(n * dimension);
    readSync(fd, new Uint8Array(vectors.buffer), 0, vectors.byteLength, 0);
    return vectors;
  } finally {
    closeSync(fd);
  }
}

export function row(vectors: Float32Array, label: number): Float32Array {
  return vectors.subarray(label * dimension, (label + 1) * dimension);
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Vector `label` of the scale set: the real vectors first, then copies of them with gaussian noise,
 * renormalized. Sigma 0.02 per dimension moves a copy about 0.4 away (cosine ≈ 0.92 to its
 * source): near its source, as a related paper would be, yet a distinct point for the graph.
 */
export function scaleVector(base: Float32Array, label: number, random: () => number, sigma = 0.02): Float32Array {
  const baseCount = base.length / dimension;
  const source = row(base, label % baseCount);
  if (label < baseCount) return source;
  const copy = new Float32Array(dimension);
  let norm = 0;
  for (let d = 0; d < dimension; d++) {
    copy[d] = source[d]! + sigma * gaussian(random);
    norm += copy[d]! * copy[d]!;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let d = 0; d < dimension; d++) copy[d]! *= scale;
  return copy;
}

/** `count` distinct labels below `limit`, in a seeded random order. */
export function sampleLabels(limit: number, count: number, seed: number): number[] {
  const random = seededRandom(seed);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, limit)) chosen.add(Math.floor(random() * limit));
  return [...chosen];
}
