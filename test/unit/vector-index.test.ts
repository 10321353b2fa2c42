import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VectorIndex, defaultHnswParameters, type Neighbor } from '../../src/storage/embedded/vector-index.js';
import { dot } from '../../src/shared/vector-math.js';
import { randomUnitVectors } from './support.js';

/** Exact k nearest by cosine (unit vectors), best first, ties by label. */
function bruteForce(vectors: readonly Float32Array[], query: Float32Array, k: number, accept: (label: number) => boolean = () => true): Neighbor[] {
  return vectors
    .map((vector, label) => ({ label, score: dot(vector, query) }))
    .filter((neighbor) => accept(neighbor.label))
    .sort((a, b) => b.score - a.score || a.label - b.label)
    .slice(0, k);
}

function buildIndex(vectors: readonly Float32Array[], initialCapacity?: number): VectorIndex {
  const index = VectorIndex.create(vectors[0]!.length, defaultHnswParameters, initialCapacity);
  vectors.forEach((vector, label) => index.add(label, vector));
  index.setEfSearch(200);
  return index;
}

function assertScoresClose(actual: readonly Neighbor[], expected: readonly Neighbor[]): void {
  assert.deepEqual(
    actual.map((neighbor) => neighbor.label),
    expected.map((neighbor) => neighbor.label),
  );
  actual.forEach((neighbor, i) => assert.ok(Math.abs(neighbor.score - expected[i]!.score) < 1e-5, `score ${neighbor.score} vs ${expected[i]!.score}`));
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paper-search-hnsw-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const dimension = 16;
const vectors = randomUnitVectors(200, dimension, 7);
const queries = randomUnitVectors(5, dimension, 99);

describe('VectorIndex', () => {
  it('starts empty and returns no neighbours', () => {
    const index = VectorIndex.create(dimension, defaultHnswParameters);
    assert.equal(index.count, 0);
    assert.equal(index.dimension, dimension);
    assert.deepEqual(index.search(queries[0]!, 5), []);
  });

  it('grows beyond its initial capacity', () => {
    const index = buildIndex(vectors.slice(0, 50), 4);
    assert.equal(index.count, 50);
    const [best] = index.search(vectors[49]!, 1);
    assert.equal(best?.label, 49);
  });

  it('accepts an initial capacity of 0', () => {
    const index = buildIndex(vectors.slice(0, 3), 0);
    assert.equal(index.count, 3);
  });

  it('finds a stored vector itself first, with cosine score 1', () => {
    const index = buildIndex(vectors);
    for (const label of [0, 17, 199]) {
      const [best] = index.search(vectors[label]!, 3);
      assert.equal(best?.label, label);
      assert.ok(Math.abs(best!.score - 1) < 1e-5, `score ${best?.score}`);
    }
  });

  it('returns the k nearest best first, with cosine scores', () => {
    const index = buildIndex(vectors);
    for (const query of queries) {
      const result = index.search(query, 10);
      assert.equal(result.length, 10);
      for (let i = 1; i < result.length; i++) assert.ok(result[i - 1]!.score >= result[i]!.score, 'sorted best first');
      assertScoresClose(result, bruteForce(vectors, query, 10));
    }
  });

  it('scores an opposite vector -1 and an orthogonal one 0', () => {
    const index = VectorIndex.create(2, defaultHnswParameters);
    index.add(0, Float32Array.from([1, 0]));
    index.add(1, Float32Array.from([0, 1]));
    index.add(2, Float32Array.from([-1, 0]));
    const result = index.search(Float32Array.from([1, 0]), 3);
    assert.deepEqual(
      result.map((neighbor) => neighbor.label),
      [0, 1, 2],
    );
    assert.ok(Math.abs(result[0]!.score - 1) < 1e-6);
    assert.ok(Math.abs(result[1]!.score) < 1e-6);
    assert.ok(Math.abs(result[2]!.score + 1) < 1e-6);
  });

  it('returns every vector when k is larger than the count', () => {
    const index = buildIndex(vectors.slice(0, 7));
    const result = index.search(queries[0]!, 50);
    assert.equal(result.length, 7);
    assert.deepEqual(
      result.map((neighbor) => neighbor.label).sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assertScoresClose(result, bruteForce(vectors.slice(0, 7), queries[0]!, 50));
  });

  it('returns nothing for k = 0', () => {
    assert.deepEqual(buildIndex(vectors.slice(0, 5)).search(queries[0]!, 0), []);
  });

  it('respects the accept filter and still returns k when k matches exist', () => {
    const index = buildIndex(vectors);
    const even = (label: number) => label % 2 === 0;
    for (const query of queries) {
      const result = index.search(query, 10, even);
      assert.equal(result.length, 10);
      assert.ok(
        result.every((neighbor) => even(neighbor.label)),
        JSON.stringify(result),
      );
      assertScoresClose(result, bruteForce(vectors, query, 10, even));
    }
  });

  it('still returns k when the filter matches under 1% of the vectors', () => {
    const many = randomUnitVectors(4_000, 32, 11);
    const index = VectorIndex.create(32, defaultHnswParameters, many.length);
    many.forEach((vector, label) => index.add(label, vector));
    index.setEfSearch(64);
    const rare = (label: number) => label % 150 === 0; // 27 of 4,000: 0.7%
    for (const query of randomUnitVectors(10, 32, 12)) {
      const result = index.search(query, 10, rare);
      assert.equal(result.length, 10);
      assert.ok(result.every((neighbor) => rare(neighbor.label)));
      assertScoresClose(result, bruteForce(many, query, 10, rare));
    }
  });

  it('leaves out a stored vector itself when the filter excludes it', () => {
    const index = buildIndex(vectors);
    const result = index.search(vectors[5]!, 5, (label) => label !== 5);
    assert.equal(result.length, 5);
    assert.ok(!result.some((neighbor) => neighbor.label === 5));
  });

  it('searchNear returns the neighbours of a stored vector without itself or the excluded, with and without a filter', () => {
    const index = buildIndex(vectors);
    const unfiltered = index.searchNear(5, 8, new Set([7]));
    assertScoresClose(
      unfiltered,
      bruteForce(vectors, vectors[5]!, 8, (label) => label !== 5 && label !== 7),
    );
    const even = (label: number) => label % 2 === 0;
    const filtered = index.searchNear(5, 8, new Set([6]), even);
    assert.equal(filtered.length, 8);
    assertScoresClose(
      filtered,
      bruteForce(vectors, vectors[5]!, 8, (label) => even(label) && label !== 5 && label !== 6),
    );
  });

  it('searchExcluding leaves the excluded labels out and still returns k', () => {
    const index = buildIndex(vectors);
    const excluded = new Set(bruteForce(vectors, queries[1]!, 5).map((neighbor) => neighbor.label));
    const result = index.searchExcluding(queries[1]!, 10, excluded);
    assert.equal(result.length, 10);
    assertScoresClose(
      result,
      bruteForce(vectors, queries[1]!, 10, (label) => !excluded.has(label)),
    );
  });

  it('never returns a removed (tombstoned) vector, and still returns k', () => {
    const index = buildIndex(vectors);
    const nearest = bruteForce(vectors, queries[2]!, 3).map((neighbor) => neighbor.label);
    for (const label of nearest) index.remove(label);
    const result = index.search(queries[2]!, 10);
    assert.equal(result.length, 10);
    assert.ok(!result.some((neighbor) => nearest.includes(neighbor.label)));
    const live = result[0]!.label;
    assert.ok(!index.searchNear(live, 10, new Set()).some((neighbor) => nearest.includes(neighbor.label)));
  });

  it('returns only the matches when fewer than k pass the filter', () => {
    const index = buildIndex(vectors);
    const result = index.search(queries[0]!, 10, (label) => label === 3 || label === 150);
    assert.deepEqual(
      result.map((neighbor) => neighbor.label).sort((a, b) => a - b),
      [3, 150],
    );
    assert.deepEqual(
      index.search(queries[0]!, 10, () => false),
      [],
    );
  });

  it('returns the stored vector of a label exactly', () => {
    const index = buildIndex(vectors.slice(0, 20), 2);
    for (const label of [0, 7, 19]) {
      const stored = index.vector(label);
      assert.ok(stored instanceof Float32Array);
      assert.deepEqual(stored, vectors[label]);
    }
  });

  it('saves and loads back with the same count, vectors and results', async () => {
    const index = buildIndex(vectors, 16);
    index.shrinkToFit();
    const path = join(dir, 'round-trip.bin');
    await index.save(path);
    const loaded = await VectorIndex.load(path, dimension, 200);
    assert.equal(loaded.count, vectors.length);
    assert.equal(loaded.dimension, dimension);
    assert.deepEqual(loaded.vector(42), vectors[42]);
    for (const query of queries) {
      assert.deepEqual(loaded.search(query, 10), index.search(query, 10));
      assert.deepEqual(
        loaded.search(query, 5, (label) => label % 3 === 0),
        index.search(query, 5, (label) => label % 3 === 0),
      );
    }
  });

  it('keeps working after shrinkToFit, growing again on the next add', () => {
    const index = buildIndex(vectors.slice(0, 10));
    index.shrinkToFit();
    index.add(10, vectors[10]!);
    assert.equal(index.count, 11);
    assert.equal(index.search(vectors[10]!, 1)[0]?.label, 10);
  });

  it('builds the same graph for the same input (deterministic seed)', () => {
    const first = buildIndex(vectors.slice(0, 100));
    const second = buildIndex(vectors.slice(0, 100));
    for (const query of queries) assert.deepEqual(first.search(query, 10), second.search(query, 10));
  });

  it('rejects a vector of the wrong dimension', () => {
    const index = VectorIndex.create(dimension, defaultHnswParameters);
    assert.throws(() => index.add(0, new Float32Array(dimension + 1)));
  });
});

/** A graph of `count` random vectors built and searched shallow (ef 16), so its searches miss papers as a large collection's do. */
function weakGraph(count: number, seed: number): VectorIndex {
  const index = VectorIndex.create(32, { ...defaultHnswParameters, efConstruction: 16, m: 4 }, count);
  randomUnitVectors(count, 32, seed).forEach((vector, label) => index.add(label, vector));
  index.setEfSearch(16);
  return index;
}

describe('VectorIndex pages', () => {
  it('regression: lists every paper of a collection of up to 1,001, exactly (a deeper page left out papers a shallower search had missed)', () => {
    const index = weakGraph(800, 93);
    for (const query of randomUnitVectors(3, 32, 94)) {
      const all = index.search(query, 800);
      assert.equal(all.length, 800);
      assert.deepEqual(
        index.search(query, 20).map((neighbor) => neighbor.label),
        all.slice(0, 20).map((neighbor) => neighbor.label),
      );
    }
  });

  it('regression: cuts every page from the same list, however deep (asked for more than ef, hnswlib explored a list that depended on k, and pages repeated some papers and skipped others; then pages ending past 128 repeated and skipped papers of pages ending before)', () => {
    const index = weakGraph(3_000, 91);
    for (const query of randomUnitVectors(5, 32, 92)) {
      const labels = (k: number) => index.search(query, k).map((neighbor) => neighbor.label);
      const deepest = labels(1_000);
      assert.equal(new Set(deepest).size, deepest.length);
      const scores = index.search(query, 1_000).map((neighbor) => neighbor.score);
      assert.ok(
        scores.every((score, i) => i === 0 || score <= scores[i - 1]!),
        'in score order',
      );
      for (const end of [10, 16, 17, 40, 100, 128, 129, 250, 300, 599, 1_000]) assert.deepEqual(labels(end), deepest.slice(0, end), `first ${end}`);
      // With a filter and with papers left out (related, recommend) alike.
      const even = (label: number) => label % 2 === 0;
      const filtered = (k: number) => index.search(query, k, even).map((neighbor) => neighbor.label);
      const filteredDeepest = filtered(1_000);
      assert.ok(filteredDeepest.every(even) && new Set(filteredDeepest).size === filteredDeepest.length);
      for (const end of [10, 17, 129, 600]) assert.deepEqual(filtered(end), filteredDeepest.slice(0, end), `filtered, first ${end}`);
      const excluded = new Set(deepest.slice(0, 30));
      const without = (k: number) => index.searchExcluding(query, k, excluded).map((neighbor) => neighbor.label);
      const withoutDeepest = without(1_000);
      for (const end of [10, 100, 990]) assert.deepEqual(without(end), withoutDeepest.slice(0, end), `without some, first ${end}`);
    }
  });
});
