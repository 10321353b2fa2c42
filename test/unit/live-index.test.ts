import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paperPassage } from '../../src/embedding/embedder.js';
import { getModel } from '../../src/embedding/model-registry.js';
import type { LoadedIndex } from '../../src/storage/embedded/index-folder.js';
import { LiveIndex } from '../../src/storage/embedded/live-index.js';
import type { PaperChange } from '../../src/storage/paper-storage.js';
import { indexFiles, indexFormatVersion, type Manifest } from '../../src/storage/embedded/manifest.js';
import { describeModel } from '../../src/storage/model-summary.js';
import { VectorIndex, defaultHnswParameters } from '../../src/storage/embedded/vector-index.js';
import { analyzerName } from '../../src/storage/embedded/lexical/analyzer.js';
import { createBm25Builder } from '../../src/storage/embedded/lexical/bm25-builder.js';
import { defaultBm25Parameters } from '../../src/storage/embedded/lexical/bm25-scoring.js';
import type { Paper } from '../../src/papers/paper.js';
import { PaperStore } from '../../src/storage/embedded/paper-store.js';
import { RelatedLists } from '../../src/storage/embedded/related-lists.js';
import { randomUnitVectors } from './support.js';

const model = getModel('all-MiniLM-L6-v2');
const dimension = model.dimension;
const baseCount = 12;

// Each base paper has one word of its own ("alpha", "bravo", ...), so a lexical search finds it alone.
const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

function basePaper(i: number): Paper {
  return { id: `p${i}`, title: `Paper ${words[i]}`, abstract: `About ${words[i]} and shared context.`, doi: `10.1000/base.${i}` };
}

/** The same in-memory index openIndexFolder would assemble from a folder of `baseCount` papers. */
function loadedIndex(walSeq?: number): { loaded: LoadedIndex; vectors: Float32Array[] } {
  const papers = Array.from({ length: baseCount }, (_, i) => basePaper(i));
  const vectors = randomUnitVectors(baseCount, dimension, 3);
  const graph = VectorIndex.create(dimension, defaultHnswParameters);
  const lexical = createBm25Builder();
  papers.forEach((paper, label) => {
    graph.add(label, vectors[label]!);
    lexical.add(label, paperPassage(paper.title, paper.abstract));
  });
  const manifest: Manifest = {
    format: 'paper-search-index',
    formatVersion: indexFormatVersion,
    model: describeModel(model),
    count: baseCount,
    hnsw: defaultHnswParameters,
    lexical: { analyzer: analyzerName, ...defaultBm25Parameters },
    files: { ...indexFiles },
    createdAt: '2024-01-01T00:00:00.000Z',
    lineage: 'abcdef0123456789',
    ...(walSeq === undefined ? {} : { walSeq }),
  };
  return {
    loaded: {
      folder: '/nonexistent/index',
      integrity: 'no checksums',
      manifest,
      papers: PaperStore.fromPapers(papers),
      vectors: graph,
      storedVectors: concatenate(vectors),
      lexical: lexical.build(),
    },
    vectors,
  };
}

const newVectors = randomUnitVectors(10, dimension, 99);

/** Vectors one after another, as vectors.f32 holds them. */
function concatenate(vectors: readonly Float32Array[]): Float32Array {
  const all = new Float32Array(vectors.length * dimension);
  vectors.forEach((vector, label) => all.set(vector, label * dimension));
  return all;
}

function put(paper: Paper, vector: Float32Array): PaperChange {
  return { op: 'put', paper, vector };
}

/** Labels the vector index returns for `vector`, asking for every label in use. */
function vectorLabels(index: LiveIndex, vector: Float32Array): number[] {
  return index.vectors.search(vector, index.papers.size).map((hit) => hit.label);
}

/** Lexical labels, with tombstones filtered the way searches filter them (papers.isLive). */
function lexicalLabels(index: LiveIndex, query: string): number[] {
  return index.lexical.search(query, 100, (label) => index.papers.isLive(label)).map((hit) => hit.label);
}

describe('LiveIndex as loaded', () => {
  it('exposes the folder and holds no writes', () => {
    const { loaded } = loadedIndex(7);
    const index = new LiveIndex(loaded);
    assert.equal(index.folder, loaded.folder);
    assert.equal(index.manifest, loaded.manifest);
    assert.equal(index.papers, loaded.papers);
    assert.equal(index.vectors, loaded.vectors);
    assert.equal(index.lexical.base, loaded.lexical);
    assert.equal(index.baseCount, baseCount);
    assert.equal(index.appliedSeq, 7, "the folder's walSeq");
    assert.equal(index.pendingOperations, 0);
    assert.deepEqual(index.snapshotDelta(), { walSeq: 7, removedBaseLabels: [], added: [] });
  });

  it('starts at seq 0 for a folder that never had writes', () => {
    const index = new LiveIndex(loadedIndex().loaded);
    assert.equal(index.appliedSeq, 0);
  });
});

describe('LiveIndex.apply', () => {
  it('appends a new paper under the next label, searchable by vector and lexically', () => {
    const index = new LiveIndex(loadedIndex(4).loaded);
    const paper: Paper = { id: 'new-1', title: 'Zygomorphic flowers', abstract: 'Pollination of zygomorphic flowers by bees.' };
    index.apply(5, [put(paper, newVectors[0]!)]);

    const label = baseCount;
    assert.equal(index.papers.size, baseCount + 1);
    assert.equal(index.papers.labelOf('new-1'), label);
    assert.deepEqual(index.papers.byLabel(label), paper);
    assert.equal(index.vectors.count, baseCount + 1);
    const [best] = index.vectors.search(newVectors[0]!, 1);
    assert.equal(best?.label, label);
    assert.ok(Math.abs(best!.score - 1) < 1e-5);
    assert.deepEqual(lexicalLabels(index, 'zygomorphic'), [label]);
    assert.equal(index.lexical.addedCount, 1);
    assert.equal(index.appliedSeq, 5);
    assert.equal(index.pendingOperations, 1);
  });

  it('replaces a base paper: the old label is tombstoned and the id resolves to the new one', () => {
    const { loaded, vectors } = loadedIndex();
    const index = new LiveIndex(loaded);
    const replacement: Paper = { ...basePaper(3), title: 'Paper delta revised', abstract: 'Now about quasicrystals.' };
    index.apply(1, [put(replacement, newVectors[1]!)]);

    const label = baseCount;
    assert.equal(index.papers.isLive(3), false);
    assert.equal(index.papers.labelOf('p3'), label);
    assert.equal(index.papers.labelOf('doi:10.1000/base.3'), label, 'the DOI follows the new version');
    assert.deepEqual(index.papers.byLabel(label), replacement);
    assert.equal(index.papers.liveCount, baseCount);
    assert.ok(!vectorLabels(index, vectors[3]!).includes(3), 'the old vector is never returned');
    assert.equal(index.vectors.search(newVectors[1]!, 1)[0]?.label, label);
    assert.deepEqual(lexicalLabels(index, 'quasicrystals'), [label]);
    // "delta" is in the new title too, so it finds the new version, never the old one.
    assert.deepEqual(lexicalLabels(index, 'delta'), [label]);
    assert.deepEqual(index.snapshotDelta().removedBaseLabels, [3]);
  });

  it('replaces an added paper: the older added label is forgotten everywhere', () => {
    const index = new LiveIndex(loadedIndex().loaded);
    const first: Paper = { id: 'n', title: 'First version', abstract: 'Mentions xylophone.' };
    const second: Paper = { id: 'n', title: 'Second version', abstract: 'Mentions zither.' };
    index.apply(1, [put(first, newVectors[2]!)]);
    index.apply(2, [put(second, newVectors[3]!)]);

    assert.equal(index.papers.isLive(baseCount), false);
    assert.equal(index.papers.labelOf('n'), baseCount + 1);
    assert.ok(!vectorLabels(index, newVectors[2]!).includes(baseCount));
    assert.equal(index.lexical.addedCount, 1);
    // The lexical index itself forgot the first version (no filter needed).
    assert.deepEqual(index.lexical.search('xylophone', 10), []);
    assert.deepEqual(lexicalLabels(index, 'zither'), [baseCount + 1]);
    const delta = index.snapshotDelta();
    assert.deepEqual(delta.removedBaseLabels, [], 'an added label is not a base label');
    assert.deepEqual(delta.added, [{ paper: second, vector: newVectors[3]! }]);
  });

  it('deletes base and added papers by id, and ignores unknown ids', () => {
    const { loaded, vectors } = loadedIndex();
    const index = new LiveIndex(loaded);
    const added: Paper = { id: 'gone-soon', title: 'Ephemeral', abstract: 'About mayflies.' };
    index.apply(1, [put(added, newVectors[4]!)]);
    index.apply(2, [
      { op: 'delete', id: 'p5' },
      { op: 'delete', id: 'gone-soon' },
      { op: 'delete', id: 'no-such-id' },
    ]);

    assert.equal(index.papers.labelOf('p5'), undefined);
    assert.equal(index.papers.labelOf('gone-soon'), undefined);
    assert.equal(index.papers.isLive(5), false);
    assert.equal(index.papers.isLive(baseCount), false);
    assert.equal(index.papers.liveCount, baseCount - 1);
    assert.ok(!vectorLabels(index, vectors[5]!).includes(5));
    assert.ok(!vectorLabels(index, newVectors[4]!).includes(baseCount));
    assert.deepEqual(lexicalLabels(index, 'foxtrot'), []);
    assert.deepEqual(index.lexical.search('mayflies', 10), []);
    assert.equal(index.lexical.addedCount, 0);
    assert.deepEqual(index.snapshotDelta(), { walSeq: 2, removedBaseLabels: [5], added: [] });
  });

  it('deletes by stored id only: a doi: alias names no paper to delete', () => {
    const index = new LiveIndex(loadedIndex().loaded);
    index.apply(1, [{ op: 'delete', id: 'doi:10.1000/base.2' }]);
    assert.equal(index.papers.isLive(2), true);
    assert.equal(index.papers.labelOf('p2'), 2);
  });

  it('advances appliedSeq and counts every operation applied', () => {
    const index = new LiveIndex(loadedIndex(10).loaded);
    index.apply(11, [put({ id: 'a', title: 'A', abstract: 'One.' }, newVectors[5]!), put({ id: 'b', title: 'B', abstract: 'Two.' }, newVectors[6]!)]);
    assert.equal(index.appliedSeq, 11);
    assert.equal(index.pendingOperations, 2);
    index.apply(12, [{ op: 'delete', id: 'a' }]);
    assert.equal(index.appliedSeq, 12);
    assert.equal(index.pendingOperations, 3);
    index.apply(15, [put({ id: 'p0', title: 'Zero again', abstract: 'Replaced.' }, newVectors[7]!), { op: 'delete', id: 'p1' }]);
    assert.equal(index.appliedSeq, 15);
    assert.equal(index.pendingOperations, 5);
  });

  it('applies the changes of one write in order', () => {
    // A put then a delete of the same id in one write leaves nothing; a delete then a put leaves the put.
    const index = new LiveIndex(loadedIndex().loaded);
    index.apply(1, [put({ id: 'x', title: 'X', abstract: 'Ex.' }, newVectors[0]!), { op: 'delete', id: 'x' }]);
    assert.equal(index.papers.labelOf('x'), undefined);
    index.apply(2, [{ op: 'delete', id: 'p0' }, put({ ...basePaper(0), abstract: 'Back again.' }, newVectors[1]!)]);
    assert.equal(index.papers.labelOf('p0'), baseCount + 1);
    assert.deepEqual(
      index.snapshotDelta().added.map((entry) => entry.paper.id),
      ['p0'],
    );
  });
});

describe('LiveIndex.applyInSlices and the related lists after a write', () => {
  const manyCount = 3_000;
  const manyVectors = randomUnitVectors(manyCount, dimension, 17);
  const manyPapers: Paper[] = Array.from({ length: manyCount }, (_, i) => ({
    id: `many-${i}`,
    title: `Written ${i}`,
    abstract: `Zebra${i} and shared context.`,
  }));
  const manyPuts = manyPapers.map((paper, i) => put(paper, manyVectors[i]!));

  it('regression: lets other work run while a large write is applied, each paper whole at every turn (a 1,000-paper write on 74,728 papers held every request for 5.7 s)', async () => {
    const index = new LiveIndex(loadedIndex().loaded);
    // Random vectors are hard for HNSW: a wide search, so each paper is found from its own vector.
    index.vectors.setEfSearch(400);
    let turns = 0;
    let applying = true;
    const watch = async (): Promise<void> => {
      while (applying) {
        await new Promise((resolve) => setImmediate(resolve));
        turns++;
        const applied = index.papers.size - baseCount;
        for (const i of [0, applied - 1, applied].filter((i) => i >= 0 && i < manyCount)) {
          const found = i < applied;
          assert.equal(index.papers.labelOf(`many-${i}`) !== undefined, found);
          assert.equal(index.vectors.search(manyVectors[i]!, 1)[0]?.label === baseCount + i, found, `paper ${i} by vector`);
          assert.deepEqual(lexicalLabels(index, `zebra${i}`), found ? [baseCount + i] : [], `paper ${i} by its word`);
        }
        if (applied < manyCount) assert.equal(index.appliedSeq, 0, 'the write counts as applied once all of it is');
      }
    };
    const watching = watch();
    await index.applyInSlices([{ seq: 1, changes: manyPuts }]);
    applying = false;
    await watching;

    assert.ok(turns > 1, `other work ran ${turns} times while ${manyCount} papers were applied`);
    assert.equal(index.papers.size, baseCount + manyCount);
    assert.equal(index.appliedSeq, 1);
    assert.equal(index.pendingOperations, manyCount);
    for (const i of [0, 1_234, manyCount - 1]) {
      assert.equal(index.vectors.search(manyVectors[i]!, 1)[0]?.label, baseCount + i);
      assert.deepEqual(lexicalLabels(index, `zebra${i}`), [baseCount + i]);
    }
  });

  it('answers related papers as the graph does while new papers enter the lists, then from the lists, each neighbour once', async () => {
    const index = new LiveIndex(loadedIndex().loaded);
    const asked = [0, 5, baseCount + 3, baseCount + 350];
    index.apply(1, manyPuts.slice(0, 400));
    const graphAnswer = (label: number) => index.vectors.searchNear(label, 32, new Set()).slice(0, 10);
    for (const label of asked) assert.deepEqual(index.neighboursOf(label, 10), graphAnswer(label));

    await index.relatedListsCurrent();
    for (const label of asked) {
      assert.deepEqual(index.neighboursOf(label, 10), graphAnswer(label));
      const listed = index.neighboursOf(label, 32).map((neighbour) => neighbour.label);
      assert.equal(new Set(listed).size, listed.length, `the list of ${label} names each paper once`);
    }
  });

  it('stops bringing the lists up to date once retired (a replaced index went on for seconds), and answers from the graph', async () => {
    const index = new LiveIndex(loadedIndex().loaded);
    index.apply(1, manyPuts);
    index.retire();
    const started = performance.now();
    await index.relatedListsCurrent();
    assert.ok(performance.now() - started < 1_000, 'stopped at once');
    assert.deepEqual(index.neighboursOf(0, 10), index.vectors.searchNear(0, 32, new Set()).slice(0, 10));
  });

  it('regression: brings the related lists up to date once all the writes applied together are in, not between them (a start replaying 5,000 logged writes was ready 30% later)', async (t) => {
    const index = new LiveIndex(loadedIndex().loaded);
    const insert = t.mock.method(RelatedLists.prototype, 'insert');
    // Only this index's: an index of a test before may still be bringing its own lists up to date.
    const inserted = () => insert.mock.calls.filter((call) => call.arguments[0] === index.vectors).length;
    const writes = manyPuts.slice(0, 2_000).map((change, i) => ({ seq: i + 1, changes: [change] }));
    let applying = true;
    let turns = 0;
    let insertedWhileApplying = 0;
    const watching = (async () => {
      while (applying) {
        await new Promise((resolve) => setImmediate(resolve));
        turns++;
        if (applying) insertedWhileApplying = inserted();
      }
    })();
    await index.applyInSlices(writes);
    applying = false;
    await watching;
    assert.ok(turns > 1, `other work ran ${turns} times while the writes were applied`);
    assert.equal(insertedWhileApplying, 0, 'no paper entered the lists before every write was applied');
    await index.relatedListsCurrent();
    assert.equal(inserted(), writes.length);
  });

  it('skips a paper deleted before it entered the lists', async () => {
    const index = new LiveIndex(loadedIndex().loaded);
    index.apply(1, manyPuts.slice(0, 50));
    index.apply(2, [{ op: 'delete', id: 'many-10' }]);
    await index.relatedListsCurrent();
    for (const label of [0, baseCount + 11]) {
      assert.ok(!index.neighboursOf(label, 32).some((neighbour) => neighbour.label === baseCount + 10));
    }
  });
});

describe('LiveIndex.storedVector', () => {
  it("reads a folder paper's vector from the stored vectors and an added paper's from its write", () => {
    const { loaded, vectors } = loadedIndex();
    const index = new LiveIndex(loaded);
    index.apply(1, [put(basePaper(3), newVectors[0]!), put({ id: 'new-1', title: 'New', abstract: 'New.' }, newVectors[1]!)]);

    assert.deepEqual(index.storedVector(0), vectors[0]);
    assert.deepEqual(index.storedVector(baseCount - 1), vectors[baseCount - 1]);
    assert.equal(index.storedVector(3), undefined, 'the replaced version has no vector any more');
    assert.deepEqual(index.storedVector(baseCount), newVectors[0]);
    assert.deepEqual(index.storedVector(baseCount + 1), newVectors[1]);
    index.apply(2, [{ op: 'delete', id: 'new-1' }]);
    assert.equal(index.storedVector(baseCount + 1), undefined);
  });
});

describe('LiveIndex.snapshotDelta', () => {
  it('lists removed base labels sorted and the present added papers in label order, with their vectors', () => {
    const index = new LiveIndex(loadedIndex(20).loaded);
    const added = Array.from({ length: 5 }, (_, i): Paper => ({ id: `added-${i}`, title: `Added ${i}`, abstract: `Written paper ${i}.` }));
    index.apply(21, [{ op: 'delete', id: 'p9' }]);
    index.apply(22, [put(added[0]!, newVectors[0]!), put(added[1]!, newVectors[1]!)]);
    index.apply(23, [{ op: 'delete', id: 'p2' }, put(added[2]!, newVectors[2]!)]);
    index.apply(24, [put({ ...basePaper(6), abstract: 'Revised.' }, newVectors[3]!)]); // replaces base 6
    index.apply(25, [{ op: 'delete', id: 'added-1' }, put(added[3]!, newVectors[4]!)]);
    index.apply(26, [put({ ...added[0]!, abstract: 'Revised added.' }, newVectors[5]!)]); // replaces added-0

    const delta = index.snapshotDelta();
    assert.equal(delta.walSeq, 26);
    assert.deepEqual(delta.removedBaseLabels, [2, 6, 9]);
    assert.deepEqual(
      delta.added.map((entry) => entry.paper.id),
      ['added-2', 'p6', 'added-3', 'added-0'],
    );
    assert.deepEqual(delta.added[0], { paper: added[2], vector: newVectors[2] });
    assert.deepEqual(delta.added[1], { paper: { ...basePaper(6), abstract: 'Revised.' }, vector: newVectors[3] });
    assert.deepEqual(delta.added[2], { paper: added[3], vector: newVectors[4] });
    assert.deepEqual(delta.added[3], { paper: { ...added[0]!, abstract: 'Revised added.' }, vector: newVectors[5] });
    for (const entry of delta.added) assert.ok(entry.vector instanceof Float32Array);
    // The live papers are exactly the base ones not removed, then the added ones.
    assert.equal(index.papers.liveCount, baseCount - delta.removedBaseLabels.length + delta.added.length);
  });
});
