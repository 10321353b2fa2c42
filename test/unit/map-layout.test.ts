import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { AppError } from '../../src/errors.js';
import { groupByPrimaryCategory } from '../../src/search/collection-map.js';
import { lineageOf, readManifest, writeManifest } from '../../src/storage/embedded/manifest.js';
import { decodeMapLayout, encodeMapLayout, mapLayoutFileName } from '../../src/storage/embedded/map/map-layout-file.js';
import { computeLayout, defaultLayoutSettings, positionAmong, type MapLayout } from '../../src/storage/embedded/map/map-layout.js';
import { PaperPositions } from '../../src/storage/embedded/map/paper-positions.js';
import { PaperStore } from '../../src/storage/embedded/paper-store.js';
import { VectorIndex, defaultHnswParameters } from '../../src/storage/embedded/vector-index.js';
import { readVectorsFile } from '../../src/storage/embedded/vectors-file.js';
import { IndexFolderWriter } from '../../src/storage/embedded/index-folder-writer.js';
import { startBuildLayout } from '../../src/storage/embedded/map/layout-thread.js';
import { createLogger } from '../../src/log.js';
import type { Paper } from '../../src/papers/paper.js';
import { buildFakeIndex, FakeEmbedder, openFakeStorage, topicPapers } from './fake-collection.js';
import { isAppErrorWithCode, longestWait, temporaryRoot } from './support.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

const root = temporaryRoot('paper-search-map-');
const embedder = new FakeEmbedder();
const dimension = 32;

/** `count` unit vectors around `clusters` random centres, cluster i % clusters for vector i. */
function clusteredVectors(count: number, clusters: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dimension }, () => random() * 2 - 1));
  const vectors = new Float32Array(count * dimension);
  for (let i = 0; i < count; i++) {
    const vector = vectors.subarray(i * dimension, (i + 1) * dimension);
    for (let d = 0; d < dimension; d++) vector[d] = centres[i % clusters]![d]! + 0.25 * (random() * 2 - 1);
    const norm = Math.hypot(...vector);
    for (let d = 0; d < dimension; d++) vector[d]! /= norm;
  }
  return vectors;
}

/** The share of points whose nearest other point on the map is of their own cluster. */
function clusterPurity(layout: MapLayout, clusters: number): number {
  let same = 0;
  const count = layout.x.length;
  for (let i = 0; i < count; i++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let j = 0; j < count; j++) {
      const distance = (layout.x[i]! - layout.x[j]!) ** 2 + (layout.y[i]! - layout.y[j]!) ** 2;
      if (j !== i && distance < bestDistance) [best, bestDistance] = [j, distance];
    }
    if (best % clusters === i % clusters) same++;
  }
  return same / count;
}

describe('computeLayout', () => {
  it('lays out a small collection by PCA, keeping clusters apart, within −1..1', () => {
    const layout = computeLayout(clusteredVectors(40, 2, 1), 40, dimension);
    assert.equal(layout.method, 'pca');
    assert.ok(clusterPurity(layout, 2) > 0.95);
    assert.ok([...layout.x, ...layout.y].every((value) => value >= -1 && value <= 1));
    assert.ok(
      [...layout.x, ...layout.y].some((value) => Math.abs(value) === 1),
      'the longer side spans −1..1',
    );
  });

  it('lays out larger ones by UMAP on landmarks and places the rest among them, the same way every time', () => {
    const vectors = clusteredVectors(400, 4, 2);
    const settings = { ...defaultLayoutSettings, maxLandmarks: 120, epochs: 100 };
    const layout = computeLayout(vectors, 400, dimension, settings);
    assert.equal(layout.method, 'umap');
    assert.ok(clusterPurity(layout, 4) > 0.9, `purity ${clusterPurity(layout, 4)}`);
    assert.ok([...layout.x, ...layout.y].every((value) => Number.isFinite(value) && value >= -1 && value <= 1));
    const again = computeLayout(vectors, 400, dimension, settings);
    assert.deepEqual(again.x, layout.x);
    assert.deepEqual(again.y, layout.y);
  });

  it('has nothing to lay out for an empty collection, and puts a single paper at the centre', () => {
    assert.equal(computeLayout(new Float32Array(0), 0, dimension).x.length, 0);
    const one = computeLayout(clusteredVectors(1, 1, 3), 1, dimension);
    assert.deepEqual([one.x[0], one.y[0]], [0, 0]);
  });
});

describe('positionAmong', () => {
  it('averages the neighbours, the nearer weighing more; a near duplicate decides', () => {
    assert.equal(positionAmong([]), undefined);
    const even = positionAmong([
      { score: 0.5, x: 0, y: 0 },
      { score: 0.5, x: 1, y: 1 },
    ])!;
    assert.deepEqual(even, { x: 0.5, y: 0.5 });
    const duplicate = positionAmong([
      { score: 1, x: 0.2, y: -0.3 },
      { score: 0.3, x: 1, y: 1 },
    ])!;
    assert.ok(Math.abs(duplicate.x - 0.2) < 0.01 && Math.abs(duplicate.y + 0.3) < 0.01);
  });
});

describe('map-layout.bin', () => {
  const layout: MapLayout = { method: 'umap', builtAt: '2026-01-02T03:04:05.000Z', x: Float32Array.from([0.5, -1, 0.25]), y: Float32Array.from([1, 0, -0.75]) };

  it('round-trips a layout', () => {
    assert.deepEqual(decodeMapLayout(encodeMapLayout(layout), 3), layout);
  });

  it('reports a damaged, truncated or mismatched file as index_corrupt', () => {
    const bytes = encodeMapLayout(layout);
    const flipped = bytes.slice();
    flipped[40]! ^= 1;
    assert.throws(() => decodeMapLayout(flipped, 3), isAppErrorWithCode('index_corrupt', /checksum/));
    assert.throws(() => decodeMapLayout(bytes.subarray(0, bytes.length - 1), 3), isAppErrorWithCode('index_corrupt'));
    assert.throws(() => decodeMapLayout(bytes, 4), isAppErrorWithCode('index_corrupt', /holds 3 papers, the index 4/));
    const other = bytes.slice();
    other[0] = 0;
    assert.throws(() => decodeMapLayout(other, 3), isAppErrorWithCode('index_corrupt', /magic/));
  });
});

describe('PaperPositions', () => {
  const papers: Paper[] = ['a', 'b', 'c'].map((id) => ({ id, title: id, abstract: id }));

  it('carries positions to a renumbered store by paper id', () => {
    const positions = PaperPositions.fromLayout({ method: 'pca', builtAt: 'x', x: Float32Array.from([1, 2, 3]), y: Float32Array.from([4, 5, 6]) });
    const next = PaperStore.fromPapers([papers[2]!, { id: 'd', title: 'd', abstract: 'd' }, papers[0]!]);
    const carried = PaperPositions.carried(positions, PaperStore.fromPapers(papers), next, 3);
    assert.deepEqual([carried.pointOf(0), carried.pointOf(1), carried.pointOf(2)], [{ x: 3, y: 6 }, undefined, { x: 1, y: 4 }]);
  });

  it('places papers without a position among their nearest placed neighbours', async () => {
    const store = PaperStore.fromPapers(papers);
    const graph = VectorIndex.create(3, defaultHnswParameters);
    [
      [1, 0, 0],
      [0, 1, 0],
      [0.995, 0.0998, 0],
    ].forEach((vector, label) => graph.add(label, Float32Array.from(vector)));
    const positions = PaperPositions.fromLayout({ method: 'pca', builtAt: 'x', x: Float32Array.from([-1, 1]), y: Float32Array.from([0, 0]) });
    assert.equal(await positions.placeMissing(store, graph), 1);
    const placed = positions.pointOf(2)!;
    assert.ok(placed.x < -0.9, `next to its near duplicate, at ${placed.x}`);
    assert.equal(await positions.placeMissing(store, graph), 0, 'kept once placed');
  });
});

describe('PaperPositions.placeMissing, many papers', () => {
  it('regression: places many papers a slice at a time, so other requests are answered meanwhile (the map after a write of 1,000 papers held them 1 s), and places those written meanwhile', async () => {
    const count = 6_000;
    const vectors = clusteredVectors(count + 1, 8, 5);
    const store = PaperStore.fromPapers(Array.from({ length: count }, (_, i) => ({ id: `p${i}`, title: `p${i}`, abstract: `p${i}` })));
    const graph = VectorIndex.create(dimension, defaultHnswParameters, count + 1);
    for (let label = 0; label < count; label++) graph.add(label, vectors.subarray(label * dimension, (label + 1) * dimension));
    // The first hundred papers have a position; the rest were written since.
    const positions = PaperPositions.fromLayout({ method: 'pca', builtAt: 'x', x: new Float32Array(100).fill(1), y: new Float32Array(100).fill(2) });
    let written = false;
    let placed = 0;
    const { longest, took } = await longestWait(
      async () => {
        placed = await positions.placeMissing(store, graph);
      },
      () => {
        if (written) return;
        // A write applied while the papers are placed: one paper deleted, one added.
        store.remove(count - 1);
        graph.remove(count - 1);
        graph.add(store.append({ id: 'late', title: 'late', abstract: 'late' }), vectors.subarray(count * dimension));
        written = true;
      },
    );
    assert.ok(longest < took / 4, `the event loop waited ${longest.toFixed(0)} ms while papers were placed for ${took.toFixed(0)} ms`);
    assert.ok(written, 'a write came between two slices');
    assert.equal(placed, count - 100, 'every paper without a position but the deleted one, and the one written meanwhile');
    assert.ok(positions.pointOf(count) !== undefined, 'the paper written meanwhile is placed');
  });
});

describe('groupByPrimaryCategory', () => {
  it('groups by first category, largest group first, papers without one in "other"', () => {
    const map = groupByPrimaryCategory({
      ids: ['a', 'b', 'c', 'd', 'e'],
      x: new Float32Array(5),
      y: new Float32Array(5),
      primaryCategories: ['cs.CL', undefined, 'cs.CV', 'cs.CL', undefined],
      method: 'umap',
      builtAt: 'x',
    });
    assert.deepEqual(map.groups, ['cs.CL', 'other', 'cs.CV']);
    assert.deepEqual(map.groupSizes, [2, 2, 1]);
    assert.deepEqual([...map.group], [0, 1, 2, 0, 1]);
  });
});

describe('EmbeddedStorage.map', () => {
  it('maps every paper, places written ones by their neighbours, and keeps positions across a snapshot', async () => {
    const folder = join(root(), 'served', 'index');
    await buildFakeIndex(folder, embedder);
    const storage = await openFakeStorage(folder, embedder);
    try {
      const before = await storage.map();
      assert.equal(before.method, 'pca');
      assert.deepEqual([...before.ids].sort(), topicPapers.map((paper) => paper.id).sort());
      assert.equal(before.primaryCategories[before.ids.indexOf('protein-1')], 'q-bio.BM');
      const at = (map: typeof before, id: string) => ({ x: map.x[map.ids.indexOf(id)]!, y: map.y[map.ids.indexOf(id)]! });

      const twin = { ...topicPapers[0]!, id: 'volcano-twin' };
      await storage.commit([[{ op: 'put', paper: twin, vector: embedder.paperVector(twin) }], [{ op: 'delete', id: 'speech-1' }]]);
      const after = await storage.map();
      assert.equal(after.ids.length, topicPapers.length);
      assert.ok(!after.ids.includes('speech-1'));
      const twinAt = at(after, 'volcano-twin');
      const originalAt = at(after, 'volcano-1');
      assert.ok(Math.hypot(twinAt.x - originalAt.x, twinAt.y - originalAt.y) < 0.05, 'a copy of a paper lands on it');
      assert.deepEqual(at(after, 'video-1'), at(before, 'video-1'), 'stored papers keep their places');

      await storage.snapshot();
      const manifest = await readManifest(folder);
      assert.equal(manifest.files.map, mapLayoutFileName, 'the snapshot wrote the layout');
      const snapshotted = await storage.map();
      for (const id of after.ids) assert.deepEqual(at(snapshotted, id), at(after, id), id);
      assert.equal(snapshotted.builtAt, before.builtAt);
    } finally {
      await storage.close();
    }
  });

  it('computes the layout of a folder built without one in a worker, answering map_building meanwhile', async () => {
    const folder = join(root(), 'old', 'index');
    await buildFakeIndex(folder, embedder);
    const manifest = await readManifest(folder);
    const expected = decodeMapLayout(await readFile(join(folder, mapLayoutFileName)), manifest.count);
    const { map: _layoutFile, ...files } = manifest.files;
    await writeManifest(folder, { ...manifest, files });
    await rm(join(folder, mapLayoutFileName));
    const storage = await openFakeStorage(folder, embedder);
    try {
      await assert.rejects(storage.map(), (error: unknown) => {
        assert.ok(error instanceof AppError && error.code === 'map_building');
        assert.ok((error.details as { retryAfterSeconds: number }).retryAfterSeconds >= 1);
        return true;
      });
      const map = await eventually(() => storage.map());
      assert.deepEqual(
        map.ids,
        topicPapers.map((paper) => paper.id),
      );
      assert.deepEqual(map.x, expected.x, 'the layout ingestion would have written');
      assert.deepEqual(map.y, expected.y);
      assert.equal(lineageOf(manifest), lineageOf(await readManifest(folder)), 'the folder was not rewritten');
    } finally {
      await storage.close();
    }
  });
});

describe('map layouts computed in a worker', () => {
  const papers: Paper[] = Array.from({ length: 1_000 }, (_, i) => {
    const topic = topicPapers[i % topicPapers.length]!;
    return { id: `paper-${i}`, title: `${topic.title} ${i % 7}`, abstract: `${topic.abstract} variant${i % 13} case${i % 29}` };
  });
  const { dimension: modelDimension } = embedder.model;
  const layoutInPlace = async (folder: string): Promise<MapLayout> => {
    const manifest = await readManifest(folder);
    return computeLayout(await readVectorsFile(join(folder, manifest.files.vectors), manifest.count, modelDimension), manifest.count, modelDimension);
  };

  it('lay out a vectors file as it is laid out in place', async () => {
    const folder = join(root(), 'vectors-file', 'index');
    await buildFakeIndex(folder, embedder, papers);
    const manifest = await readManifest(folder);
    const answer = await startBuildLayout(join(folder, manifest.files.vectors), manifest.count, modelDimension).answer;
    assert.ok(answer.ok);
    const inPlace = await layoutInPlace(folder);
    assert.equal(answer.layout.method, 'umap');
    assert.deepEqual(answer.layout.x, inPlace.x);
    assert.deepEqual(answer.layout.y, inPlace.y);
  });

  it('give a build of 1,000 papers with helper threads the layout it would compute in place', async () => {
    const folder = join(root(), 'thousand', 'index');
    const writer = await IndexFolderWriter.create(folder, embedder.model, { helperThreads: { log: createLogger('silent') } });
    for (const paper of papers) await writer.add(paper, embedder.paperVector(paper));
    await writer.finish({ input: 'test papers', read: papers.length, rejected: 0 });
    const written = decodeMapLayout(await readFile(join(folder, mapLayoutFileName)), papers.length);
    const inPlace = await layoutInPlace(folder);
    assert.deepEqual(written.x, inPlace.x);
    assert.deepEqual(written.y, inPlace.y);
  });
});

/** Retries `attempt` while it fails with map_building. */
async function eventually<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'map_building') || tries > 200) throw error;
      await sleep(50);
    }
  }
}
