import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CandidateCache } from '../../src/search/candidate-cache.js';
import type { RankedCandidate } from '../../src/search/ranking.js';
import { SearchService } from '../../src/search/search-service.js';
import type { EmbeddedStorage } from '../../src/storage/embedded/embedded-storage.js';
import type { PaperStorage } from '../../src/storage/paper-storage.js';
import { buildFakeIndex, FakeEmbedder, openFakeStorage } from './fake-collection.js';

const list = (id: string): RankedCandidate[] => [{ id, score: 0.5, ranks: { dense: 1 } }];
const owner = {};
const at = (version: number, key: string) => ({ owner, version, key });

describe('CandidateCache', () => {
  it('answers a list only for the version it was kept for, and empties itself when the version moves', () => {
    const cache = new CandidateCache(10);
    assert.equal(cache.get(at(1, 'a')), undefined);
    cache.set(at(1, 'a'), list('x'));
    assert.deepEqual(cache.get(at(1, 'a')), list('x'));
    assert.equal(cache.get(at(2, 'a')), undefined);
    assert.equal(cache.size, 0);
    cache.set(at(1, 'b'), list('late'));
    assert.equal(cache.get(at(2, 'b')), undefined, 'a list computed before a write is not kept after it');
  });

  it('lets the least recently used list go first, and keeps nothing at capacity 0', () => {
    const cache = new CandidateCache(2);
    cache.get(at(1, 'a'));
    cache.set(at(1, 'a'), list('a'));
    cache.set(at(1, 'b'), list('b'));
    cache.get(at(1, 'a'));
    cache.set(at(1, 'c'), list('c'));
    assert.deepEqual([cache.get(at(1, 'a')), cache.get(at(1, 'b')), cache.get(at(1, 'c'))], [list('a'), undefined, list('c')]);
    // 1,600 bytes: a one-candidate list with a one-letter key counts 162, a two-candidate one 322 (over an eighth).
    const small = new CandidateCache(100, 1_600);
    small.get(at(1, 'a'));
    small.set(at(1, 'two'), [...list('p1'), ...list('p2')]);
    assert.equal(small.get(at(1, 'two')), undefined, 'a list larger than an eighth of the budget is not kept');
    const keys = 'abcdefghijkl'.split('');
    for (const key of keys) small.set(at(1, key), list(key));
    assert.equal(small.size, 9, 'the oldest lists leave to keep within the budget');
    assert.deepEqual(
      keys.map((key) => small.get(at(1, key)) !== undefined),
      [false, false, false, true, true, true, true, true, true, true, true, true],
    );
    const off = new CandidateCache(0);
    off.get(at(1, 'a'));
    off.set(at(1, 'a'), list('a'));
    assert.equal(off.get(at(1, 'a')), undefined);
  });
});

describe('SearchService with its result cache', () => {
  let root: string;
  let storage: EmbeddedStorage;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'paper-search-result-cache-'));
    const embedder = new FakeEmbedder();
    await buildFakeIndex(join(root, 'index'), embedder);
    storage = await openFakeStorage(join(root, 'index'), embedder);
  });

  after(async () => {
    await storage?.close();
    await rm(root, { recursive: true, force: true });
  });

  const modelCalls = (embedder: FakeEmbedder) => embedder.calls.length;

  it('answers a repeated search, and every page of a hybrid list, without the model and with the same hits', async () => {
    const embedder = new FakeEmbedder();
    const service = new SearchService(storage, embedder);
    const first = await service.searchText('volcano eruption magma', { k: 4 });
    assert.equal(modelCalls(embedder), 1);
    assert.deepEqual(await service.searchText('volcano eruption magma', { k: 4 }), first);
    const second = await service.searchText('volcano eruption magma', { k: 2, offset: 2 });
    assert.deepEqual(second.hits, first.hits.slice(2, 4));
    assert.equal(modelCalls(embedder), 1);
  });

  it('keeps apart what ranks differently: mode, depth, filter, and a query against the same text as an abstract', async () => {
    const embedder = new FakeEmbedder();
    const service = new SearchService(storage, embedder);
    await service.searchText('protein folding', { k: 3, mode: 'dense' });
    await service.searchText('protein folding', { k: 5, mode: 'dense' });
    await service.searchText('protein folding', { k: 3, mode: 'dense', filter: { year: { gte: 2020 } } });
    await service.searchText('protein folding', { k: 3, mode: 'hybrid' });
    await service.similarToAbstract('protein folding', undefined, { k: 3, mode: 'hybrid' });
    assert.deepEqual(
      embedder.calls.map((call) => call.kind),
      ['query', 'query', 'query', 'query', 'passage'],
    );
    const lexical = await service.searchText('protein folding', { k: 3, mode: 'lexical' });
    assert.deepEqual(await service.searchText('protein folding', { k: 3, mode: 'lexical' }), lexical);
  });

  it('answers a search after a write with the written paper (a cached list never outlives a write or a snapshot swap)', async () => {
    const embedder = new FakeEmbedder();
    const service = new SearchService(storage, embedder);
    const query = 'glacier retreat in the alps';
    const before = await service.searchText(query, { k: 3, mode: 'lexical' });
    assert.ok(!before.hits.some((hit) => hit.id === 'alps-glacier'));
    const paper = { id: 'alps-glacier', title: 'Glacier retreat in the Alps', abstract: 'Alpine glacier retreat measured over decades in the Alps.' };
    await storage.commit([[{ op: 'put', paper, vector: embedder.paperVector(paper) }]]);
    const afterWrite = await service.searchText(query, { k: 3, mode: 'lexical' });
    assert.equal(afterWrite.hits[0]!.id, 'alps-glacier');
    await storage.commit([[{ op: 'delete', id: 'alps-glacier' }]]);
    assert.ok(!(await service.searchText(query, { k: 3, mode: 'lexical' })).hits.some((hit) => hit.id === 'alps-glacier'));
    // A snapshot swap recomputes BM25's statistics (scores change): lists cached before it are not used after it.
    const beforeSwap = storage.resultsVersion();
    await storage.snapshot();
    assert.notEqual(storage.resultsVersion(), beforeSwap);
  });

  it('embeds only the queries of a batch whose lists are not cached, unless their hits are to be explained', async () => {
    const embedder = new FakeEmbedder();
    const service = new SearchService(storage, embedder);
    const alone = await service.searchText('ocean acidification', { k: 3 });
    const batch = await service.searchTextBatch([
      { query: 'ocean acidification', options: { k: 3 } },
      { query: 'speech recognition', options: { k: 3 } },
      { query: 'ocean acidification', options: { k: 3, explain: true } },
    ]);
    assert.deepEqual(
      embedder.calls.filter((call) => call.kind === 'query').map((call) => call.texts),
      [['ocean acidification'], ['speech recognition', 'ocean acidification']],
    );
    assert.deepEqual(batch[0], alone);
    assert.deepEqual(
      batch[2]!.hits.map((hit) => hit.id),
      alone.hits.map((hit) => hit.id),
    );
  });

  it('embeds a batch query alone when a write emptied the cache while the batch was embedded', async () => {
    const embedder = new FakeEmbedder();
    const service = new SearchService(storage, embedder);
    await service.searchText('volcano tremor', { k: 3 });
    let writeWhileEmbedding = false;
    const writing: FakeEmbedder = Object.assign(Object.create(embedder) as FakeEmbedder, {
      embedQueries: async (texts: readonly string[]) => {
        if (writeWhileEmbedding) await storage.commit([[{ op: 'delete', id: 'no-such-paper' }]]);
        return embedder.embedQueries(texts);
      },
    });
    const racing = new SearchService(storage, writing);
    await racing.searchText('volcano tremor', { k: 3 });
    writeWhileEmbedding = true;
    const [cachedBefore, fresh] = await racing.searchTextBatch([
      { query: 'volcano tremor', options: { k: 3 } },
      { query: 'lung cancer screening', options: { k: 3 } },
    ]);
    assert.deepEqual(
      embedder.calls.slice(-2).map((call) => call.texts),
      [['lung cancer screening'], ['volcano tremor']],
    );
    assert.deepEqual(cachedBefore, await service.searchText('volcano tremor', { k: 3 }));
    assert.ok(fresh!.hits.length > 0);
  });

  it('caches nothing when the storage cannot tell whether others wrote (a Weaviate collection)', async () => {
    const embedder = new FakeEmbedder();
    const shared: PaperStorage = new Proxy(storage, {
      get: (target, property) => (property === 'resultsVersion' ? () => undefined : Reflect.get(target, property, target)),
    });
    const service = new SearchService(shared, embedder);
    await service.searchText('speech recognition', { k: 2 });
    await service.searchText('speech recognition', { k: 2 });
    assert.equal(modelCalls(embedder), 2);
  });

  it('caches nothing at size 0 (RESULT_CACHE_SIZE=0)', async () => {
    const embedder = new FakeEmbedder();
    const service = new SearchService(storage, embedder, 'hybrid', 0);
    await service.searchText('speech recognition', { k: 2 });
    await service.searchText('speech recognition', { k: 2 });
    assert.equal(modelCalls(embedder), 2);
  });
});
