import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dot } from '../../src/shared/vector-math.js';
import { collectionModel, openStorage } from '../../src/storage/open-storage.js';
import type { PaperStorage } from '../../src/storage/paper-storage.js';
import { buildIndex, makeTempDir, removeDir, silentLog, testBackend, testConfig } from '../integration/helpers.js';

// What the Weaviate backend answers that the HTTP suites see only through rankings.

describe('WeaviateStorage', { skip: testBackend !== 'weaviate' && 'needs the local Weaviate cluster (TEST_BACKEND=weaviate)' }, () => {
  let workDir: string;
  let storage: PaperStorage;

  before(async () => {
    workDir = await makeTempDir();
    const indexDir = join(workDir, 'index');
    await buildIndex(indexDir);
    const config = testConfig({ INDEX_DIR: indexDir, BACKEND: 'weaviate' });
    storage = await openStorage(config, await collectionModel(config, silentLog), silentLog);
  });

  after(async () => {
    await storage?.close();
    if (workDir) await removeDir(workDir);
  });

  it('gives the cosines of papers a search did not return as their stored vectors do, and none for an unknown id', async () => {
    const { papers } = await storage.list(undefined, 40);
    const ids = papers.map((paper) => paper.id);
    const [query] = await storage.vectors([ids[0]!]);
    const vectors = await storage.vectors(ids);
    const cosines = await storage.cosines(query!, [...ids, 'no-such-paper', ids[3]!]);
    assert.equal(cosines.length, ids.length + 2);
    ids.forEach((id, i) => assert.ok(Math.abs(cosines[i]! - dot(query!, vectors[i]!)) < 1e-5, `${id}: ${cosines[i]} vs ${dot(query!, vectors[i]!)}`));
    assert.equal(cosines[ids.length], undefined);
    assert.equal(cosines[ids.length + 1], cosines[3]);
  });

  it("regression: names the paper written last by a DOI two papers share, every time (the shards' answers were merged in no order: either paper, at random)", async () => {
    const [vector] = await storage.vectors([(await storage.list(undefined, 1)).papers[0]!.id]);
    const pairs = Array.from({ length: 6 }, (_, i) => i);
    for (const i of pairs) {
      for (const id of [`doi-first-${i}`, `doi-last-${i}`]) {
        await storage.commit([
          [{ op: 'put', paper: { id, title: id, abstract: 'A paper written twice under two ids.', doi: `10.7777/x.${i}` }, vector: vector! }],
        ]);
      }
    }
    for (const i of pairs) {
      const named = await Promise.all(Array.from({ length: 8 }, () => storage.resolve(`doi:10.7777/x.${i}`)));
      assert.deepEqual(new Set(named), new Set([`doi-last-${i}`]), `doi:10.7777/x.${i}`);
    }
    await storage.commit([pairs.flatMap((i) => [`doi-first-${i}`, `doi-last-${i}`].map((id) => ({ op: 'delete' as const, id })))]);
  });
});
