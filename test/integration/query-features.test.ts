import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import { buildIndex, listOrder, makeTempDir, removeDir, repoRoot, request, startTestServer, testBackend } from './helpers.js';

const sampleFile = join(repoRoot, 'index-data/samples/sample-papers.jsonl');

interface Hit {
  id: string;
  score: number;
  title?: string;
  year?: number;
  categories?: string[];
  authors?: string[];
  abstract?: string;
}
interface HitsBody {
  hits: Hit[];
}
interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: { path: string }[] } };
}

let workDir: string;
let server: RunningServer;
let base: string;
let papers: { id: string; authors?: string[]; categories?: string[]; first_listed?: string }[];

before(async () => {
  workDir = await makeTempDir();
  await buildIndex(join(workDir, 'index'), sampleFile);
  server = await startTestServer(join(workDir, 'index'));
  base = server.url;
  papers = (await readFile(sampleFile, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as (typeof papers)[number]);
});

after(async () => {
  await server?.close();
  await removeDir(workDir);
});

const query = 'robots that perceive their surroundings with cameras';
const robotics = () => papers.filter((paper) => paper.categories?.includes('cs.RO')).map((paper) => paper.id);

describe('filters', () => {
  for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
    it(`keeps only matching papers in ${mode} mode, however few match`, async () => {
      const response = await request<HitsBody>(base, '/v1/search', { json: { query, k: 10, mode, filter: { categories: { any: ['cs.RO'] } } } });
      assert.equal(response.status, 200);
      const ids = response.body.hits.map((hit) => hit.id);
      assert.ok(
        ids.every((id) => robotics().includes(id)),
        ids.join(),
      );
      if (mode !== 'lexical') assert.deepEqual(new Set(ids), new Set(robotics()), 'every matching paper comes back when fewer than k match');
    });
  }

  it('regression: names the paper a query that is its arXiv id, DOI or link names (searched as words, it found unrelated papers)', async () => {
    const title = (await request<{ paper: { title: string } }>(base, '/v1/papers/arxiv:2503.11731')).body.paper.title;
    for (const query of ['2503.11731', 'arXiv:2503.11731v1', 'https://arxiv.org/abs/2503.11731', '10.48550/arXiv.2503.11731']) {
      const { status, body } = await request<{ named_paper?: unknown }>(base, '/v1/search', { json: { query, k: 3 } });
      assert.equal(status, 200);
      assert.deepEqual(body.named_paper, { id: '2503.11731', title }, query);
    }
    const batch = await request<{ results: { named_paper?: unknown }[] }>(base, '/v1/search/batch', {
      json: { queries: [{ query: '2503.11731' }, { query: 'video compression' }, { query: '2999.99999' }] },
    });
    assert.deepEqual(
      batch.body.results.map((result) => result.named_paper),
      [{ id: '2503.11731', title }, undefined, undefined],
    );
  });

  it('regression: suggests the query with its slips corrected, and nothing for a query of words the papers hold (a typo was searched as typed, with no hint)', async () => {
    const { body } = await request<{ suggested_query?: string; hits: unknown[] }>(base, '/v1/search', { json: { query: 'nueral video compresion', k: 3 } });
    // Weaviate keeps its vocabulary in the cluster, where a word's ~600 neighbours would be 600 queries: no suggestion there (documented).
    assert.equal(body.suggested_query, testBackend === 'embedded' ? 'neural video compression' : undefined);
    assert.equal(body.hits.length, 3, 'the list is still the query as typed');
    assert.equal(
      (await request<{ suggested_query?: string }>(base, '/v1/search', { json: { query: 'neural video compression', k: 3 } })).body.suggested_query,
      undefined,
    );
  });

  it("regression: names the author a query of a person's name is, with their papers' count, on either backend (a name searched as words said nothing of them)", async () => {
    type NotesBody = { named_author?: unknown; suggested_query?: string; hits: unknown[] };
    const named = async (query: string) => (await request<NotesBody>(base, '/v1/search', { json: { query, k: 3 } })).body;
    const answer = await named('Jean-Yves GUILLEMAUT');
    assert.deepEqual(answer.named_author, { name: 'Jean-Yves Guillemaut', papers: 1 });
    assert.equal(answer.suggested_query, undefined, 'a name is no slip');
    assert.equal(answer.hits.length, 3, 'the list is still the query as words');
    assert.deepEqual((await named('Yan Zhang')).named_author, { name: 'Yan Zhang', papers: 3 });
    assert.deepEqual((await named('Guillemaut, Jean-Yves')).named_author, { name: 'Jean-Yves Guillemaut', papers: 1 }, 'as reference lists write names');
    // Not a name of the collection, and not a name at all.
    assert.equal((await named('Ada Lovelace')).named_author, undefined);
    assert.equal((await named('Graph Neural Networks')).named_author, undefined);
    assert.equal((await named('yan zhang')).named_author, undefined, 'a lower-case query is taken for a topic');
    const batch = await request<{ results: NotesBody[] }>(base, '/v1/search/batch', { json: { queries: [{ query: 'Yan Zhang', k: 3 }] } });
    assert.equal(batch.body.results[0]!.named_author, undefined, 'not in a batch, as suggestions are not');
  });

  it('returns k papers when k match, with the year bounds honoured', async () => {
    const response = await request<HitsBody>(base, '/v1/search', { json: { query, k: 20, mode: 'dense', filter: { year: { gte: 2026 } } } });
    assert.equal(response.body.hits.length, 20);
    assert.ok(response.body.hits.every((hit) => hit.year! >= 2026));
    const bounded = await request<HitsBody>(base, '/v1/search', { json: { query, k: 20, filter: { year: { gt: 2024, lt: 2026 } } } });
    assert.ok(bounded.body.hits.every((hit) => hit.year === 2025));
  });

  it('requires every category of "all"', async () => {
    const response = await request<HitsBody>(base, '/v1/search', {
      json: { query, k: 10, mode: 'dense', filter: { categories: { all: ['cs.CV', 'cs.RO'] } } },
    });
    assert.equal(response.body.hits.length, 3);
    assert.ok(response.body.hits.every((hit) => hit.categories!.includes('cs.CV') && hit.categories!.includes('cs.RO')));
  });

  it('matches authors regardless of case and spacing, and excludes ids', async () => {
    const paper = papers[10]!;
    const firstAuthor = paper.authors![0]!;
    const author = firstAuthor.toUpperCase().replace(' ', '  ');
    const response = await request<HitsBody>(base, '/v1/search', { json: { query, k: 5, filter: { authors: { any: [author] } } } });
    assert.ok(response.body.hits.some((hit) => hit.id === paper.id));
    assert.ok(response.body.hits.every((hit) => hit.authors!.some((name) => name.toLowerCase() === firstAuthor.toLowerCase())));
    const excluded = await request<HitsBody>(base, '/v1/search', { json: { query, k: 5, filter: { authors: { any: [author] }, exclude_ids: [paper.id] } } });
    assert.ok(!excluded.body.hits.some((hit) => hit.id === paper.id));
  });

  it('filters related papers through query parameters', async () => {
    const [source, ...others] = robotics();
    const response = await request<HitsBody>(base, `/v1/papers/${source}/related?k=10&categories_any=cs.RO&year_gte=2025`);
    assert.equal(response.status, 200);
    assert.deepEqual(new Set(response.body.hits.map((hit) => hit.id)), new Set(others));
    const excluded = await request<HitsBody>(base, `/v1/papers/${source}/related?k=10&categories_any=cs.RO&exclude_ids=${others[0]},${others[1]}`);
    assert.deepEqual(new Set(excluded.body.hits.map((hit) => hit.id)), new Set(others.slice(2)));
  });
});

describe('pages, score floors and fields', () => {
  it('pages dense results past the hybrid limit of 100', async () => {
    const whole = await request<HitsBody>(base, '/v1/search', { json: { query, k: 100, offset: 100, mode: 'dense' } });
    assert.equal(whole.status, 200);
    assert.equal(whole.body.hits.length, 100);
  });

  it('continues page 1 exactly with page 2', async () => {
    for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
      const whole = await request<HitsBody>(base, '/v1/search', { json: { query, k: 10, mode } });
      const first = await request<HitsBody>(base, '/v1/search', { json: { query, k: 5, mode } });
      const second = await request<HitsBody>(base, '/v1/search', { json: { query, k: 5, offset: 5, mode } });
      assert.deepEqual([...first.body.hits, ...second.body.hits], whole.body.hits, mode);
    }
    const wholeRelated = await request<HitsBody>(base, '/v1/papers/2503.11731/related?k=8');
    const secondRelated = await request<HitsBody>(base, '/v1/papers/2503.11731/related?k=4&offset=4');
    assert.deepEqual(secondRelated.body.hits, wholeRelated.body.hits.slice(4));
  });

  it('drops hits under score_threshold', async () => {
    const all = await request<HitsBody>(base, '/v1/search', { json: { query, k: 50, mode: 'dense' } });
    const threshold = all.body.hits[9]!.score;
    const floored = await request<HitsBody>(base, '/v1/search', { json: { query, k: 50, mode: 'dense', score_threshold: threshold } });
    assert.deepEqual(
      floored.body.hits,
      all.body.hits.filter((hit) => hit.score >= threshold),
    );
  });

  it('returns only the chosen fields, plus id and score', async () => {
    const response = await request<HitsBody>(base, '/v1/search', { json: { query, k: 3, fields: ['title', 'year'] } });
    for (const hit of response.body.hits) assert.deepEqual(Object.keys(hit).sort(), ['id', 'score', 'title', 'year']);
    const related = await request<HitsBody>(base, '/v1/papers/2503.11731/related?k=2&fields=categories');
    for (const hit of related.body.hits) assert.deepEqual(Object.keys(hit).sort(), ['categories', 'id', 'score']);
  });
});

describe('identifiers', () => {
  it('addresses a paper by arxiv:<id>, with or without a version', async () => {
    const byArxiv = await request<{ paper: { id: string } }>(base, '/v1/papers/arxiv:2503.11731');
    assert.equal(byArxiv.status, 200);
    assert.equal(byArxiv.body.paper.id, '2503.11731');
    const versioned = await request<HitsBody>(base, '/v1/papers/arxiv:2503.11731v2/related?k=3');
    assert.equal(versioned.status, 200);
    assert.ok(!versioned.body.hits.some((hit) => hit.id === '2503.11731'));
    const unknown = await request<ErrorBody>(base, '/v1/papers/doi:10.1145%2F3292500/related');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'paper_not_found');
  });
});

describe('POST /v1/recommend', () => {
  const source = '2503.11731';

  it('with one positive, ranks like the papers related to it', async () => {
    const related = await request<HitsBody>(base, `/v1/papers/${source}/related?k=10`);
    const recommended = await request<HitsBody>(base, '/v1/recommend', { json: { positive: [source], k: 10 } });
    assert.equal(recommended.status, 200);
    assert.deepEqual(
      recommended.body.hits.map((hit) => hit.id),
      related.body.hits.map((hit) => hit.id),
    );
  });

  it('never returns the inputs, and honours filters and fields', async () => {
    const related = await request<HitsBody>(base, `/v1/papers/${source}/related?k=3`);
    const [second, third] = related.body.hits.slice(1).map((hit) => hit.id);
    const response = await request<HitsBody>(base, '/v1/recommend', {
      json: { positive: [source, second], negative: [third], k: 20, fields: ['year'], filter: { year: { gte: 2025 } } },
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.hits.length, 20);
    for (const hit of response.body.hits) {
      assert.ok(![source, second, third].includes(hit.id));
      assert.deepEqual(Object.keys(hit).sort(), ['id', 'score', 'year']);
    }
  });

  it('pushes down the near neighbours of a negative', async () => {
    const related = await request<HitsBody>(base, `/v1/papers/${source}/related?k=2`);
    const negative = related.body.hits[0]!.id;
    // The negative's own nearest neighbour (other than the positive) should lose ground.
    const neighbours = await request<HitsBody>(base, `/v1/papers/${negative}/related?k=2&exclude_ids=${source}`);
    const victim = neighbours.body.hits[0]!.id;
    const without = (await request<HitsBody>(base, '/v1/recommend', { json: { positive: [source], k: 100 } })).body;
    const withNegative = (await request<HitsBody>(base, '/v1/recommend', { json: { positive: [source], negative: [negative], k: 100 } })).body;
    const rank = (body: HitsBody) => body.hits.findIndex((hit) => hit.id === victim);
    const scoreOf = (body: HitsBody) => body.hits.find((hit) => hit.id === victim)?.score ?? -1;
    assert.ok(rank(without) >= 0);
    assert.ok(rank(withNegative) === -1 || rank(withNegative) > rank(without), `rank ${rank(without)} → ${rank(withNegative)}`);
    assert.ok(scoreOf(withNegative) < scoreOf(without));
  });

  it('stays on the topic of the search the feedback refines, and takes a query with only negatives', async () => {
    const query = 'speech recognition';
    const searched = (await request<HitsBody>(base, '/v1/search', { json: { query, k: 20, mode: 'dense' } })).body.hits.map((hit) => hit.id);
    // Feedback alone follows the marked paper; with the query, the list keeps more of the search's own answers.
    const alone = (await request<HitsBody>(base, '/v1/recommend', { json: { positive: [searched[1]], k: 20 } })).body.hits.map((hit) => hit.id);
    const refined = (await request<HitsBody>(base, '/v1/recommend', { json: { positive: [searched[1]], query, k: 20 } })).body.hits.map((hit) => hit.id);
    const kept = (list: string[]) => list.filter((id) => searched.includes(id)).length;
    assert.ok(kept(refined) > kept(alone), `${kept(alone)} → ${kept(refined)} of the search's top 20`);
    const negativeOnly = await request<HitsBody>(base, '/v1/recommend', { json: { negative: [searched[0]], query, k: 5 } });
    assert.equal(negativeOnly.status, 200);
    assert.ok(!negativeOnly.body.hits.some((hit) => hit.id === searched[0]));
    assert.ok(negativeOnly.body.hits.some((hit) => searched.includes(hit.id)));
  });

  it('regression: a query with only negatives keeps to its topic (query "video", less like a video paper: papers on image quality came first)', async () => {
    for (const query of ['video', 'speech recognition', 'graph neural networks']) {
      const searched = (await request<HitsBody>(base, '/v1/search', { json: { query, k: 30, mode: 'dense' } })).body.hits.map((hit) => hit.id);
      const negative = searched[0]!;
      const recommended = (await request<HitsBody>(base, '/v1/recommend', { json: { negative: [negative], query, k: 5 } })).body.hits.map((hit) => hit.id);
      const offTopic = recommended.filter((id) => !searched.includes(id));
      assert.deepEqual(offTopic, [], `${query}: ${offTopic.length} of the first 5 are not among the search's first 30`);
    }
  });

  it('answers 404 naming unknown ids, and 400 for bad input', async () => {
    const unknown = await request<{ error: { code: string; details: { ids: string[] } } }>(base, '/v1/recommend', {
      json: { positive: [source, 'nope-1'], negative: ['nope-2'] },
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'paper_not_found');
    assert.deepEqual(unknown.body.error.details.ids, ['nope-1', 'nope-2']);
    for (const json of [
      { positive: [] },
      { positive: [source], negative: [source] },
      { negative: [source] },
      { positive: 'x' },
      { negative: [source], query: '  ' },
    ]) {
      const response = await request<ErrorBody>(base, '/v1/recommend', { json });
      assert.equal(response.status, 400, JSON.stringify(json));
      assert.equal(response.body.error.code, 'invalid_input');
    }
  });
});

describe('explain', () => {
  interface Explained {
    hits: (Hit & { explain?: { ranks: { dense?: number; lexical?: number }; closest_sentence: { text: string; score: number } | null } })[];
  }

  it('gives each hybrid hit the rank from each retriever and its closest abstract sentence', async () => {
    const response = await request<Explained>(base, '/v1/search', { json: { query, k: 5, explain: true } });
    assert.equal(response.status, 200);
    for (const hit of response.body.hits) {
      assert.ok(hit.explain, 'explained');
      assert.ok(hit.explain.ranks.dense !== undefined || hit.explain.ranks.lexical !== undefined);
      const sentence = hit.explain.closest_sentence!;
      assert.ok(hit.abstract!.replace(/\s+/g, ' ').includes(sentence.text), sentence.text);
      assert.ok(sentence.score > 0 && sentence.score <= 1.000001);
    }
  });

  it('ranks a dense list by position, also on /related and /recommend, and stays off by default', async () => {
    const related = await request<Explained>(base, '/v1/papers/2503.11731/related?k=3&explain=true&fields=title');
    assert.deepEqual(
      related.body.hits.map((hit) => hit.explain!.ranks),
      [{ dense: 1 }, { dense: 2 }, { dense: 3 }],
    );
    assert.deepEqual(Object.keys(related.body.hits[0]!).sort(), ['explain', 'id', 'score', 'title']);
    const recommended = await request<Explained>(base, '/v1/recommend', { json: { positive: ['2503.11731'], k: 2, explain: true } });
    assert.ok(recommended.body.hits.every((hit) => hit.explain!.closest_sentence !== null));
    const plain = await request<Explained>(base, '/v1/search', { json: { query, k: 2 } });
    assert.ok(plain.body.hits.every((hit) => hit.explain === undefined));
  });

  it('reports only the lexical rank in lexical mode', async () => {
    const response = await request<Explained>(base, '/v1/search', { json: { query: 'robot', k: 2, mode: 'lexical', explain: true } });
    assert.deepEqual(
      response.body.hits.map((hit) => hit.explain!.ranks),
      [{ lexical: 1 }, { lexical: 2 }],
    );
  });
});

describe('POST /v1/search/batch', () => {
  it('answers each query as the single route would, in order', async () => {
    const queries = [
      { query, k: 3 },
      { query: 'large language model reasoning', k: 2, mode: 'lexical' },
      { query: 'image segmentation', k: 4, mode: 'dense', filter: { year: { gte: 2026 } }, fields: ['year'] },
    ];
    const batch = await request<{ results: HitsBody[] }>(base, '/v1/search/batch', { json: { queries } });
    assert.equal(batch.status, 200);
    assert.equal(batch.body.results.length, 3);
    for (const [i, single] of queries.entries()) {
      const alone = await request<HitsBody>(base, '/v1/search', { json: single });
      assert.deepEqual(
        batch.body.results[i]!.hits.map((hit) => hit.id),
        alone.body.hits.map((hit) => hit.id),
        single.query,
      );
    }
    assert.ok(batch.body.results[2]!.hits.every((hit) => hit.year! >= 2026 && hit.title === undefined));
  });

  it('refuses an empty batch, more than 64 queries, and a bad query by its position', async () => {
    const empty = await request<ErrorBody>(base, '/v1/search/batch', { json: { queries: [] } });
    assert.equal(empty.status, 400);
    const tooMany = await request<ErrorBody>(base, '/v1/search/batch', { json: { queries: Array.from({ length: 65 }, () => ({ query })) } });
    assert.equal(tooMany.status, 400);
    const bad = await request<ErrorBody>(base, '/v1/search/batch', { json: { queries: [{ query }, { query: '' }] } });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.details?.issues?.some((issue) => issue.path === 'body.queries.1.query'));
  });
});

describe('GET /v1/stats', () => {
  it('describes the index being served', async () => {
    const response = await request<{
      papers: number;
      model: { id: string };
      hnsw: { m: number; efSearch: number };
      lexical: { terms: number };
      defaultMode: string;
    }>(base, '/v1/stats');
    assert.equal(response.status, 200);
    assert.equal(response.body.papers, 376);
    assert.equal(response.body.model.id, 'all-MiniLM-L6-v2');
    assert.equal(response.body.hnsw.m, 16);
    assert.equal(response.body.hnsw.efSearch, 128);
    // Weaviate does not report its vocabulary: 0.
    assert.ok(testBackend === 'embedded' ? response.body.lexical.terms > 1_000 : response.body.lexical.terms === 0);
    assert.equal(response.body.defaultMode, 'hybrid');
  });
});

describe('GET /v1/papers', () => {
  it('lists every paper once, page by page, with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: { status: number; body: { papers: { id: string }[]; next_cursor: string | null } } = await request(
        base,
        `/v1/papers?limit=128${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(response.status, 200);
      seen.push(...response.body.papers.map((paper) => paper.id));
      cursor = response.body.next_cursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, await listOrder(papers.map((paper) => paper.id)));
  });

  it('refuses a cursor it did not issue, and a bad limit', async () => {
    const forged = Buffer.from('000000000000:5').toString('base64url');
    for (const path of [
      '/v1/papers?cursor=bm90LWEtY3Vyc29y',
      `/v1/papers?cursor=${forged}`,
      '/v1/papers?limit=0',
      '/v1/papers?limit=5000',
      '/v1/papers?limit=',
    ]) {
      const response = await request<ErrorBody>(base, path);
      assert.equal(response.status, 400, path);
      assert.equal(response.body.error.code, 'invalid_input');
    }
  });
});

describe('bad query options get a 400 naming the field', () => {
  const cases: { name: string; path: string; json?: unknown; field: string }[] = [
    { name: 'an unknown filter key', path: '/v1/search', json: { query, filter: { venue: 'x' } }, field: 'body.filter' },
    { name: 'a year as a string', path: '/v1/search', json: { query, filter: { year: { gte: '2020' } } }, field: 'body.filter.year.gte' },
    { name: 'categories without any or all', path: '/v1/search', json: { query, filter: { categories: {} } }, field: 'body.filter.categories' },
    { name: 'an empty author list', path: '/v1/search', json: { query, filter: { authors: { any: [] } } }, field: 'body.filter.authors.any' },
    { name: 'a page past 1000', path: '/v1/search', json: { query, k: 100, offset: 950 }, field: 'body.offset' },
    { name: 'a negative offset', path: '/v1/similar', json: { abstract: query, offset: -1 }, field: 'body.offset' },
    { name: 'an unknown field name', path: '/v1/search', json: { query, fields: ['citations'] }, field: 'body.fields.0' },
    { name: 'a non-numeric threshold', path: '/v1/search', json: { query, score_threshold: 'high' }, field: 'body.score_threshold' },
    { name: 'a bad year parameter', path: '/v1/papers/2503.11731/related?year_gte=recent', field: 'query.year_gte' },
    { name: 'an unknown field parameter', path: '/v1/papers/2503.11731/related?fields=title,citations', field: 'query.fields.1' },
    { name: 'an empty year parameter (not 0)', path: '/v1/papers/2503.11731/related?year_gte=', field: 'query.year_gte' },
    { name: 'an empty score_threshold parameter', path: '/v1/papers/2503.11731/related?score_threshold=', field: 'query.score_threshold' },
    { name: 'k as a string in a body', path: '/v1/search', json: { query, k: '5' }, field: 'body.k' },
    { name: 'k as a boolean in a body', path: '/v1/search', json: { query, k: true }, field: 'body.k' },
    { name: 'offset null', path: '/v1/search', json: { query, offset: null }, field: 'body.offset' },
    { name: 'a hybrid page past 100', path: '/v1/search', json: { query, k: 20, offset: 90 }, field: 'body.offset' },
    { name: 'explain with k over 20', path: '/v1/search', json: { query, k: 21, explain: true }, field: 'body.explain' },
    { name: 'explain on related with k over 20', path: '/v1/papers/2503.11731/related?k=30&explain=true', field: 'query.explain' },
    {
      name: 'explain inside a batch',
      path: '/v1/search/batch',
      json: { queries: [{ query, mode: 'lexical', explain: true }] },
      field: 'body.queries.0.explain',
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const response = await request<ErrorBody>(base, testCase.path, testCase.json === undefined ? {} : { json: testCase.json });
      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'invalid_input');
      assert.ok(
        response.body.error.details?.issues?.some((issue) => issue.path === testCase.field),
        `${testCase.field} in ${JSON.stringify(response.body.error.details)}`,
      );
    });
  }
});

describe('related by facet', () => {
  it('ranks the same paper’s neighbours by one facet of it, and refuses an unknown facet', async () => {
    const plain = await request<HitsBody>(base, '/v1/papers/2503.11731/related?k=10');
    assert.equal(plain.status, 200);
    for (const facet of ['background', 'method', 'result']) {
      const faceted = await request<HitsBody>(base, `/v1/papers/2503.11731/related?k=10&facet=${facet}`);
      assert.equal(faceted.status, 200, facet);
      assert.equal(faceted.body.hits.length, 10);
      assert.ok(!faceted.body.hits.some((hit) => hit.id === '2503.11731'));
      assert.notDeepEqual(
        faceted.body.hits.map((hit) => hit.score),
        plain.body.hits.map((hit) => hit.score),
        facet,
      );
      const scores = faceted.body.hits.map((hit) => hit.score);
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => b - a),
      );
    }
    const refused = await request<ErrorBody>(base, '/v1/papers/2503.11731/related?facet=conclusion');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'invalid_input');
    assert.equal(refused.body.error.details?.issues?.[0]?.path, 'query.facet');
  });

  it('regression: pages by a facet join up to the end of the list, and a page past it is refused (pages past 100 repeated papers of the page before)', async () => {
    const whole = await request<HitsBody>(base, '/v1/papers/2503.11731/related?k=100&facet=method&fields=');
    assert.equal(whole.status, 200);
    const pages: string[] = [];
    for (let offset = 0; offset < 100; offset += 7) {
      const page = await request<HitsBody>(base, `/v1/papers/2503.11731/related?k=${Math.min(7, 100 - offset)}&offset=${offset}&facet=method&fields=`);
      pages.push(...page.body.hits.map((hit) => hit.id));
    }
    assert.deepEqual(
      pages,
      whole.body.hits.map((hit) => hit.id),
    );
    const past = await request<ErrorBody>(base, '/v1/papers/2503.11731/related?k=10&offset=95&facet=method');
    assert.equal(past.status, 400);
    assert.equal(past.body.error.details?.issues?.[0]?.path, 'query.offset');
    assert.match(past.body.error.message, /at most 100 with facet/);
  });
});
