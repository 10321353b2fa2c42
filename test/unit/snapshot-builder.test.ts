import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { getModel } from '../../src/embedding/model-registry.js';
import { IndexFolderWriter } from '../../src/storage/embedded/index-folder-writer.js';
import { openIndexFolder } from '../../src/storage/embedded/index-folder.js';
import { RelatedLists, relatedListDepth } from '../../src/storage/embedded/related-lists.js';
import { readRelatedListsFile, relatedListsFileName } from '../../src/storage/embedded/related-lists-file.js';
import { defaultEfSearch } from '../../src/config/config.js';
import { dot } from '../../src/shared/vector-math.js';
import { readVectorsFile } from '../../src/storage/embedded/vectors-file.js';
import type { SnapshotDelta } from '../../src/storage/embedded/live-index.js';
import { indexFiles, lineageOf, manifestFileName, readManifest, type Manifest } from '../../src/storage/embedded/manifest.js';
import type { Paper } from '../../src/papers/paper.js';
import { buildSnapshot } from '../../src/storage/embedded/snapshots/snapshot-builder.js';
import { AppError } from '../../src/errors.js';
import { StopRequest } from '../../src/shared/worker-threads.js';
import { isAppErrorWithCode, randomUnitVectors, temporaryRoot } from './support.js';

const model = getModel('all-MiniLM-L6-v2');
const dimension = 384;
const baseCount = 30;

function papersOf(count: number, prefix: string): Paper[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    title: `${prefix} title ${i}`,
    abstract: `Abstract of ${prefix} paper number ${i}, word${prefix}${i}.`,
    ...(i % 3 === 0 ? { year: 2000 + i, authors: ['A. Author'] } : {}),
  }));
}

const basePapers = papersOf(baseCount, 'base');
const baseVectors = randomUnitVectors(baseCount, dimension, 1);
const addedPapers = papersOf(5, 'added');
const addedVectors = randomUnitVectors(5, dimension, 2);

let counter = 0;
const root = temporaryRoot('paper-search-snapshot-');

/** A fresh parent holding a freshly built base index folder `index`. */
async function baseIndex(): Promise<{ parent: string; folder: string; manifest: Manifest }> {
  const parent = join(root(), `case-${counter++}`);
  await mkdir(parent);
  const folder = join(parent, 'index');
  const writer = await IndexFolderWriter.create(folder, model);
  for (let i = 0; i < baseCount; i++) await writer.add(basePapers[i]!, baseVectors[i]!);
  const manifest = await writer.finish({ input: 'papers.jsonl', read: baseCount, rejected: 0 });
  return { parent, folder, manifest };
}

function deltaOf(walSeq: number, removedBaseLabels: number[], added: { paper: Paper; vector: Float32Array }[]): SnapshotDelta {
  return { walSeq, removedBaseLabels, added };
}

const addedEntries = addedPapers.map((paper, i) => ({ paper, vector: addedVectors[i]! }));

describe('buildSnapshot with only added papers', () => {
  it('extends the graph in place and keeps the lineage', async () => {
    const { parent, folder, manifest: before } = await baseIndex();
    const result = await buildSnapshot(folder, deltaOf(17, [], addedEntries));

    assert.equal(result.rebuiltGraph, false);
    assert.ok(result.ms >= 0);
    const after = result.manifest;
    assert.equal(after.count, baseCount + addedPapers.length);
    assert.equal(after.walSeq, 17);
    assert.equal(after.lineage, before.lineage);
    assert.equal(after.createdAt, before.createdAt);
    assert.ok(after.snapshotAt !== undefined && !Number.isNaN(Date.parse(after.snapshotAt)), 'snapshotAt is set');
    assert.equal(before.snapshotAt, undefined);
    assert.deepEqual(after.model, before.model);
    assert.deepEqual(after.hnsw, before.hnsw);
    assert.deepEqual(after.source, before.source);
    assert.deepEqual(await readManifest(folder), after);
    assert.deepEqual(await readdir(parent), ['index'], 'no staging or retired folder is left beside the index');

    const loaded = await openIndexFolder(folder, model, 100);
    assert.equal(loaded.papers.size, baseCount + addedPapers.length);
    const expected = [...basePapers, ...addedPapers];
    expected.forEach((paper, label) => {
      assert.deepEqual(loaded.papers.byLabel(label), paper);
      assert.equal(loaded.papers.labelOf(paper.id), label);
    });
    for (const [i, vector] of addedVectors.entries()) {
      const [best] = loaded.vectors.search(vector, 1);
      assert.equal(best?.label, baseCount + i);
      assert.ok(Math.abs(best!.score - 1) < 1e-5);
      assert.deepEqual(loaded.vectors.vector(baseCount + i), vector);
    }
    for (const label of [0, 13, baseCount - 1]) assert.equal(loaded.vectors.search(baseVectors[label]!, 1)[0]?.label, label);
    assert.equal(loaded.lexical.documentCount, baseCount + addedPapers.length);
    assert.deepEqual(
      loaded.lexical.search('wordadded3', 5).map((hit) => hit.label),
      [baseCount + 3],
    );

    // The raw vectors file holds base then added, in label order.
    const stored = await readVectorsFile(join(folder, indexFiles.vectors), baseCount + addedPapers.length, dimension);
    assert.deepEqual(stored.slice(baseCount * dimension, (baseCount + 1) * dimension), addedVectors[0]);
    assert.deepEqual(stored.slice(0, dimension), baseVectors[0]);
  });

  it('regression: a paper holding U+2028 or U+2029 does not break the next snapshot (its record was read as two lines)', async () => {
    const { folder } = await baseIndex();
    const separated = { id: 'separated', title: 'Line\u2028separator', abstract: 'First sentence.\u2028Second.\u2029Third.' };
    await buildSnapshot(folder, deltaOf(1, [], [{ paper: separated, vector: addedVectors[0]! }]));
    await buildSnapshot(folder, deltaOf(2, [], [{ paper: addedPapers[1]!, vector: addedVectors[1]! }]));
    await buildSnapshot(folder, deltaOf(3, [0], []));
    const loaded = await openIndexFolder(folder, model, 100);
    assert.deepEqual(loaded.papers.byLabel(loaded.papers.labelOf('separated')!), separated);
    assert.equal(loaded.papers.size, baseCount + 1);
  });

  it('carries the related lists instead of computing them again: the added papers enter them as writes do', async (t) => {
    const { folder } = await baseIndex();
    const compute = t.mock.method(RelatedLists, 'compute');
    await buildSnapshot(folder, deltaOf(2, [], addedEntries));
    assert.equal(compute.mock.callCount(), 0, 'no list computed again');
    const count = baseCount + addedPapers.length;
    const lists = await readRelatedListsFile(join(folder, relatedListsFileName), count, defaultEfSearch);
    const vectors = [...baseVectors, ...addedVectors];
    for (let label = 0; label < count; label++) {
      // So few papers are searched exhaustively: each list is the exact nearest 32.
      const exact = vectors
        .map((vector, other) => ({ label: other, score: dot(vectors[label]!, vector) }))
        .filter((neighbour) => neighbour.label !== label)
        .sort((a, b) => b.score - a.score || a.label - b.label)
        .slice(0, relatedListDepth)
        .map((neighbour) => neighbour.label);
      assert.deepEqual(
        lists!.read(label, relatedListDepth, () => true)!.map((neighbour) => neighbour.label),
        exact,
        `list of ${label}`,
      );
    }
    assert.equal(lists!.fullyComputedAt, baseCount, 'carried lists keep the count they were computed at');
    // 35 papers carried from 30; 39 would be more than a quarter past 30, so every list is computed again.
    const moreVectors = randomUnitVectors(4, dimension, 5);
    await buildSnapshot(
      folder,
      deltaOf(
        3,
        [],
        papersOf(4, 'more').map((paper, i) => ({ paper, vector: moreVectors[i]! })),
      ),
    );
    assert.equal(compute.mock.callCount(), 1, 'lists computed again once the collection grew by more than a quarter');
    assert.equal((await readRelatedListsFile(join(folder, relatedListsFileName), count + 4, defaultEfSearch))!.fullyComputedAt, count + 4);
    await buildSnapshot(folder, deltaOf(4, [0], []));
    assert.equal(compute.mock.callCount(), 2, 'a rebuilt graph has its lists computed again');
  });

  it('can take a second snapshot on top of the first', async () => {
    const { folder, manifest: before } = await baseIndex();
    await buildSnapshot(folder, deltaOf(3, [], addedEntries.slice(0, 2)));
    const second = await buildSnapshot(folder, deltaOf(5, [], addedEntries.slice(2)));
    assert.equal(second.manifest.count, baseCount + 5);
    assert.equal(second.manifest.walSeq, 5);
    assert.equal(second.manifest.lineage, before.lineage);
    const loaded = await openIndexFolder(folder, model, 100);
    assert.deepEqual(
      [...loaded.papers.entries()].map(([, paper]) => paper.id),
      [...basePapers, ...addedPapers].map((paper) => paper.id),
    );
  });

  it('records the new walSeq even when nothing was added', async () => {
    const { folder } = await baseIndex();
    const result = await buildSnapshot(folder, deltaOf(9, [], []));
    assert.equal(result.manifest.count, baseCount);
    assert.equal(result.manifest.walSeq, 9);
  });
});

describe('buildSnapshot against the wrong folder', () => {
  it('refuses changes taken against another version of the folder, leaving it as it was', async () => {
    const { folder, manifest } = await baseIndex();
    const base = { lineage: lineageOf(manifest), walSeq: 0 };
    await buildSnapshot(folder, deltaOf(3, [0], addedEntries.slice(0, 1)), base);
    const before = await readManifest(folder);
    // A second delta still counted from the first folder (walSeq 0) must not be applied to this one.
    await assert.rejects(buildSnapshot(folder, deltaOf(4, [1], []), base), /taken against 0/);
    assert.deepEqual(await readManifest(folder), before);
  });

  it("regression: refuses a folder that ingestion rebuilt while the server ran, leaving the new build as it was (the served build's writes were folded into it)", async () => {
    const { folder, manifest } = await baseIndex();
    const served = { lineage: lineageOf(manifest), walSeq: 0 };
    // A new build at the same place: another lineage, and no writes folded in yet, like the served one.
    const rebuilt = { ...manifest, lineage: 'another-build', createdAt: new Date().toISOString() };
    await writeFile(join(folder, manifestFileName), `${JSON.stringify(rebuilt, null, 2)}\n`);
    await assert.rejects(
      buildSnapshot(folder, deltaOf(2, [0], addedEntries.slice(0, 1)), served),
      (error: unknown) => error instanceof AppError && error.code === 'index_replaced',
    );
    assert.deepEqual(await readManifest(folder), rebuilt);
    assert.equal((await openIndexFolder(folder, model, defaultEfSearch)).manifest.count, baseCount);
  });
});

describe('buildSnapshot with removed papers', () => {
  it('rebuilds the graph without them and renumbers the labels densely', async () => {
    const { parent, folder, manifest: before } = await baseIndex();
    const removed = [0, 7, 8, baseCount - 1];
    const result = await buildSnapshot(folder, deltaOf(42, removed, addedEntries.slice(0, 3)));

    assert.equal(result.rebuiltGraph, true);
    const kept = basePapers.filter((_, label) => !removed.includes(label));
    const keptVectors = baseVectors.filter((_, label) => !removed.includes(label));
    const expected = [...kept, ...addedPapers.slice(0, 3)];
    const expectedVectors = [...keptVectors, ...addedVectors.slice(0, 3)];
    assert.equal(result.manifest.count, expected.length);
    assert.equal(result.manifest.walSeq, 42);
    assert.equal(result.manifest.lineage, before.lineage);
    assert.equal(result.manifest.createdAt, before.createdAt);
    assert.deepEqual(await readdir(parent), ['index']);

    const loaded = await openIndexFolder(folder, model, 100);
    assert.equal(loaded.papers.size, expected.length);
    assert.equal(loaded.papers.liveCount, expected.length, 'no tombstones');
    assert.equal(loaded.vectors.count, expected.length);
    expected.forEach((paper, label) => {
      assert.deepEqual(loaded.papers.byLabel(label), paper);
      assert.equal(loaded.papers.labelOf(paper.id), label);
      assert.deepEqual(loaded.vectors.vector(label), expectedVectors[label]);
      assert.equal(loaded.vectors.search(expectedVectors[label]!, 1)[0]?.label, label);
    });
    for (const label of removed) {
      assert.equal(loaded.papers.labelOf(basePapers[label]!.id), undefined);
      const [best] = loaded.vectors.search(baseVectors[label]!, 1);
      assert.ok(best && best.score < 0.999, 'a removed vector is not in the graph');
    }
    assert.deepEqual(loaded.lexical.search('wordbase7', 5), []);
    assert.equal(loaded.lexical.documentCount, expected.length);
  });

  it('removes every base paper if asked', async () => {
    const { folder } = await baseIndex();
    const all = Array.from({ length: baseCount }, (_, label) => label);
    const result = await buildSnapshot(folder, deltaOf(2, all, addedEntries.slice(0, 1)));
    assert.equal(result.rebuiltGraph, true);
    assert.equal(result.manifest.count, 1);
    const loaded = await openIndexFolder(folder, model, 100);
    assert.deepEqual(loaded.papers.byLabel(0), addedPapers[0]);
  });
});

describe('buildSnapshot of an emptied index', () => {
  it('writes an index without papers when every paper was removed', async () => {
    const { folder } = await baseIndex();
    const all = Array.from({ length: baseCount }, (_, label) => label);
    const emptied = await buildSnapshot(folder, deltaOf(1, all, []));
    assert.equal(emptied.rebuiltGraph, true);
    assert.equal(emptied.manifest.count, 0);
    const empty = await openIndexFolder(folder, model, 100);
    assert.equal(empty.papers.size, 0);
    assert.deepEqual(empty.vectors.search(baseVectors[0]!, 3), []);
  });

  it('extends an emptied index at the next snapshot', async () => {
    const { folder } = await baseIndex();
    const all = Array.from({ length: baseCount }, (_, label) => label);
    await buildSnapshot(folder, deltaOf(1, all, []));
    // In a child process: the failure corrupts hnswlib's heap, which aborts the process at exit.
    const source = (path: string) => JSON.stringify(pathToFileURL(fileURLToPath(new URL(path, import.meta.url))).href);
    const script = [
      `import { buildSnapshot } from ${source('../../src/storage/embedded/snapshots/snapshot-builder.ts')};`,
      `import { openIndexFolder } from ${source('../../src/storage/embedded/index-folder.ts')};`,
      `import { getModel } from ${source('../../src/embedding/model-registry.ts')};`,
      `import { randomUnitVectors } from ${source('./support.ts')};`,
      `const vectors = randomUnitVectors(2, ${dimension}, 2);`,
      `const added = vectors.map((vector, i) => ({ paper: { id: 'n' + i, title: 'New ' + i, abstract: 'Added paper ' + i + '.' }, vector }));`,
      `const result = await buildSnapshot(${JSON.stringify(folder)}, { walSeq: 2, removedBaseLabels: [], added });`,
      `const loaded = await openIndexFolder(${JSON.stringify(folder)}, getModel('all-MiniLM-L6-v2'), 100);`,
      `console.log(JSON.stringify({ count: result.manifest.count, label: loaded.vectors.search(vectors[1], 1)[0]?.label }));`,
    ].join('\n');
    const scriptPath = join(root(), `extend-emptied-${counter++}.mts`);
    await writeFile(scriptPath, script);
    const child = spawnSync(process.execPath, ['--import', 'tsx', scriptPath], { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8' });
    assert.equal(child.status, 0, `the child failed (${child.signal ?? child.status}): ${child.stderr.split('\n').slice(0, 3).join(' | ')}`);
    assert.deepEqual(JSON.parse(child.stdout), { count: 2, label: 1 });
  });
});

describe('buildSnapshot staging', () => {
  it('removes a stale staging folder of a dead process and leaves none of its own', async () => {
    const { parent, folder } = await baseIndex();
    const stale = join(parent, '.index.building-999999999-abcd1234');
    await mkdir(stale);
    await buildSnapshot(folder, deltaOf(1, [], addedEntries.slice(0, 1)));
    assert.deepEqual(await readdir(parent), ['index']);
  });

  for (const after of [1, baseCount + 2, baseCount + addedPapers.length + 10]) {
    it(`stops when asked (at check ${after}, in the ${after < baseCount + addedPapers.length ? 'papers' : 'neighbour lists'}), leaving the folder as it was and no staging behind`, async () => {
      const { parent, folder, manifest } = await baseIndex();
      let checks = 0;
      const stop = {
        throwIfAborted: () => {
          if (++checks >= after) throw new AppError('shutting_down', 'stopped by the test');
        },
      };
      // A removal rebuilds the graph, so every list is computed again after the papers.
      await assert.rejects(buildSnapshot(folder, deltaOf(1, [0], addedEntries), undefined, stop), isAppErrorWithCode('shutting_down'));
      assert.deepEqual(await readdir(parent), ['index']);
      assert.deepEqual(await readManifest(folder), manifest);
    });
  }

  it('stops when asked among the added papers of a snapshot that carries the related lists', async () => {
    const { parent, folder, manifest } = await baseIndex();
    let checks = 0;
    const stop = {
      throwIfAborted: () => {
        if (++checks >= baseCount + 2) throw new AppError('shutting_down', 'stopped by the test');
      },
    };
    await assert.rejects(buildSnapshot(folder, deltaOf(1, [], addedEntries), undefined, stop), isAppErrorWithCode('shutting_down'));
    assert.deepEqual(await readdir(parent), ['index']);
    assert.deepEqual(await readManifest(folder), manifest);
  });

  it('stops at its first step when the StopRequest sharing its buffer was raised', async () => {
    const { parent, folder, manifest } = await baseIndex();
    const request = new StopRequest();
    request.request();
    await assert.rejects(buildSnapshot(folder, deltaOf(1, [], addedEntries), undefined, new StopRequest(request.buffer)), isAppErrorWithCode('shutting_down'));
    assert.deepEqual(await readdir(parent), ['index']);
    assert.deepEqual(await readManifest(folder), manifest);
  });

  it('leaves the folder untouched and no staging behind when it fails', async () => {
    const { parent, folder, manifest } = await baseIndex();
    // A vectors file shorter than the manifest says: the snapshot refuses to build.
    await truncate(join(folder, indexFiles.vectors), dimension * 4);
    await assert.rejects(buildSnapshot(folder, deltaOf(1, [], addedEntries)), isAppErrorWithCode('index_corrupt'));
    assert.deepEqual(await readdir(parent), ['index']);
    assert.deepEqual(await readManifest(folder), manifest);
    assert.ok((await readdir(folder)).includes(manifestFileName));
  });
});
