import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PaperSearchClient, PaperSearchError } from '../../src/index.js';
import type { RunningServer } from '../../src/server.js';
import { buildIndex, fixtures, makeTempDir, removeDir, repoRoot, startTestServer } from './helpers.js';

let workDir: string;
let server: RunningServer;
let client: PaperSearchClient;
const writeKey = 'client-test-key-0123456789';

before(async () => {
  workDir = await makeTempDir();
  await buildIndex(join(workDir, 'index'), join(repoRoot, 'index-data/samples/sample-papers.jsonl'));
  server = await startTestServer(join(workDir, 'index'), { API_KEYS: writeKey, SNAPSHOT_INTERVAL_MS: '86400000' });
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
    for (const link of ['https://arxiv.org/abs/2503.11731v1', 'https://arxiv.org/pdf/2503.11731', 'https://doi.org/10.48550/arXiv.2503.11731']) {
      assert.equal((await client.paper(link)).paper.id, '2503.11731', link);
    }
    const relatedByLink = await client.related('https://arxiv.org/abs/2503.11731', { k: 3 });
    assert.deepEqual(
      relatedByLink.hits.map((hit) => hit.id),
      (await client.related('2503.11731', { k: 3 })).hits.map((hit) => hit.id),
    );
    const related = await client.related('2503.11731', { k: 5, categories_any: ['cs.RO'], fields: ['categories'] });
    assert.ok(related.hits.every((hit) => hit.categories!.includes('cs.RO')));
    const first = await client.listPapers({ limit: 250 });
    const rest = await client.listPapers({ limit: 250, cursor: first.next_cursor! });
    assert.equal(first.papers.length + rest.papers.length, 376);
    assert.equal(rest.next_cursor, null);
    assert.equal((await client.stats()).papers, 376);
  });

  it('regression: revalidates a kept copy of a paper by its etag: undefined while it is current, the paper and its new etag once it changed (If-None-Match sent through the headers option made the 304 an invalid_response error)', async () => {
    const writer = new PaperSearchClient(server.url, { headers: { authorization: `Bearer ${writeKey}` } });
    await writer.putPaper('client-revalidated', { title: 'Kept copy', abstract: 'A paper an app keeps a copy of.' });
    const kept = await client.paper('client-revalidated');
    assert.equal(await client.paperIfChanged('client-revalidated', kept.etag!), undefined);
    await writer.patchPaper('client-revalidated', { title: 'Changed since' });
    const fresh = await client.paperIfChanged('client-revalidated', kept.etag!);
    assert.equal(fresh?.paper.title, 'Changed since');
    assert.notEqual(fresh.etag, kept.etag);
    assert.equal(await client.paperIfChanged('client-revalidated', fresh.etag!), undefined);
    await assert.rejects(client.paperIfChanged('no-such-paper', kept.etag!), { code: 'paper_not_found' });
  });

  it('regression: lists the stored papers with only the fields asked for (the listing sent every field of every paper)', async () => {
    const whole = await client.listPapers({ limit: 5 });
    const chosen = await client.listPapers({ limit: 5, fields: ['title', 'year'] });
    assert.deepEqual(
      chosen.papers,
      whole.papers.map(({ id, title, year }) => ({ id, title, year })),
    );
    assert.equal(chosen.next_cursor, whole.next_cursor);
  });

  it('looks papers up by id, DOI or arXiv name in one call, in the order asked, null for a name no paper has; or exports those found', async () => {
    const names = ['2503.11731', 'no-such-paper', 'doi:10.48550/arXiv.2503.11731', 'https://arxiv.org/abs/2503.11731v2', '2503.11731'];
    const found = await client.papers(names, ['title']);
    assert.deepEqual(
      found.papers.map((paper) => paper && Object.keys(paper).sort()),
      [['id', 'title'], null, ['id', 'title'], ['id', 'title'], ['id', 'title']],
    );
    assert.deepEqual(
      found.papers.map((paper) => paper?.id ?? null),
      ['2503.11731', null, '2503.11731', '2503.11731', '2503.11731'],
    );
    const whole = await client.papers(['2503.11731']);
    assert.deepEqual(whole.papers[0], (await client.paper('2503.11731')).paper);
    const bibtex = await client.papers(['no-such-paper', '2503.11731', '2504.02912'], { format: 'bibtex' });
    assert.deepEqual(
      [...bibtex.matchAll(/^@\w+\{([^,]+),/gm)].map((match) => match[1]),
      ['2503.11731', '2504.02912'],
    );
    for (const ids of [[], Array.from({ length: 501 }, (_, i) => `p${i}`), ['']]) {
      await assert.rejects(client.papers(ids), (error: unknown) => error instanceof PaperSearchError && error.code === 'invalid_input', String(ids.length));
    }
    // The path is also that of a paper named "batch": reading it is not the lookup.
    await assert.rejects(client.paper('batch'), (error: unknown) => error instanceof PaperSearchError && error.code === 'paper_not_found');
  });

  it('regression: excludes and filters by a name holding a comma (the client joined lists with commas, and the server split the name in two)', async () => {
    const writer = new PaperSearchClient(server.url, { headers: { authorization: `Bearer ${writeKey}` } });
    const abstract = 'Comma-named twins: two papers sharing one abstract about glacier radar soundings of calving fronts.';
    await writer.createPapers([
      { id: 'twin,1', title: 'Glacier radar twin', abstract, categories: ['physics.geo-ph,extra'] },
      { id: 'twin-2', title: 'Glacier radar twin', abstract, categories: ['physics.geo-ph,extra'] },
    ]);
    try {
      assert.equal((await client.related('twin-2', { k: 1 })).hits[0]!.id, 'twin,1');
      const excluded = await client.related('twin-2', { k: 3, exclude_ids: ['twin,1'] });
      assert.ok(!excluded.hits.some((hit) => hit.id === 'twin,1'), 'the excluded paper is not returned');
      const inCategory = await client.facets({ facets: ['categories'], categories_any: ['physics.geo-ph,extra'] });
      assert.equal(inCategory.papers, 2);
      const both = await client.facets({ facets: ['categories'], categories_any: ['physics.geo-ph,extra', 'cs.RO'] });
      assert.ok(both.papers > 2);
    } finally {
      for (const id of ['twin,1', 'twin-2']) await writer.deletePaper(id);
    }
  });

  it('regression: sends a long exclude list within the request line limit (as repeated parameters, 700 ids answered 431)', async () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => `excluded-${String(i).padStart(3, '0')}`);
    const related = await client.related('2503.11731', { k: 2, exclude_ids: ids });
    assert.equal(related.hits.length, 2);
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

  it('regression: reads the answer of a later server that adds fields (a write answered with warnings failed as invalid_response after it succeeded)', async () => {
    const later = new PaperSearchClient(server.url, {
      fetch: async (input, init) => {
        const answer = await fetch(input, init);
        const body = (await answer.json()) as { hits: Record<string, unknown>[] };
        const extended = { ...body, warnings: [{ code: 'something_new' }], hits: body.hits.map((hit) => ({ ...hit, novelty: 1 })) };
        return new Response(JSON.stringify(extended), { status: answer.status, headers: answer.headers });
      },
    });
    const hits = (await later.related('seed-014', { k: 2 })).hits;
    assert.equal(hits.length, 2);
    assert.equal('novelty' in hits[0]!, false, 'a field it does not know is left out');
    const broken = new PaperSearchClient(server.url, { fetch: async () => Response.json({ hits: 'not a list', took_ms: 1 }) });
    await assert.rejects(broken.related('seed-014'), (error: unknown) => error instanceof PaperSearchError && error.code === 'invalid_response');
  });

  it("regression: throws PaperSearchError server_unreachable when nothing answers at the address (it threw fetch's bare TypeError)", async () => {
    const closed = createServer();
    await new Promise<void>((listening) => closed.listen(0, '127.0.0.1', listening));
    const { port } = closed.address() as AddressInfo;
    await new Promise((done) => closed.close(done));
    await assert.rejects(new PaperSearchClient(`http://127.0.0.1:${port}`).stats(), (error: unknown) => {
      assert.ok(error instanceof PaperSearchError);
      assert.deepEqual([error.status, error.code, error.details], [502, 'server_unreachable', { reason: 'ECONNREFUSED' }]);
      assert.equal(error.message, `GET /v1/stats: the paper-search server at http://127.0.0.1:${port} cannot be reached (ECONNREFUSED).`);
      return true;
    });
  });

  it("regression: gives up on a server that accepts the connection and never answers, with server_timeout (it waited fetch's five minutes)", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    try {
      const { port } = silent.address() as AddressInfo;
      const patient = new PaperSearchClient(`http://127.0.0.1:${port}`, { timeoutMs: 300 });
      const started = performance.now();
      await assert.rejects(patient.search({ query: 'x' }), (error: unknown) => {
        assert.ok(error instanceof PaperSearchError);
        assert.deepEqual([error.status, error.code], [504, 'server_timeout']);
        assert.match(error.message, /POST \/v1\/search: http:\/\/127\.0\.0\.1:\d+ did not answer within 0\.3 s\./);
        return true;
      });
      assert.ok(performance.now() - started < 5_000);
      // Answers that come in time are not affected.
      assert.equal((await new PaperSearchClient(server.url, { timeoutMs: 30_000 }).stats()).papers > 0, true);
    } finally {
      silent.closeAllConnections();
      await new Promise((closed) => silent.close(closed));
    }
  });

  it('regression: an id with a lone surrogate is refused as invalid_input (encodeURIComponent threw a URIError)', async () => {
    for (const call of [client.paper('ls\ud800'), client.related('\udfff'), client.deletePaper('x\ud800')]) {
      await assert.rejects(call, (error: unknown) => error instanceof PaperSearchError && error.status === 400 && error.code === 'invalid_input');
    }
  });

  it('regression: refuses an empty id, "." and ".." as invalid_input (they asked for other routes: GET /v1/ answered route_not_found)', async () => {
    for (const call of [client.paper(''), client.paper('.'), client.related('..'), client.deletePaper('..')]) {
      await assert.rejects(call, (error: unknown) => error instanceof PaperSearchError && error.status === 400 && error.code === 'invalid_input');
    }
  });

  it('regression: pages through the stored papers exported, following the cursor (listPapers had no export option)', async () => {
    const json = await client.listPapers({ limit: 150 });
    const first = await client.listPapers({ limit: 150 }, { format: 'ris' });
    assert.equal((first.text.match(/^ER {2}- /gm) ?? []).length, 150);
    assert.equal(first.nextCursor, json.next_cursor);
    let cursor = first.nextCursor;
    let papers = 150;
    while (cursor !== null) {
      const page = await client.listPapers({ limit: 150, cursor }, { format: 'ris' });
      papers += (page.text.match(/^ER {2}- /gm) ?? []).length;
      cursor = page.nextCursor;
    }
    assert.equal(papers, (await client.stats()).papers);
  });

  it('asks for ranked lists and papers as BibTeX, RIS or CSL-JSON, and imports BibTeX files', async () => {
    const bibtex = await client.search({ query: 'robot perception', k: 3 }, { format: 'bibtex' });
    const ids = (await client.search({ query: 'robot perception', k: 3 })).hits.map((hit) => hit.id);
    assert.deepEqual(
      [...bibtex.matchAll(/^@\w+\{([^,]+),/gm)].map((match) => match[1]),
      ids,
    );
    const ris = await client.related('2503.11731', { k: 2 }, { format: 'ris' });
    assert.equal((ris.match(/^ER {2}- /gm) ?? []).length, 2);
    const csl = JSON.parse(await client.paper('arxiv:2503.11731', { format: 'csl-json' })) as { id: string; DOI: string }[];
    assert.deepEqual(
      csl.map((item) => [item.id, item.DOI]),
      [['2503.11731', '10.48550/arxiv.2503.11731']],
    );
    await assert.rejects(client.paper('nope', { format: 'bibtex' }), (error: unknown) => error instanceof PaperSearchError && error.code === 'paper_not_found');

    const writer = new PaperSearchClient(server.url, { headers: { authorization: `Bearer ${writeKey}` } });
    const imported = await writer.importPapers(await readFile(join(fixtures, 'formats/write-api.bib'), 'utf8'), 'bibtex');
    assert.deepEqual(
      imported.map((paper) => [paper.id, paper.year, paper.doi]),
      [
        ['muller2021attention', 2021, '10.5555/jmlr.2021.compound_nouns'],
        ['lovelace2020engines', 2020, '10.5555/engines.2020.1'],
        ['nguyen2023reefs', 2023, undefined],
      ],
    );
    const found = await client.search({ query: 'coral reef bleaching from satellite images', k: 1 });
    assert.equal(found.hits[0]?.id, 'nguyen2023reefs', 'imported papers are searchable with the real model');
    await assert.rejects(writer.importPapers(await readFile(join(fixtures, 'formats/library.bib'), 'utf8'), 'bibtex'), (error: unknown) => {
      assert.ok(error instanceof PaperSearchError);
      assert.equal(error.code, 'invalid_input');
      assert.equal((error.details as { rejected: unknown[] }).rejected.length, 3);
      return true;
    });
    for (const paper of imported) await writer.deletePaper(paper.id);
    // Regression: a file's bytes could not be passed, and read as UTF-8 text first a Windows-1252 file (JabRef 4) was stored as "l'�lectron".
    const windows1252 = Buffer.from(
      "@article{poincare1905, title={Sur la dynamique de l'\xe9lectron}, author={Poincar\xe9, Henri}, year={1905}, abstract={On the electron.}}",
      'latin1',
    );
    const [poincare] = await writer.importPapers(windows1252, 'bibtex');
    assert.deepEqual([poincare?.title, poincare?.authors], ["Sur la dynamique de l'électron", ['Henri Poincaré']]);
    await writer.deletePaper('poincare1905');

    // Written by a reference manager: the entries that can be, those without an abstract by their title.
    const library = await writer.importValidPapers(await readFile(join(fixtures, 'formats/library.bib'), 'utf8'), 'bibtex', { allowTitleOnly: true });
    assert.deepEqual(
      library.rejected.map((entry) => [entry.id, entry.reason]),
      [
        ['muller2021attention', 'duplicate_id'],
        [undefined, 'malformed_record'],
      ],
    );
    assert.equal(library.papers.length, 6);
    const bert = await client.search({ query: 'pre-training deep bidirectional transformers for language understanding', k: 1 });
    assert.equal(bert.hits[0]?.id, 'devlin2019bert', 'a paper written by its title alone is found by it');
    for (const paper of library.papers) await writer.deletePaper(paper.id);
    const mixed = await writer.createValidPapers([
      { id: 'valid-1', abstract: 'Glacier calving observed with radar.' },
      { id: 'title-only', title: 'A title without an abstract' },
    ]);
    assert.deepEqual(
      [mixed.papers.map((paper) => paper.id), mixed.rejected.map((entry) => [entry.position, entry.reason])],
      [['valid-1'], [['papers.1', 'missing_abstract']]],
    );
    await writer.deletePaper('valid-1');
  });
});
