import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PaperSearchClient, PaperSearchError } from '../../src/index.js';
import type { RunningServer } from '../../src/server.js';
import { buildIndex, makeTempDir, removeDir, repoRoot, startTestServer } from './helpers.js';

let workDir: string;
let server: RunningServer;
let client: PaperSearchClient;

before(async () => {
  workDir = await makeTempDir();
  await buildIndex(join(workDir, 'index'), join(repoRoot, 'index-data/samples/sample-papers.jsonl'));
  server = await startTestServer(join(workDir, 'index'));
  client = new PaperSearchClient(`${server.url}/`);
});

after(async () => {
  await server?.close();
  await removeDir(workDir);
});

describe('the typed client', () => {
  it('searches, with every option', async () => {
    const result = await client.search({
      query: 'robot perception',
      k: 3,
      offset: 1,
      mode: 'hybrid',
      fields: ['title', 'year'],
      filter: { year: { gte: 2025 } },
      explain: true,
    });
    assert.equal(result.hits.length, 3);
    assert.ok(result.hits.every((hit) => typeof hit.title === 'string' && hit.abstract === undefined && hit.explain !== undefined));
  });

  it('runs a batch, a similar-abstract search and a recommendation', async () => {
    const batch = await client.searchBatch({ queries: [{ query: 'speech' }, { query: 'graphs', k: 2 }] });
    assert.deepEqual(
      batch.results.map((result) => result.hits.length),
      [10, 2],
    );
    const similar = await client.similar({ abstract: 'We train a language model to reason step by step.', k: 2 });
    assert.equal(similar.hits.length, 2);
    const recommended = await client.recommend({ positive: ['2503.11731'], negative: [similar.hits[0]!.id], k: 4 });
    assert.equal(recommended.hits.length, 4);
  });

  it('reads papers, related papers with filters, the list and the stats', async () => {
    const paper = await client.paper('arxiv:2503.11731');
    assert.equal(paper.paper.id, '2503.11731');
    const related = await client.related('2503.11731', { k: 5, categories_any: ['cs.RO'], fields: ['categories'] });
    assert.ok(related.hits.every((hit) => hit.categories!.includes('cs.RO')));
    const first = await client.listPapers({ limit: 250 });
    const rest = await client.listPapers({ limit: 250, cursor: first.next_cursor! });
    assert.equal(first.papers.length + rest.papers.length, 300);
    assert.equal(rest.next_cursor, null);
    assert.equal((await client.stats()).papers, 300);
  });

  it('counts facets over a ranked list and over the whole collection', async () => {
    const result = await client.search({ query: 'robot perception', k: 2, facets: ['categories', 'year'] });
    assert.equal(result.hits.length, 2);
    assert.ok(Object.values(result.facet_distribution!.categories!).every((count) => count >= 1));
    const whole = await client.facets({ facets: ['year', 'categories'], categories_any: ['cs.RO'] });
    assert.equal(whole.facet_distribution.categories!['cs.RO'], whole.papers);
    const related = await client.related('2503.11731', { k: 2, facets: ['year'] });
    assert.ok(related.facet_stats!.year!.min >= 2025);
  });

  it('throws PaperSearchError with the API error code', async () => {
    await assert.rejects(client.paper('no-such-paper'), (error: unknown) => {
      assert.ok(error instanceof PaperSearchError);
      assert.equal(error.status, 404);
      assert.equal(error.code, 'paper_not_found');
      return true;
    });
    await assert.rejects(client.search({ query: 'x', k: 1000 }), (error: unknown) => error instanceof PaperSearchError && error.code === 'invalid_input');
  });
});
