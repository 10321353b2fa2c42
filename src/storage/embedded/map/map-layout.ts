import { UMAP } from 'umap-js';
import { dot } from '../../../shared/vector-math.js';
import { VectorIndex } from '../vector-index.js';
import { seededRandom } from '../../../shared/seeded-random.js';
import type { StopCheck } from '../../../shared/worker-threads.js';

export const layoutMethods = ['umap', 'pca'] as const;
export type LayoutMethod = (typeof layoutMethods)[number];

/** Where each paper of a collection sits on its 2-D map, by label. */
export interface MapLayout {
  method: LayoutMethod;
  /** When the layout was computed; papers placed into it later (see positionAmong) keep it. */
  builtAt: string;
  x: Float32Array;
  y: Float32Array;
}

export interface LayoutSettings {
  /**
   * UMAP runs on at most this many papers (landmarks, drawn at random); every other paper is
   * placed among its nearest landmarks. UMAP in JavaScript is quadratic-ish in memory and far
   * too slow on 75,000 points; a few thousand landmarks give the shape of the collection.
   */
  maxLandmarks: number;
  /** UMAP's neighbourhood size. */
  neighbours: number;
  /** UMAP's optimization epochs (umap-learn's default for large data sets; umap-js's is 500 below 2,500 points). */
  epochs: number;
  /** Neighbours a placed paper's position is averaged from. */
  placementNeighbours: number;
  /** Below this many papers UMAP has too few neighbourhoods to work with: PCA instead. */
  umapMinimum: number;
  /** Layouts are deterministic: the same vectors and seed give the same map. */
  seed: number;
}

export const defaultLayoutSettings: LayoutSettings = { maxLandmarks: 2_000, neighbours: 15, epochs: 200, placementNeighbours: 6, umapMinimum: 64, seed: 42 };

/**
 * A 2-D layout of `count` unit vectors (`dimension` floats each, one after another): UMAP on a
 * random sample of landmarks, every other paper placed among its nearest landmarks (see
 * positionAmong); PCA for collections too small for UMAP. Coordinates are centred on the
 * layout's bounding box and scaled so its longer side spans −1..1. CPU-heavy at scale (seconds
 * at 75,000 papers): run it off the serving thread. `stop` is checked between papers and between
 * UMAP's epochs.
 */
export function computeLayout(
  vectors: Float32Array,
  count: number,
  dimension: number,
  settings: LayoutSettings = defaultLayoutSettings,
  stop?: StopCheck,
): MapLayout {
  const builtAt = new Date().toISOString();
  const x = new Float32Array(count);
  const y = new Float32Array(count);
  if (count === 0) return { method: 'pca', builtAt, x, y };
  const random = seededRandom(settings.seed);
  const landmarks = sampleLabels(count, Math.min(count, settings.maxLandmarks), random);
  const vectorOf = (label: number) => vectors.subarray(label * dimension, (label + 1) * dimension);
  const method: LayoutMethod = landmarks.length >= settings.umapMinimum ? 'umap' : 'pca';
  if (method === 'pca') {
    const [first, second] = principalAxes(landmarks.map(vectorOf), random);
    for (let label = 0; label < count; label++) {
      x[label] = dot(vectorOf(label), first);
      y[label] = dot(vectorOf(label), second);
    }
  } else {
    const index = VectorIndex.create(dimension, { space: 'ip', m: 16, efConstruction: 100, randomSeed: settings.seed }, landmarks.length);
    landmarks.forEach((label, i) => {
      stop?.throwIfAborted();
      index.add(i, vectorOf(label));
    });
    index.setEfSearch(64);
    const embedding = umapOf(landmarks, vectorOf, index, settings, random, stop);
    const isLandmark = new Map(landmarks.map((label, i) => [label, i]));
    for (let label = 0; label < count; label++) {
      stop?.throwIfAborted();
      const landmark = isLandmark.get(label);
      const point =
        landmark !== undefined
          ? { x: embedding[landmark]![0]!, y: embedding[landmark]![1]! }
          : positionAmong(
              index.search(vectorOf(label), settings.placementNeighbours).map(({ label: i, score }) => ({ score, x: embedding[i]![0]!, y: embedding[i]![1]! })),
            )!;
      x[label] = point.x;
      y[label] = point.y;
    }
  }
  fitToUnitBox(x, y);
  return { method, builtAt, x, y };
}

/**
 * Where a paper goes among its nearest placed neighbours (cosine `score`, best first): their
 * positions averaged with weights falling with the squared distance between the unit vectors,
 * so a paper lands next to a near-duplicate and between papers it is equally like. Undefined
 * without neighbours.
 */
export function positionAmong(neighbours: readonly { score: number; x: number; y: number }[]): { x: number; y: number } | undefined {
  let total = 0;
  let x = 0;
  let y = 0;
  for (const neighbour of neighbours) {
    const squaredDistance = Math.max(0, 2 - 2 * neighbour.score);
    const weight = 1 / (squaredDistance + 1e-3);
    total += weight;
    x += weight * neighbour.x;
    y += weight * neighbour.y;
  }
  return total > 0 ? { x: x / total, y: y / total } : undefined;
}

/** UMAP of the landmarks, from their nearest neighbours among themselves (the HNSW index over them). */
function umapOf(
  landmarks: readonly number[],
  vectorOf: (label: number) => Float32Array,
  index: VectorIndex,
  settings: LayoutSettings,
  random: () => number,
  stop?: StopCheck,
): number[][] {
  const neighbours = Math.min(settings.neighbours, landmarks.length - 1);
  const knnIndices: number[][] = [];
  const knnDistances: number[][] = [];
  landmarks.forEach((label, i) => {
    stop?.throwIfAborted();
    // Each landmark is its own nearest neighbour, as UMAP expects; distances are Euclidean between unit vectors.
    const found = index.search(vectorOf(label), neighbours + 1).filter((neighbour) => neighbour.label !== i);
    const row = [{ label: i, score: 1 }, ...found].slice(0, neighbours);
    knnIndices.push(row.map((neighbour) => neighbour.label));
    knnDistances.push(row.map((neighbour) => Math.sqrt(Math.max(0, 2 - 2 * neighbour.score))));
  });
  const umap = new UMAP({ nComponents: 2, nNeighbors: neighbours, nEpochs: settings.epochs, minDist: 0.1, random });
  umap.setPrecomputedKNN(knnIndices, knnDistances);
  // UMAP reads the points only through the neighbours given; it needs them for their count.
  // Epoch by epoch (what fit does in one call), so a stop is seen between epochs.
  const epochs = umap.initializeFit(landmarks.map(() => []));
  for (let epoch = 0; epoch < epochs; epoch++) {
    stop?.throwIfAborted();
    umap.step();
  }
  return umap.getEmbedding();
}

/** The two directions of greatest variance of `vectors` (power iteration with deflation). */
function principalAxes(vectors: readonly Float32Array[], random: () => number): [Float32Array, Float32Array] {
  const dimension = vectors[0]!.length;
  const mean = new Float32Array(dimension);
  for (const vector of vectors) for (let d = 0; d < dimension; d++) mean[d]! += vector[d]! / vectors.length;
  const centred = vectors.map((vector) => vector.map((value, d) => value - mean[d]!));
  const axes: Float32Array[] = [];
  for (let component = 0; component < 2; component++) {
    let axis = Float32Array.from({ length: dimension }, () => random() - 0.5);
    for (let iteration = 0; iteration < 100; iteration++) {
      const next = new Float32Array(dimension);
      for (const vector of centred) {
        const projection = dot(vector, axis);
        for (let d = 0; d < dimension; d++) next[d]! += projection * vector[d]!;
      }
      for (const previous of axes) subtractProjection(next, previous);
      const norm = Math.sqrt(dot(next, next));
      // A collection with no variance in this direction (one paper, or identical ones) keeps any unit axis.
      if (norm === 0) break;
      for (let d = 0; d < dimension; d++) next[d]! /= norm;
      const change = 1 - Math.abs(dot(next, axis));
      axis = next;
      if (change < 1e-9) break;
    }
    for (const previous of axes) subtractProjection(axis, previous);
    const norm = Math.sqrt(dot(axis, axis)) || 1;
    axes.push(axis.map((value) => value / norm));
  }
  return [axes[0]!, axes[1]!];
}

function subtractProjection(vector: Float32Array, axis: Float32Array): void {
  const projection = dot(vector, axis);
  for (let d = 0; d < vector.length; d++) vector[d]! -= projection * axis[d]!;
}

/** `size` distinct labels below `count`, drawn at random, in ascending order. */
function sampleLabels(count: number, size: number, random: () => number): number[] {
  const labels = Array.from({ length: count }, (_, label) => label);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (count - i));
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  }
  return labels.slice(0, size).sort((a, b) => a - b);
}

/** Centres the points on their bounding box and scales its longer side to −1..1 (in place). */
function fitToUnitBox(x: Float32Array, y: Float32Array): void {
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < x.length; i++) {
    minX = Math.min(minX, x[i]!);
    maxX = Math.max(maxX, x[i]!);
    minY = Math.min(minY, y[i]!);
    maxY = Math.max(maxY, y[i]!);
  }
  const scale = Math.max(maxX - minX, maxY - minY) / 2 || 1;
  const [centreX, centreY] = [(minX + maxX) / 2, (minY + maxY) / 2];
  for (let i = 0; i < x.length; i++) {
    x[i] = (x[i]! - centreX) / scale;
    y[i] = (y[i]! - centreY) / scale;
  }
}
