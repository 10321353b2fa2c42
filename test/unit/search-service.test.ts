import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AppError } from '../../src/errors.js';
import { rankRelated } from '../../src/search/related/related-ranking.js';
import { dot } from '../../src/shared/vector-math.js';
import { SearchService } from '../../src/search/search-service.js';
import type { EmbeddedStorage } from '../../src/storage/embedded/embedded-storage.js';
import type { PaperStorage } from '../../src/storage/paper-storage.js';
import { buildFakeIndex, FakeEmbedder, openFakeStorage, topicPapers } from './fake-collection.js';
import { isAppErrorWithCode } from './support.js';

const embedder = new FakeEmbedder();
let root: string;
let storage: EmbeddedStorage;
let service: SearchService;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'paper-search-search-service-'));
  const folder = join(root, 'index');
  await buildFakeIndex(folder, embedder);
  storage = await openFakeStorage(folder, embedder, { acceptsWrites: false });
  service = new SearchService(storage, embedder, 'hybrid');
});

after(async () => {
  await storage?.close();
  await rm(root, { recursive: true, force: true });
});

const ids = (hits: readonly { id: string }[]) => hits.map((hit) => hit.id);

describe('SearchService.searchText', () => {
  it('ranks papers about the query first in every mode', async () => {
    for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
      const { hits } = await service.searchText('volcano eruption magma', { k: 3, mode });
      assert.deepEqual(ids(hits).sort(), ['volcano-1', 'volcano-2', 'volcano-3'], mode);
    }
  });

  it('uses the default mode when the request names none', async () => {
    const { hits } = await service.searchText('protein folding', { k: 2 });
    assert.deepEqual(hits[0]!.explain, undefined);
    assert.equal(hits[0]!.id, 'protein-1');
  });

  it('scores dense hits by cosine, lexical hits by BM25 as a share of the query’s ceiling, hybrid hits absolutely', async () => {
    const [dense] = (await service.searchText('protein folding', { k: 1, mode: 'dense' })).hits;
    const [lexical] = (await service.searchText('protein folding', { k: 1, mode: 'lexical' })).hits;
    const [hybrid] = (await service.searchText('protein folding', { k: 1, mode: 'hybrid' })).hits;
    for (const hit of [dense!, lexical!, hybrid!]) assert.ok(hit.score > 0 && hit.score <= 1, String(hit.score));
    const ceiling = await storage.lexicalCeiling('protein folding');
    const [bm25] = await storage.lexicalScores('protein folding', [lexical!.id]);
    assert.ok(Math.abs(lexical!.score - bm25! / ceiling) < 1e-6);
  });

  it('scores an off-topic query low in hybrid mode, whatever the best hit (hybrid scores were 0.5 or more whatever the query)', async () => {
    const [onTopic] = (await service.searchText('volcano eruption magma tremor', { k: 1, mode: 'hybrid' })).hits;
    const [offTopic] = (await service.searchText('medieval tax records of monasteries', { k: 1, mode: 'hybrid' })).hits;
    assert.ok(offTopic === undefined || offTopic.score < 0.05, String(offTopic?.score));
    assert.ok(onTopic!.score > 5 * (offTopic?.score ?? 0));
  });

  it('ranks hybrid alike whether the backend scores the dense candidates in its lexical pass or is asked after', async () => {
    // The same storage without lexicalWithScores: the path other backends (Weaviate) take.
    const asksAfter = new Proxy(storage, {
      get: (target, property) => (property === 'lexicalWithScores' ? undefined : Reflect.get(target, property, target)),
    }) as PaperStorage;
    assert.ok(typeof (storage as PaperStorage).lexicalWithScores === 'function' && asksAfter.lexicalWithScores === undefined, 'precondition');
    const other = new SearchService(asksAfter, embedder, 'hybrid');
    for (const query of ['volcano eruption magma', 'protein folding', 'deep sea coral reef', 'medieval tax records']) {
      const options = { k: 8, mode: 'hybrid' as const, explain: true };
      assert.deepEqual(await service.searchText(query, options), await other.searchText(query, options), query);
    }
  });

  it('returns no hit in lexical mode when no word matches', async () => {
    assert.deepEqual(await service.searchText('zzzz qqqq', { k: 5, mode: 'lexical' }), { hits: [] });
  });

  it('pages a stable order: offset continues where k stopped', async () => {
    const { hits: all } = await service.searchText('video compression networks', { k: 6, mode: 'dense' });
    const { hits: first } = await service.searchText('video compression networks', { k: 3, mode: 'dense' });
    const { hits: second } = await service.searchText('video compression networks', { k: 3, offset: 3, mode: 'dense' });
    assert.deepEqual([...ids(first), ...ids(second)], ids(all));
  });

  it('refuses hybrid pages past the fused candidates, naming the field without any transport path', async () => {
    await assert.rejects(
      service.searchText('volcano', { k: 10, offset: 95, mode: 'hybrid' }),
      (error: unknown) =>
        isAppErrorWithCode('invalid_input', /offset \+ k must be at most 100/)(error) &&
        (error as { details: { issues: { path: string }[] } }).details.issues[0]!.path === 'offset',
    );
  });

  it('applies filters inside the search', async () => {
    const { hits: recent } = await service.searchText('volcano eruption', { k: 5, mode: 'dense', filter: { year: { gte: 2023 } } });
    assert.ok(recent.every((hit) => (hit.year ?? 0) >= 2023));
    assert.ok(ids(recent).includes('volcano-2'));
    const { hits: byCategory } = await service.searchText('networks', { k: 8, mode: 'hybrid', filter: { categories: { all: ['cs.LG'] } } });
    assert.deepEqual(ids(byCategory).sort(), ['protein-1', 'video-2']);
    const { hits: excluded } = await service.searchText('volcano eruption', {
      k: 3,
      mode: 'lexical',
      filter: { exclude_ids: ['volcano-1', 'doi:10.1000/VOLCANO.1'] },
    });
    assert.ok(!ids(excluded).includes('volcano-1'));
  });

  it('leaves out hits below the score threshold, compared as shown', async () => {
    const { hits: all } = await service.searchText('speech recognition', { k: 8, mode: 'dense' });
    const threshold = all[1]!.score;
    const { hits: kept } = await service.searchText('speech recognition', { k: 8, mode: 'dense', scoreThreshold: threshold });
    assert.ok(kept.length >= 2);
    assert.ok(kept.every((hit) => hit.score >= threshold));
  });

  it('explains each hit with the retrievers’ ranks and its closest sentence', async () => {
    const { hits } = await service.searchText('magma chambers', { k: 2, mode: 'hybrid', explain: true });
    const top = hits[0]!;
    assert.equal(top.id, 'volcano-2');
    assert.deepEqual(Object.keys(top.explain!.ranks).sort(), ['dense', 'lexical']);
    assert.equal(top.explain!.closest_sentence!.text, 'Magma chambers feed volcano eruption cycles.');
  });
});

describe('SearchService facets', () => {
  it('counts the facets of a ranked list over its candidates, not just the page', async () => {
    const list = await service.searchText('volcano eruption', { k: 1, mode: 'lexical', facets: ['categories', 'year'] });
    assert.equal(list.hits.length, 1);
    assert.equal(list.facets!.papers, 3, 'the three papers sharing a word with the query');
    assert.deepEqual(list.facets!.distribution, { categories: { 'physics.geo-ph': 2, 'physics.ao-ph': 1 }, year: { 2021: 1, 2023: 1, 2024: 1 } });
    assert.deepEqual(list.facets!.stats, { year: { min: 2021, max: 2024 } });
    assert.equal((await service.searchText('volcano eruption', { k: 1, mode: 'lexical' })).facets, undefined, 'no facets unless asked');
  });

  it('counts the candidates the ranking kept: the filter and the score threshold apply', async () => {
    const filtered = await service.searchText('volcano eruption', { k: 5, mode: 'lexical', facets: ['year'], filter: { year: { gte: 2023 } } });
    assert.equal(filtered.facets!.papers, 2);
    const top = (await service.searchText('volcano eruption', { k: 5, mode: 'lexical' })).hits;
    const threshold = top[1]!.score;
    const kept = await service.searchText('volcano eruption', { k: 5, mode: 'lexical', facets: ['year'], scoreThreshold: threshold });
    assert.equal(kept.facets!.papers, kept.hits.length);
  });

  it('counts the union of both retrievers in hybrid mode, and the same hits come back with or without facets', async () => {
    const plain = await service.searchText('protein folding', { k: 2, mode: 'hybrid' });
    const faceted = await service.searchText('protein folding', { k: 2, mode: 'hybrid', facets: ['categories'] });
    assert.deepEqual(faceted.hits, plain.hits);
    assert.equal(faceted.facets!.papers, 8, 'dense search returns every paper of this small collection');
  });

  it('counts related and recommended lists, never their inputs, and the whole collection', async () => {
    const related = await service.relatedToPaper('volcano-1', { k: 1, facets: ['categories'] });
    assert.equal(related.facets!.papers, 7);
    const recommended = await service.recommend({ positive: ['protein-1'], negative: ['video-2'] }, { k: 1, facets: ['authors'] });
    assert.equal(recommended.facets!.papers, 6);
    const whole = await service.collectionFacets(['categories'], { categories: { any: ['cs.LG'] } });
    assert.deepEqual(whole, { distribution: { categories: { 'cs.LG': 2, 'q-bio.BM': 1, 'cs.CV': 1 } }, stats: {}, papers: 2 });
  });
});

describe('SearchService batch and similar', () => {
  it('embeds the queries of a batch that need the model in one call, and answers in order', async () => {
    const before = embedder.calls.length;
    const results = await service.searchTextBatch([
      { query: 'protein design', options: { k: 1, mode: 'dense' } },
      { query: 'speech noise', options: { k: 1, mode: 'lexical' } },
      { query: 'video codecs', options: { k: 1, mode: 'hybrid' } },
    ]);
    assert.deepEqual(
      results.map(({ hits }) => hits[0]!.id),
      ['protein-2', 'speech-1', 'video-1'],
    );
    assert.deepEqual(embedder.calls.slice(before), [{ kind: 'query', texts: ['protein design', 'video codecs'], alone: true }]);
  });

  it('embeds an abstract as the papers were: the passage, title first, and the title alone, in one call', async () => {
    const before = embedder.calls.length;
    const { hits } = await service.similarToAbstract('Seismic tremor predicts volcano eruption.', 'Eruption forecasting', { k: 1, mode: 'dense' });
    assert.equal(hits[0]!.id, 'volcano-1');
    assert.deepEqual(embedder.calls.slice(before), [
      { kind: 'passage', texts: ['Eruption forecasting Seismic tremor predicts volcano eruption.', 'Eruption forecasting'], alone: true },
    ]);
  });

  it('keeps apart the cached lists of abstracts whose title and abstract join into the same passage (the title is embedded alone too)', async () => {
    const before = embedder.calls.length;
    await service.similarToAbstract('plumes disrupt aviation.', 'Volcano ash', { k: 1, mode: 'dense' });
    await service.similarToAbstract('ash plumes disrupt aviation.', 'Volcano', { k: 1, mode: 'dense' });
    await service.similarToAbstract('ash plumes disrupt aviation.', ' Volcano ', { k: 1, mode: 'dense' });
    assert.deepEqual(
      embedder.calls.slice(before).map((call) => call.texts[1]),
      ['Volcano ash', 'Volcano'],
      'the same passage with another title is embedded again; the same title answers from the cache',
    );
  });
});

describe('SearchService related, recommend and lookups', () => {
  it('finds papers related to a stored one by its stored vector, never the paper itself, and calls no model', async () => {
    const before = embedder.calls.length;
    const { hits } = await service.relatedToPaper('volcano-1', { k: 2 });
    assert.deepEqual(ids(hits).sort(), ['volcano-2', 'volcano-3']);
    assert.equal(embedder.calls.length, before);
  });

  it('with a facet, embeds the paper’s sentences of that role and the titles it has not seen, once', async () => {
    const fresh = new SearchService(storage, embedder, 'hybrid');
    const before = embedder.calls.length;
    await fresh.relatedToPaper('volcano-1', { k: 2, facet: 'result' });
    const calls = embedder.calls.slice(before);
    assert.ok(calls.every((call) => call.kind === 'passage'));
    // volcano-1's abstract: "Seismic tremor predicts volcano eruption. Magma rises before the eruption."
    assert.ok(calls.some((call) => call.texts.length === 1 && call.texts[0] === 'Magma rises before the eruption.'));
    const titles = calls.find((call) => call.texts.includes('Volcano eruption forecasting'));
    assert.ok(titles?.texts.includes('Magma chambers under a volcano'));
    const again = embedder.calls.length;
    await fresh.relatedToPaper('volcano-1', { k: 2, facet: 'result' });
    assert.ok(
      embedder.calls.slice(again).every((call) => !call.texts.includes('Volcano eruption forecasting')),
      'titles are embedded once',
    );
  });

  it('regression: embeds the facet passage, the titles and the sentences explain matches each alone in its model call, as queries (their vectors moved with what else was embedded at once)', async () => {
    const fresh = new SearchService(storage, embedder, 'hybrid');
    const before = embedder.calls.length;
    await fresh.relatedToPaper('volcano-1', { k: 2, facet: 'result' });
    await fresh.searchText('volcano eruption magma', { k: 3, explain: true });
    const calls = embedder.calls.slice(before);
    assert.ok(
      calls.some((call) => call.texts.includes('Volcano eruption forecasting')) && calls.length >= 4,
      'titles, facet, query and sentences were embedded',
    );
    assert.deepEqual(
      calls.filter((call) => !call.alone),
      [],
    );
  });

  it('with a facet, ranks by the paper, title and facet cosines, on the cosine scale', async () => {
    const plain = await service.relatedToPaper('volcano-1', { k: 7 });
    const faceted = await service.relatedToPaper('volcano-1', { k: 7, facet: 'result' });
    const [query] = await storage.papers(['volcano-1']);
    const [queryVector] = await storage.vectors(['volcano-1']);
    const papers = await storage.papers(ids(faceted.hits));
    const vectors = await storage.vectors(ids(faceted.hits));
    const expected = rankRelated(
      { title: embedder.vectorOf(query!.title), facet: embedder.vectorOf('Magma rises before the eruption.') },
      papers.map((paper, i) => ({ id: paper!.id, cosine: dot(queryVector!, vectors[i]!), title: embedder.vectorOf(paper!.title), vector: vectors[i]! })),
    );
    assert.deepEqual(ids(faceted.hits), ids(expected));
    faceted.hits.forEach((hit, i) => assert.ok(Math.abs(hit.score - expected[i]!.score) < 1e-6));
    assert.deepEqual(ids(faceted.hits).sort(), ids(plain.hits).sort());
  });

  it('gives the cosines of stored papers to a vector as their stored vectors do, and none for an unknown id', async () => {
    const [query] = await storage.vectors(['volcano-1']);
    const vectors = await storage.vectors(['protein-1', 'volcano-2']);
    assert.deepEqual(await storage.cosines(query!, ['protein-1', 'no-such-paper', 'volcano-2']), [
      dot(query!, vectors[0]!),
      undefined,
      dot(query!, vectors[1]!),
    ]);
  });

  it('pages the faceted related ranking: offset continues where k stopped', async () => {
    const { hits: all } = await service.relatedToPaper('protein-1', { k: 6, facet: 'method' });
    const { hits: first } = await service.relatedToPaper('protein-1', { k: 3, facet: 'method' });
    const { hits: second } = await service.relatedToPaper('protein-1', { k: 3, offset: 3, facet: 'method' });
    assert.deepEqual([...ids(first), ...ids(second)], ids(all));
  });

  it('gives related hits encoded as JSON.stringify writes them, from stored and from encoded records alike', async () => {
    // A storage without records kept as JSON: the service encodes the papers itself.
    const withoutJson: PaperStorage = Object.create(storage, { paperJson: { value: undefined } });
    const encoding = new SearchService(withoutJson, embedder, 'hybrid');
    const cases = [{ k: 3 }, { k: 2, offset: 1 }, { k: 7, scoreThreshold: 0.2 }, { k: 5, filter: { year: { gte: 2021 } } }, { k: 3, facet: 'method' as const }];
    for (const options of cases) {
      for (const name of ['volcano-1', 'protein-1', 'arxiv:2401.00003']) {
        const expected = JSON.stringify((await service.relatedToPaper(name, options)).hits);
        assert.equal(String(await service.relatedToPaperJson(name, options)), expected, `${name} ${JSON.stringify(options)}`);
        assert.equal(String(await encoding.relatedToPaperJson(name, options)), expected, `${name} ${JSON.stringify(options)}, encoded`);
      }
    }
    await assert.rejects(service.relatedToPaperJson('nope', { k: 3 }), isAppErrorWithCode('paper_not_found'));
  });

  it('names a paper by DOI or arXiv id too', async () => {
    assert.equal((await service.getPaper('doi:10.1000/VOLCANO.1')).id, 'volcano-1');
    assert.equal((await service.getPaper('arxiv:2401.00003v2')).id, 'volcano-3');
    assert.ok(!ids((await service.relatedToPaper('arxiv:2401.00003', { k: 7 })).hits).includes('volcano-3'));
  });

  it('answers paper_not_found for an unknown paper', async () => {
    await assert.rejects(service.getPaper('nope'), isAppErrorWithCode('paper_not_found'));
    await assert.rejects(service.relatedToPaper('nope', { k: 3 }), isAppErrorWithCode('paper_not_found'));
    // The storage resolves the name for related; the error names it as every route does.
    await assert.rejects(service.relatedToPaper('doi:10.1/none', { k: 3 }), (error: AppError) => {
      assert.deepEqual(
        { message: error.message, details: error.details },
        { message: 'No paper with id "doi:10.1/none".', details: { id: 'doi:10.1/none', ids: ['doi:10.1/none'] } },
      );
      return true;
    });
  });

  it('recommends like the positives and unlike the negatives, never an input', async () => {
    const { hits } = await service.recommend({ positive: ['protein-1'], negative: ['video-2'] }, { k: 3 });
    assert.equal(hits[0]!.id, 'protein-2');
    assert.ok(!ids(hits).some((id) => id === 'protein-1' || id === 'video-2'));
  });

  it('keeps recommendations on the topic of the search they refine (the feedback alone drifted away from it)', async () => {
    const aboutVolcanoes = { positive: ['volcano-1'], negative: [], query: 'magma' };
    const steered = ids((await service.recommend(aboutVolcanoes, { k: 2 })).hits);
    assert.deepEqual(steered.sort(), ['volcano-2', 'volcano-3']);
    // A query alone (the searcher marked only papers they do not want) stands for what is wanted.
    const alone = await service.recommend({ positive: [], negative: ['volcano-2'], query: 'volcano eruption' }, { k: 3 });
    assert.equal(alone.hits[0]!.id, 'volcano-1');
    assert.ok(!ids(alone.hits).includes('volcano-2'));
    assert.ok(embedder.calls.some((call) => call.kind === 'query' && call.texts[0] === 'volcano eruption'));
  });

  it('regression: refuses a paper named as positive and as negative under two names (its id and its DOI)', async () => {
    await assert.rejects(
      service.recommend({ positive: ['volcano-1'], negative: ['doi:10.1000/volcano.1'] }, { k: 3 }),
      isAppErrorWithCode('invalid_input', /both positive and negative/),
    );
  });

  it('regression: resolves the inputs once (two inputs deleted while the query was embedded were taken for one paper both positive and negative)', async () => {
    let resolved = 0;
    // The inputs resolve once; asked again (after the model call) they are gone, as after a DELETE.
    const deletedAfterFirstLookup = new Proxy(storage, {
      get: (target, property) =>
        property === 'resolve' ? async (name: string) => (resolved++ < 2 ? target.resolve(name) : undefined) : Reflect.get(target, property, target),
    }) as PaperStorage;
    const other = new SearchService(deletedAfterFirstLookup, embedder, 'hybrid');
    const { hits } = await other.recommend({ positive: ['volcano-1'], negative: ['protein-1'], query: 'magma' }, { k: 2 });
    assert.ok(hits.length > 0 && !ids(hits).some((id) => id === 'volcano-1' || id === 'protein-1'));
  });

  it("regression: searches the words of a long pasted text's first 20,000 characters (BM25 over 100,000 held the main thread 27 ms a request)", async () => {
    const searched: number[] = [];
    const recording = new Proxy(storage, {
      get: (target, property) =>
        property === 'lexicalCeiling'
          ? (text: string) => {
              searched.push(text.length);
              return target.lexicalCeiling(text);
            }
          : Reflect.get(target, property, target),
    }) as PaperStorage;
    const other = new SearchService(recording, embedder, 'hybrid');
    const long = 'volcano eruption magma tremor '.repeat(4_000);
    const { hits } = await other.similarToAbstract(long, 'Volcanoes', { k: 3, mode: 'hybrid' });
    assert.ok(hits.length > 0);
    assert.ok(searched.length > 0 && searched.every((length) => length <= 20_000 && length > 19_000), String(searched));
    await other.similarToAbstract('volcano eruption magma', undefined, { k: 3, mode: 'lexical' });
    assert.equal(searched.at(-1), 'volcano eruption magma'.length, 'a real abstract is searched whole');
  });

  it('names every unknown recommendation input in one 404', async () => {
    await assert.rejects(service.recommend({ positive: ['protein-1', 'x'], negative: ['y'] }, { k: 3 }), (error: unknown) => {
      assert.deepEqual((error as { details: unknown }).details, { ids: ['x', 'y'] });
      return isAppErrorWithCode('paper_not_found')(error);
    });
  });

  it('lists every paper once, a page at a time', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.listPapers(cursor, 3);
      seen.push(...page.papers.map((paper) => paper.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.equal(seen.length, 8);
    assert.equal(new Set(seen).size, 8);
  });

  it('refuses a cursor it did not issue', async () => {
    await assert.rejects(service.listPapers('bm90LWEtY3Vyc29y', 3), isAppErrorWithCode('invalid_input', /cursor/));
  });

  it('reports its index and the default mode', async () => {
    const info = await service.info();
    assert.deepEqual(
      { ...info, createdAt: typeof info.createdAt },
      { model: 'all-MiniLM-L6-v2', dimension: 384, papers: 8, createdAt: 'string', defaultMode: 'hybrid' },
    );
    const stats = await service.stats();
    assert.equal(stats.backend, 'embedded');
    assert.equal(stats.defaultMode, 'hybrid');
  });
});

describe('SearchService against a collection changing under it', () => {
  it('leaves out a paper deleted between ranking and fetching its record', async () => {
    const vanishing: PaperStorage = Object.create(storage, {
      papers: { value: async (wanted: readonly string[]) => (await storage.papers(wanted)).map((paper) => (paper?.id === 'volcano-2' ? undefined : paper)) },
    }) as PaperStorage;
    const { hits } = await new SearchService(vanishing, embedder).searchText('volcano magma', { k: 3, mode: 'dense' });
    assert.ok(hits.length >= 1);
    assert.ok(!ids(hits).includes('volcano-2'));
  });

  it('says which part is not ready: a model restarting or failed', () => {
    const model = new FakeEmbedder();
    const watched = new SearchService(storage, model);
    assert.equal(watched.readiness, 'ready');
    model.state = 'restarting';
    assert.equal(watched.readiness, 'model_restarting');
    model.state = 'failed';
    assert.equal(watched.readiness, 'model_failed');
  });
});

describe('SearchService paging through tied scores', () => {
  // Copies of one paper score alike; written in the reverse of their ids' order, so the
  // retrievers (HNSW, BM25 keeping the smaller label) break their ties against the id order.
  const copies = ['copy-6', 'copy-5', 'copy-4', 'copy-3', 'copy-2', 'copy-1'].map((id) => ({
    id,
    title: 'Glacier melt',
    abstract: 'Glacier melt raises sea level.',
  }));
  let tiedRoot: string;
  let tiedStorage: EmbeddedStorage;
  let tied: SearchService;

  before(async () => {
    tiedRoot = await mkdtemp(join(tmpdir(), 'paper-search-ties-'));
    const folder = join(tiedRoot, 'index');
    await buildFakeIndex(folder, embedder, [...copies, ...topicPapers]);
    tiedStorage = await openFakeStorage(folder, embedder, { acceptsWrites: false });
    tied = new SearchService(tiedStorage, embedder, 'hybrid');
  });

  after(async () => {
    await tiedStorage?.close();
    await rm(tiedRoot, { recursive: true, force: true });
  });

  it('regression: pages of tied papers join into the longer list, ties by id (pages repeated and skipped tied papers)', async () => {
    const lists: Record<string, (k: number, offset: number) => Promise<readonly { id: string }[]>> = {
      dense: async (k, offset) => (await tied.searchText('glacier melt sea level', { k, offset, mode: 'dense' })).hits,
      lexical: async (k, offset) => (await tied.searchText('glacier melt sea level', { k, offset, mode: 'lexical' })).hits,
      related: async (k, offset) => (await tied.relatedToPaper('copy-6', { k, offset })).hits,
      'related as JSON': async (k, offset) => JSON.parse(String(await tied.relatedToPaperJson('copy-6', { k, offset }))) as { id: string }[],
      recommend: async (k, offset) => (await tied.recommend({ positive: ['volcano-1'], negative: [] }, { k, offset })).hits,
    };
    for (const [name, list] of Object.entries(lists)) {
      const whole = ids(await list(8, 0));
      const pages = [];
      for (let offset = 0; offset < 8; offset++) pages.push(...ids(await list(1, offset)));
      assert.deepEqual(pages, whole, name);
      assert.deepEqual(ids(await list(3, 0)), whole.slice(0, 3), name);
    }
    assert.deepEqual(ids(await lists.lexical!(6, 0)), ['copy-1', 'copy-2', 'copy-3', 'copy-4', 'copy-5', 'copy-6']);
    assert.deepEqual(ids(await lists.related!(5, 0)), ['copy-1', 'copy-2', 'copy-3', 'copy-4', 'copy-5']);
  });

  it('asks the retriever once when no paper ties with the end of the page, and for one paper more than the page', async () => {
    const asked: number[] = [];
    const counting: PaperStorage = Object.create(tiedStorage, {
      lexical: { value: (text: string, query: { k: number }) => (asked.push(query.k), tiedStorage.lexical(text, query)) },
    }) as PaperStorage;
    await new SearchService(counting, embedder).searchText('protein folding attention', { k: 1, mode: 'lexical' });
    assert.deepEqual(asked, [2]);
    asked.length = 0;
    await new SearchService(counting, embedder).searchText('glacier melt', { k: 2, mode: 'lexical' });
    // Six copies tie: 3 all tied, 6 all tied, then 12 finds no seventh.
    assert.deepEqual(asked, [3, 6, 12]);
  });
});
