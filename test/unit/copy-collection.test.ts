import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { copyCollection } from '../../scripts/eval/copy-collection.js';
import { createCollectionBuilder } from '../../src/storage/open-storage.js';
import type { CollectionBuilder } from '../../src/storage/paper-storage.js';
import { buildFakeIndex, FakeEmbedder, openFakeStorage, topicPapers } from './fake-collection.js';
import { temporaryRoot } from './support.js';

const root = temporaryRoot('paper-search-copy-collection-');

describe('copyCollection (the eval and bench move a collection between backends with it)', () => {
  it('copies every paper with its stored vector, without the model', async () => {
    const embedder = new FakeEmbedder();
    await buildFakeIndex(join(root(), 'source', 'index'), embedder);
    const source = await openFakeStorage(join(root(), 'source', 'index'), embedder, { acceptsWrites: false });
    const target = join(root(), 'target', 'index');
    const pages: number[] = [];
    try {
      await copyCollection(source, await createCollectionBuilder(target, embedder.model), { input: 'a copy' }, (copied) => pages.push(copied));
    } finally {
      await source.close();
    }
    assert.deepEqual(pages, [topicPapers.length]);
    assert.equal(embedder.calls.length, 0);
    const copy = await openFakeStorage(target, embedder, { acceptsWrites: false });
    try {
      const ids = topicPapers.map((paper) => paper.id);
      assert.deepEqual(await copy.papers(ids), topicPapers);
      const vectors = await copy.vectors(ids);
      topicPapers.forEach((paper, i) => assert.deepEqual(vectors[i], embedder.paperVector(paper)));
      assert.equal((await copy.stats()).index.source?.input, 'a copy');
    } finally {
      await copy.close();
    }
  });

  it('abandons the build when adding fails, leaving the target as it was', async () => {
    const embedder = new FakeEmbedder();
    await buildFakeIndex(join(root(), 'failing', 'index'), embedder);
    const source = await openFakeStorage(join(root(), 'failing', 'index'), embedder, { acceptsWrites: false });
    const builder = await createCollectionBuilder(join(root(), 'failing-target', 'index'), embedder.model);
    let aborted = false;
    const failing: CollectionBuilder = {
      get size() {
        return builder.size;
      },
      add: async () => {
        throw new Error('disk full');
      },
      finish: (buildSource) => builder.finish(buildSource),
      abort: async () => {
        aborted = true;
        await builder.abort();
      },
    };
    try {
      await assert.rejects(copyCollection(source, failing, { input: 'a copy' }), /disk full/);
    } finally {
      await source.close();
    }
    assert.equal(aborted, true);
    assert.deepEqual(await readdir(join(root(), 'failing-target')), []);
  });
});
