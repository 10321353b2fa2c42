import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildOpenApiDocument } from '../../src/http/openapi.js';
import { paperInputSchema } from '../../src/http/paper-write-schemas.js';
import { readReferenceText } from '../../src/ingest/reference-text.js';
import { mapRecordToPaper } from '../../src/papers/paper-record.js';
import type { Paper } from '../../src/papers/paper.js';
import { SearchService } from '../../src/search/search-service.js';
import { ServiceState } from '../../src/service-state.js';
import type { EmbeddedStorage } from '../../src/storage/embedded/embedded-storage.js';
import { WriteService } from '../../src/writes/write-service.js';
import { buildFakeIndex, FakeEmbedder, openFakeStorage } from './fake-collection.js';
import { formatFixtures } from './format-support.js';
import { startApp, type TestApp } from './http-support.js';

const key = 'unit-test-key-0123456789';
const embedder = new FakeEmbedder();
let root: string;
let storage: EmbeddedStorage;
let writes: WriteService;
let app: TestApp;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'paper-search-exports-'));
  await buildFakeIndex(join(root, 'index'), embedder);
  storage = await openFakeStorage(join(root, 'index'), embedder);
  writes = new WriteService(storage, embedder);
  const state = new ServiceState();
  state.markReady(new SearchService(storage, embedder), writes);
  app = await startApp({ state, apiKeys: [key], environment: { MAX_BODY_BYTES: '4096', WRITE_MAX_BODY_BYTES: '16384' } });
});

after(async () => {
  await app.close();
  await writes.close();
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

const call = (path: string, init: { method?: string; json?: unknown; body?: string | Uint8Array; headers?: Record<string, string> } = {}) =>
  app.call(path, init);

const bibtex = 'application/x-bibtex';
const ris = 'application/x-research-info-systems';
const csl = 'application/vnd.citationstyles.csl+json';

/** The citation keys of a BibTeX text, in order. */
function keysOf(text: string): string[] {
  return [...text.matchAll(/^@\w+\{([^,]+),/gm)].map((match) => match[1]!);
}

describe('exports of ranked lists and papers', () => {
  it('regression: compresses BibTeX and RIS for clients that take gzip, as it does JSON (the middleware did not know them as text)', async () => {
    for (const format of ['bibtex', 'ris', 'csl-json']) {
      const exported = await call(`/v1/papers?limit=8&format=${format}`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(exported.status, 200, format);
      assert.ok(exported.text.length > 1024, `${format} is long enough to be compressed`);
      assert.equal(exported.headers.get('content-encoding'), 'gzip', format);
    }
  });

  it('answers a search as BibTeX when Accept asks for it, in rank order, leaving scores out', async () => {
    const json = JSON.parse((await call('/v1/search', { json: { query: 'volcano eruption', k: 3, mode: 'dense' } })).text) as { hits: { id: string }[] };
    const exported = await call('/v1/search', { json: { query: 'volcano eruption', k: 3, mode: 'dense' }, headers: { accept: bibtex } });
    assert.equal(exported.status, 200);
    assert.equal(exported.headers.get('content-type'), `${bibtex}; charset=utf-8`);
    assert.equal(exported.headers.get('content-disposition'), 'inline; filename="search.bib"');
    assert.match(exported.headers.get('vary') ?? '', /Accept/);
    assert.deepEqual(
      keysOf(exported.text),
      json.hits.map((hit) => hit.id),
    );
    assert.doesNotMatch(exported.text, /score/);
  });

  it('takes ?format= on POST and GET routes, over Accept', async () => {
    const risList = await call('/v1/similar?format=ris', { json: { abstract: 'Protein folding with attention networks.', k: 2 }, headers: { accept: bibtex } });
    assert.equal(risList.headers.get('content-type'), `${ris}; charset=utf-8`);
    assert.equal((risList.text.match(/^TY {2}- /gm) ?? []).length, 2);
    const recommended = await call('/v1/recommend?format=csl-json', { json: { positive: ['protein-1'], k: 2 } });
    assert.equal(recommended.headers.get('content-type'), `${csl}; charset=utf-8`);
    assert.equal((JSON.parse(recommended.text) as unknown[]).length, 2);
    const related = await call('/v1/papers/volcano-1/related?k=2&categories_any=physics.geo-ph&format=bibtex');
    assert.deepEqual(keysOf(related.text), ['volcano-2']);
    const one = await call('/v1/papers/doi:10.1000%2Fvolcano.1?format=csl-json');
    const items = JSON.parse(one.text) as { id: string; DOI: string; author: { family: string; given: string }[]; issued: unknown }[];
    assert.deepEqual(items, [
      {
        id: 'volcano-1',
        type: 'article-journal',
        title: 'Volcano eruption forecasting',
        author: [{ family: 'Lovelace', given: 'Ada' }],
        issued: { 'date-parts': [[2021]] },
        abstract: 'Seismic tremor predicts volcano eruption. Magma rises before the eruption.',
        DOI: '10.1000/volcano.1',
        keyword: 'physics.geo-ph',
      },
    ]);
  });

  it('saves one paper under its id, and a batch of papers, asked by Accept or ?format=, in the order asked', async () => {
    const one = await call('/v1/papers/doi:10.1000%2Fvolcano.1?format=bibtex');
    assert.equal(one.headers.get('content-disposition'), 'inline; filename="volcano-1.bib"');
    const batch = await call('/v1/papers/batch', { json: { ids: ['volcano-2', 'nope', 'volcano-1'] }, headers: { accept: bibtex } });
    assert.equal(batch.status, 200);
    assert.equal(batch.headers.get('content-disposition'), 'inline; filename="papers.bib"');
    assert.deepEqual(keysOf(batch.text), ['volcano-2', 'volcano-1']);
    // Regression: the names no paper has were dropped without a word.
    assert.equal(batch.headers.get('x-papers-not-found'), 'nope');
    assert.equal(batch.headers.get('x-papers-not-found-count'), '1');
    // Regression: 500 missing DOIs made a header past the 16 KiB Node's fetch reads.
    const many = Array.from({ length: 500 }, (_, i) => `doi:10.5555/missing-paper-number-${i}`);
    const roomy = await startApp({ state: app.state, apiKeys: [key], environment: { MAX_BODY_BYTES: '65536' } });
    const overflow = await roomy.call('/v1/papers/batch?format=ris', { json: { ids: many } });
    await roomy.close();
    assert.equal(overflow.status, 200);
    assert.equal(overflow.headers.get('x-papers-not-found-count'), '500');
    const listed = overflow.headers.get('x-papers-not-found')!;
    assert.ok(listed.length <= 4_000 && listed.startsWith('doi%3A10.5555%2Fmissing-paper-number-0,'), listed.slice(0, 80));
    const found = await call('/v1/papers/batch?format=ris', { json: { ids: ['volcano-1', 'doi:10.9/a,b', 'doi:10.9/a,b'] } });
    assert.equal(found.headers.get('x-papers-not-found'), 'doi%3A10.9%2Fa%2Cb');
    const allFound = await call('/v1/papers/batch?format=ris', { json: { ids: ['volcano-1'] } });
    assert.equal(allFound.headers.get('x-papers-not-found'), null);
    // Regression: the count is there when it is 0 (it was left out, so a client could not tell none from not said).
    assert.equal(allFound.headers.get('x-papers-not-found-count'), '0');
    const unknownParameter = await call('/v1/papers/batch?k=3', { json: { ids: ['volcano-1'] } });
    assert.deepEqual([unknownParameter.status, (JSON.parse(unknownParameter.text) as { error: { code: string } }).error.code], [400, 'invalid_input']);
    for (const ids of [['a\ud800b'], ['doi:10.1/\udc00']]) {
      const surrogate = await call('/v1/papers/batch', { json: { ids } });
      assert.equal(surrogate.status, 400, JSON.stringify(ids));
    }
  });

  it('keeps /v1/papers/batch the path of a paper named "batch" for GET, PUT and DELETE, and lists every method it serves', async () => {
    const auth = { authorization: `Bearer ${key}` };
    assert.equal((await call('/v1/papers/batch')).status, 404);
    const put = await call('/v1/papers/batch', { method: 'PUT', json: { abstract: 'A paper whose id is batch.' }, headers: auth });
    assert.equal(put.status, 201, put.text);
    assert.equal((JSON.parse((await call('/v1/papers/batch')).text) as { paper: { id: string } }).paper.id, 'batch');
    const looked = JSON.parse((await call('/v1/papers/batch', { json: { ids: ['batch'] } })).text) as { papers: { id: string }[] };
    assert.deepEqual(
      looked.papers.map((paper) => paper.id),
      ['batch'],
    );
    for (const method of ['OPTIONS', 'PROPFIND']) {
      const refused = await call('/v1/papers/batch', { method });
      assert.deepEqual([refused.status, refused.headers.get('allow')], [405, 'GET, HEAD, POST, PUT, PATCH, DELETE'], method);
    }
    assert.equal((await call('/v1/papers/batch', { method: 'DELETE', headers: auth })).status, 200);
  });

  it('pages an export of the collection with a Link header to the next page', async () => {
    const first = await call('/v1/papers?limit=3&format=ris');
    assert.equal((first.text.match(/^ER {2}- /gm) ?? []).length, 3);
    const link = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '');
    assert.ok(link, 'a next link');
    assert.match(link[1]!, /^\/v1\/papers\?limit=3&format=ris&cursor=/);
    const last = await call(link[1]!.replace('limit=3', 'limit=100'));
    assert.equal((last.text.match(/^ER {2}- /gm) ?? []).length, 5);
    assert.equal(last.headers.get('link'), null);
  });

  it('regression: the next page of an export asked for by Accept links to that format (the link had no format, and followed alone it answered JSON)', async () => {
    const first = await call('/v1/papers?limit=3', { headers: { accept: bibtex } });
    assert.match(first.headers.get('content-type') ?? '', /^application\/x-bibtex/);
    const link = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '');
    assert.ok(link, 'a next link');
    assert.equal(new URL(link[1]!, 'http://server').searchParams.get('format'), 'bibtex');
    const next = await call(link[1]!);
    assert.match(next.headers.get('content-type') ?? '', /^application\/x-bibtex/);
    assert.equal(keysOf(next.text).length, 3);
  });

  it('keeps JSON for Accept types it cannot meet, and for errors', async () => {
    const browser = await call('/v1/papers/volcano-1', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    assert.match(browser.headers.get('content-type') ?? '', /^application\/json/);
    const missing = await call('/v1/papers/nope', { headers: { accept: bibtex } });
    assert.equal(missing.status, 404);
    assert.equal((JSON.parse(missing.text) as { error: { code: string } }).error.code, 'paper_not_found');
  });

  it('regression: answers Accept: text/x-bibtex and text/x-research-info-systems with the export, as those names are taken for writes (JSON came back)', async () => {
    const asBibtex = await call('/v1/papers/volcano-1', { headers: { accept: 'text/x-bibtex' } });
    assert.match(asBibtex.headers.get('content-type') ?? '', /^application\/x-bibtex/);
    assert.match(asBibtex.text, /^@/);
    const asRis = await call('/v1/papers/volcano-1', { headers: { accept: 'text/x-research-info-systems' } });
    assert.match(asRis.text, /^TY {2}- /);
  });

  it('refuses an unknown format, naming the parameter', async () => {
    const response = await call('/v1/papers/volcano-1?format=endnote');
    assert.equal(response.status, 400);
    const error = (JSON.parse(response.text) as { error: { code: string; details: { issues: { path: string }[] } } }).error;
    assert.equal(error.code, 'invalid_input');
    assert.deepEqual(
      error.details.issues.map((issue) => issue.path),
      ['query.format'],
    );
  });
});

describe('imports: POST /v1/papers with a BibTeX or RIS body', () => {
  const write = (body: string, type: string, headers: Record<string, string> = {}) =>
    call('/v1/papers', { method: 'POST', body, headers: { 'content-type': type, authorization: `Bearer ${key}`, ...headers } });

  it('writes every entry of a .bib file, ids from the citation keys, and exports them again with title, authors, year, DOI, abstract, type and venue', async () => {
    const text = await readFile(join(formatFixtures, 'write-api.bib'), 'utf8');
    const created = await write(text, bibtex);
    assert.equal(created.status, 201, created.text);
    const papers = (JSON.parse(created.text) as { papers: { id: string }[] }).papers;
    assert.deepEqual(
      papers.map((paper) => paper.id),
      ['muller2021attention', 'lovelace2020engines', 'nguyen2023reefs'],
    );
    // Compared as papers: both sides through the importers' mapping (a year from a date, a DOI in lower case).
    const imported = (await recordsOf(text, 'bibtex')).map(asPaper);
    try {
      for (const id of papers.map((paper) => paper.id)) {
        const exported = (await recordsOf((await call(`/v1/papers/${id}`, { headers: { accept: bibtex } })).text, 'bibtex')).map(asPaper);
        assert.equal(exported.length, 1);
        const [before, after] = [imported.find((paper) => paper.id === id)!, exported[0]!];
        for (const field of ['id', 'title', 'authors', 'year', 'doi', 'abstract', 'arxiv_id', 'type', 'venue', 'volume', 'issue', 'pages'] as const) {
          assert.deepEqual(after[field], before[field], `${id}: ${field}`);
        }
      }
      assert.deepEqual(imported.find((paper) => paper.id === 'muller2021attention')?.authors, ['Jörg Müller', 'Anna van der Berg', 'John Smith Jr.']);
      assert.equal(imported.find((paper) => paper.id === 'muller2021attention')?.venue, 'Journal of Machine Learning Research');
      assert.deepEqual(
        imported.map((paper) => paper.type),
        ['journal-article', 'conference-paper', 'preprint'],
      );
    } finally {
      for (const paper of papers) await writes.deletePaper(paper.id);
    }
  });

  it('with on_existing, keeps or replaces the papers of a body or batch whose ids are stored, and writes the others (a re-import of a library was refused whole)', async () => {
    const entry = (id: string, title: string) => `@article{${id}, title={${title}}, abstract={About ${title}.}}`;
    try {
      assert.equal((await write(entry('sync-a', 'First version'), bibtex)).status, 201);
      const library = [entry('sync-a', 'Second version'), entry('sync-b', 'New paper')].join('\n');
      const refused = await write(library, bibtex);
      assert.equal(refused.status, 409, refused.text);
      assert.match(refused.text, /"code":"paper_exists".*"ids":\["sync-a"\]/);

      const kept = await call('/v1/papers?on_existing=keep', {
        method: 'POST',
        body: library,
        headers: { 'content-type': bibtex, authorization: `Bearer ${key}` },
      });
      assert.equal(kept.status, 201, kept.text);
      const keptBody = JSON.parse(kept.text) as { papers: { id: string }[]; kept: string[]; replaced: string[] };
      assert.deepEqual([keptBody.papers.map((paper) => paper.id), keptBody.kept, keptBody.replaced], [['sync-b'], ['sync-a'], []]);
      assert.equal((await call('/v1/papers/sync-a')).body!.paper.title, 'First version');

      const replaced = await call('/v1/papers?on_existing=replace', {
        method: 'POST',
        body: library,
        headers: { 'content-type': bibtex, authorization: `Bearer ${key}` },
      });
      assert.equal(replaced.status, 200, replaced.text);
      const replacedBody = JSON.parse(replaced.text) as { papers: { id: string }[]; kept: string[]; replaced: string[] };
      assert.deepEqual(
        [replacedBody.papers.map((paper) => paper.id), replacedBody.kept, replacedBody.replaced],
        [['sync-a', 'sync-b'], [], ['sync-a', 'sync-b']],
      );
      assert.equal((await call('/v1/papers/sync-a')).body!.paper.title, 'Second version');

      const batch = {
        papers: [
          { id: 'sync-b', title: 'Batch', abstract: 'A batch.' },
          { id: 'sync-c', title: 'Batch too', abstract: 'Another.' },
        ],
      };
      const keptBatch = await call('/v1/papers?on_existing=keep&skip_invalid=true', {
        method: 'POST',
        json: batch,
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(keptBatch.status, 201, keptBatch.text);
      assert.deepEqual(
        [keptBatch.body!.papers.map((paper: { id: string }) => paper.id), keptBatch.body!.kept, keptBatch.body!.rejected],
        [['sync-c'], ['sync-b'], []],
      );

      const allKept = await call('/v1/papers?on_existing=keep', { method: 'POST', json: batch, headers: { authorization: `Bearer ${key}` } });
      assert.equal(allKept.status, 200, allKept.text);
      assert.deepEqual([allKept.body!.papers, allKept.body!.kept], [[], ['sync-b', 'sync-c']]);

      // Regression: the same new papers sent at once (a client's retry) were a 409 for all but one.
      const retried = {
        papers: [
          { id: 'sync-r1', title: 'Retried', abstract: 'Sent twice.' },
          { id: 'sync-r2', title: 'Retried too', abstract: 'Sent twice too.' },
        ],
      };
      const answers = await Promise.all(
        [1, 2, 3].map(() => call('/v1/papers?on_existing=keep', { method: 'POST', json: retried, headers: { authorization: `Bearer ${key}` } })),
      );
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 200, 201], answers.map((answer) => answer.text).join('\n'));
      assert.deepEqual(answers.flatMap((answer) => answer.body!.papers.map((paper: { id: string }) => paper.id)).sort(), ['sync-r1', 'sync-r2']);
      assert.deepEqual(answers.map((answer) => answer.body!.kept.length).sort(), [0, 2, 2]);

      const one = await call('/v1/papers?on_existing=replace', { method: 'POST', json: batch.papers[0], headers: { authorization: `Bearer ${key}` } });
      assert.equal(one.status, 400, one.text);
      assert.match(one.text, /on_existing=replace applies to a batch .*PUT \/v1\/papers\/\{id\}/);
      const unknown = await call('/v1/papers?on_existing=merge', { method: 'POST', json: batch, headers: { authorization: `Bearer ${key}` } });
      assert.equal(unknown.status, 400, unknown.text);
    } finally {
      for (const id of ['sync-a', 'sync-b', 'sync-c', 'sync-r1', 'sync-r2']) await writes.deletePaper(id).catch(() => undefined);
    }
  });

  it('writes a RIS file the same way', async () => {
    const text = 'TY  - JOUR\nID  - ris-1\nTI  - Kelp forests\nAU  - Okafor, Chidi\nPY  - 2021\nAB  - Kelp forests store carbon.\nDO  - 10.5555/kelp\nER  - \n';
    const created = await write(text, `${ris}; charset=utf-8`);
    assert.equal(created.status, 201, created.text);
    const exported = await call('/v1/papers/doi:10.5555%2Fkelp', { headers: { accept: ris } });
    assert.match(
      exported.text,
      /^TY {2}- JOUR\nID {2}- ris-1\nTI {2}- Kelp forests\nAU {2}- Okafor, Chidi\nPY {2}- 2021\nDA {2}- 2021\/\/\/\nAB {2}- Kelp forests store carbon\.\nDO {2}- 10\.5555\/kelp\n/,
    );
    await writes.deletePaper('ris-1');
  });

  it("writes a CSL-JSON bibliography (a reference manager's export), and its own CSL-JSON export read back gives the same papers", async () => {
    const items = [
      {
        id: 'csl-kelp',
        type: 'article-journal',
        title: 'Kelp forests <i>store</i> carbon',
        abstract: 'Kelp forests store carbon in the deep sea.',
        author: [{ given: 'Chidi', family: 'Okafor' }],
        issued: { 'date-parts': [[2021, 3, 4]] },
        'container-title': 'Marine Ecology',
        volume: '12',
        page: '1-9',
        DOI: '10.5555/CSL-Kelp',
      },
      { id: 'csl-reef', type: 'article', title: 'Reef heat', abstract: 'Reefs bleach in heat waves.', URL: 'https://arxiv.org/abs/2101.00001' },
    ];
    const created = await write(JSON.stringify(items), csl);
    assert.equal(created.status, 201, created.text);
    try {
      const kelp = (JSON.parse((await call('/v1/papers/csl-kelp')).text) as { paper: Paper }).paper;
      assert.deepEqual(
        { ...kelp },
        {
          id: 'csl-kelp',
          title: 'Kelp forests store carbon',
          abstract: 'Kelp forests store carbon in the deep sea.',
          authors: ['Chidi Okafor'],
          year: 2021,
          date: '2021-03-04',
          doi: '10.5555/csl-kelp',
          type: 'journal-article',
          venue: 'Marine Ecology',
          volume: '12',
          pages: '1-9',
        },
      );
      const reef = (JSON.parse((await call('/v1/papers/csl-reef')).text) as { paper: Paper }).paper;
      assert.deepEqual([reef.type, reef.arxiv_id], ['preprint', '2101.00001']);
      // Regression: an item without a field only CSL names (author, issued, DOI, URL…) was read as a plain paper (CSL's "article" became a journal article).
      const plain = await write(JSON.stringify([{ id: 'csl-plain', type: 'article', title: 'Working paper', abstract: 'A working paper.' }]), csl);
      assert.equal(plain.status, 201, plain.text);
      assert.equal((JSON.parse((await call('/v1/papers/csl-plain')).text) as { paper: Paper }).paper.type, 'preprint');
      await writes.deletePaper('csl-plain');
      // Regression: one item alone (not in a list), after a byte-order mark, was refused ("Top-level object should be an array").
      const single = await write(
        `\ufeff ${JSON.stringify({ id: 'csl-single', type: 'article-journal', title: 'One item', abstract: 'Alone in the body.' })}`,
        csl,
      );
      assert.equal(single.status, 201, single.text);
      assert.equal((JSON.parse((await call('/v1/papers/csl-single')).text) as { paper: Paper }).paper.type, 'journal-article');
      await writes.deletePaper('csl-single');
      // Exported as CSL-JSON and written again under other ids: the same papers.
      const exported = JSON.parse((await call('/v1/papers/csl-kelp', { headers: { accept: csl } })).text) as Record<string, unknown>[];
      const again = await write(JSON.stringify(exported.map((item) => ({ ...item, id: 'csl-kelp-again' }))), csl);
      assert.equal(again.status, 201, again.text);
      const { id: _again, ...copy } = (JSON.parse((await call('/v1/papers/csl-kelp-again')).text) as { paper: Paper }).paper;
      const { id: _kelp, ...original } = kelp;
      assert.deepEqual(copy, original);
      await writes.deletePaper('csl-kelp-again');
    } finally {
      for (const id of ['csl-kelp', 'csl-reef']) await writes.deletePaper(id);
    }
  });

  it("refuses a CSL-JSON body that is not an array of items, or whose items cannot be written, in CSL-JSON's words", async () => {
    const broken = await write('{"id": "x"', csl);
    assert.equal(broken.status, 400, broken.text);
    assert.match((JSON.parse(broken.text) as { error: { message: string } }).error.message, /^The body cannot be read as CSL-JSON: /);
    // Regression: a body that is not JSON is invalid_json, as any JSON body's (it was invalid_input).
    for (const body of ['{"id": "x"', 'not json', '{"id": "a"} {"id": "b"}']) {
      const notJson = await write(body, csl);
      assert.deepEqual([notJson.status, (JSON.parse(notJson.text) as { error: { code: string } }).error.code], [400, 'invalid_json'], body);
    }
    const noAbstract = await write(JSON.stringify([{ id: 'csl-none', type: 'article-journal', title: 'Only a title' }]), csl);
    assert.equal(noAbstract.status, 400, noAbstract.text);
    assert.match(
      (JSON.parse(noAbstract.text) as { error: { message: string } }).error.message,
      /^1 of 1 CSL-JSON items cannot be written, so none was: record 1: /,
    );
    assert.equal((await write('[]', csl)).status, 400);
    assert.equal((await call('/v1/papers/csl-none')).status, 404);
    // Regression (found by the fuzzer): an item that is not an object was a 500.
    for (const body of ['[null]', '[1, "x", [], true]']) {
      const notObjects = await call('/v1/papers?skip_invalid=true&allow_title_only=true', {
        method: 'POST',
        body,
        headers: { 'content-type': csl, authorization: `Bearer ${key}` },
      });
      assert.equal(notObjects.status, 400, notObjects.text);
      assert.match(notObjects.text, /record 1: the record is not an object/);
    }
  });

  it('regression: refuses a file of more than 1,000 entries as it reads them, and names ten rejected entries in the issues (a 33 MB body of entries without abstracts got a 295 MB answer)', async () => {
    const roomy = await startApp({ state: app.state, apiKeys: [key], environment: { WRITE_MAX_BODY_BYTES: '1048576' } });
    try {
      const post = (body: string) => roomy.call('/v1/papers', { method: 'POST', body, headers: { 'content-type': bibtex, authorization: `Bearer ${key}` } });
      const entries = (count: number) => Array.from({ length: count }, (_, i) => `@misc{many${i}, title={T ${i}}}`).join('\n');
      const many = await post(entries(5_000));
      assert.equal(many.status, 400, many.text);
      assert.match(many.text, /The body holds more than 1000 BibTeX entries; one write takes at most 1000\./);
      const twenty = await post(entries(20));
      const { details } = (JSON.parse(twenty.text) as { error: { details: { issues: unknown[]; rejected: unknown[]; moreIssues: number } } }).error;
      assert.deepEqual([details.issues.length, details.moreIssues, details.rejected.length], [10, 10, 20]);
      assert.equal((await call('/v1/papers/many0')).status, 404);
    } finally {
      await roomy.close();
    }
  });

  it('regression: says a MEDLINE body (PubMed\'s .nbib sent as RIS) is not RIS, and how to add it (it said "The body holds no RIS records.")', async () => {
    const response = await write('PMID- 31452104\nTI  - A title.\nAB  - An abstract.\n', ris);
    assert.equal(response.status, 400);
    assert.match(response.text, /The body is in MEDLINE format \(PubMed's \.nbib\), which this route does not take: paper-search add reads such a file/);
  });

  it('regression: says a Web of Science export sent as RIS is not RIS, and how to add it (it said "The body holds no RIS records.")', async () => {
    for (const body of [
      'FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI A title\nUT WOS:1\nER\n',
      'PT\tAU\tTI\tAB\tUT\nJ\tDoe, J\tA title\tText.\tWOS:1\n',
    ]) {
      const response = await write(body, ris);
      assert.equal(response.status, 400);
      assert.match(
        response.text,
        /The body is in Web of Science's export format \(savedrecs\.txt\), which this route does not take: paper-search add reads such a file/,
      );
    }
  });

  it('refuses the whole file when any entry cannot be written, naming each by key and line', async () => {
    const response = await write(await readFile(join(formatFixtures, 'library.bib'), 'utf8'), bibtex);
    assert.equal(response.status, 400);
    const error = (JSON.parse(response.text) as { error: { code: string; message: string; details: { rejected: { position: string; reason: string }[] } } })
      .error;
    assert.equal(error.code, 'invalid_input');
    assert.match(error.message, /^3 of 8 BibTeX entries cannot be written, so none was: entry devlin2019bert \(line 59\): no abstract or text field; /);
    // Regression: the answer did not say what the client could ask for instead (the command line's did).
    assert.match(
      error.message,
      / \(allow_title_only=true takes those without an abstract by their title; skip_invalid=true writes the others and lists these\.\)$/,
    );
    assert.deepEqual(
      error.details.rejected.map((entry) => [entry.position, entry.reason]),
      [
        ['entry devlin2019bert (line 59)', 'missing_abstract'],
        ['entry muller2021attention (line 66)', 'duplicate_id'],
        ['entry broken2020 (line 73)', 'malformed_record'],
      ],
    );
    assert.equal((await call('/v1/papers/lovelace2020engines')).status, 404, 'nothing was written');
  });

  it('with skip_invalid, writes the entries that can be written and lists the others; with allow_title_only, takes an entry without abstract', async () => {
    const library = await readFile(join(formatFixtures, 'library.bib'), 'utf8');
    const skipping = await call('/v1/papers?skip_invalid=true', {
      method: 'POST',
      body: library,
      headers: { 'content-type': bibtex, authorization: `Bearer ${key}` },
    });
    assert.equal(skipping.status, 201, skipping.text);
    const answer = JSON.parse(skipping.text) as { papers: { id: string; abstract: string }[]; rejected: { position: string; id?: string; reason: string }[] };
    assert.deepEqual(
      answer.rejected.map((entry) => [entry.position, entry.reason]),
      [
        ['entry devlin2019bert (line 59)', 'missing_abstract'],
        ['entry muller2021attention (line 66)', 'duplicate_id'],
        ['entry broken2020 (line 73)', 'malformed_record'],
      ],
    );
    const written = answer.papers.map((paper) => paper.id);
    assert.deepEqual(written, ['muller2021attention', 'lovelace2020engines', 'kowalczyk2022speech', 'nguyen2023reefs', 'hinterberger2024migration']);
    assert.equal((await call('/v1/papers/lovelace2020engines')).status, 200);
    for (const id of written) await writes.deletePaper(id);

    const titleOnly = await call('/v1/papers?skip_invalid=true&allow_title_only=true', {
      method: 'POST',
      body: library,
      headers: { 'content-type': bibtex, authorization: `Bearer ${key}` },
    });
    assert.equal(titleOnly.status, 201, titleOnly.text);
    const both = JSON.parse(titleOnly.text) as { papers: { id: string; title: string; abstract: string }[]; rejected: { reason: string }[] };
    assert.deepEqual(
      both.rejected.map((entry) => entry.reason),
      ['duplicate_id', 'malformed_record'],
    );
    const bert = both.papers.find((paper) => paper.id === 'devlin2019bert');
    assert.deepEqual([bert?.title, bert?.abstract], ['Bert: Pre-training of deep bidirectional transformers for language understanding', '']);
    for (const paper of both.papers) await writes.deletePaper(paper.id);

    // An entry refused for a field (a DOI that is no DOI) is listed in its place too,
    // before a malformed entry further down; a key that names a DOI (as publishers write them)
    // becomes the DOI as a plain id.
    const ordered = await call('/v1/papers?skip_invalid=true', {
      method: 'POST',
      body: '@article{clash, title = {T}, abstract = {A}, doi = {not a doi}}\n@article{doi:10.1/X, title = {T}, abstract = {B}}\n@article{broken, title = {T\n',
      headers: { 'content-type': bibtex, authorization: `Bearer ${key}` },
    });
    assert.equal(ordered.status, 201, ordered.text);
    const answer2 = JSON.parse(ordered.text) as { papers: { id: string }[]; rejected: { position: string; reason: string }[] };
    assert.deepEqual(
      answer2.rejected.map((entry) => [entry.position, entry.reason]),
      [
        ['entry clash (line 1)', 'invalid_field'],
        ['entry broken (line 3)', 'malformed_record'],
      ],
    );
    assert.deepEqual(
      answer2.papers.map((paper) => paper.id),
      ['10.1/x'],
    );
    await writes.deletePaper('10.1/x');
  });

  it('refuses a BibTeX or RIS body on PUT and PATCH with 415, saying where such a file goes', async () => {
    for (const method of ['PUT', 'PATCH']) {
      const answer = await call('/v1/papers/some-paper', {
        method,
        body: '@article{some-paper, title={T}, abstract={A}}',
        headers: { 'content-type': bibtex, authorization: `Bearer ${key}` },
      });
      assert.equal(answer.status, 415, method);
      assert.match(
        answer.text,
        /must be application\/json, not application\/x-bibtex; a BibTeX, RIS or CSL-JSON file is written with POST \/v1\/papers/,
        method,
      );
    }
  });

  it('with skip_invalid, writes the papers of a JSON batch that can be written and lists the others by place, in the order of the batch (regression: papers the schema refused came first); refuses it for one paper, and a flag that is not true or false', async () => {
    const send = (body: unknown, query: string) =>
      call(`/v1/papers${query}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      });
    const batch = {
      papers: [
        { id: 'j1', abstract: 'Kelp forests store carbon.' },
        { id: 'j2', title: 'No abstract here' },
        { id: 'j3', abstract: 'A date that does not exist.', date: '2023-02-30' },
        { id: 'j1', abstract: 'The same id again.' },
        'not a paper',
        { id: 'j4', abstract: 'A field nobody knows.', colour: 'red' },
        { id: 'doi:10.1/x', abstract: 'An id that is a DOI name.' },
        { abstract: 'No id: one is generated.' },
      ],
    };
    const written = await send(batch, '?skip_invalid=true');
    assert.equal(written.status, 201, written.text);
    const answer = JSON.parse(written.text) as { papers: { id: string }[]; rejected: { position: string; id?: string; reason: string; field?: string }[] };
    assert.equal(answer.papers.length, 2);
    assert.equal(answer.papers[0]!.id, 'j1');
    assert.deepEqual(
      answer.rejected.map((entry) => [entry.position, entry.id, entry.reason, entry.field]),
      [
        ['papers.1', 'j2', 'missing_abstract', 'abstract'],
        ['papers.2', 'j3', 'invalid_field', 'date'],
        ['papers.3', 'j1', 'duplicate_id', undefined],
        ['papers.4', undefined, 'not_an_object', undefined],
        ['papers.5', 'j4', 'invalid_field', 'colour'],
        ['papers.6', 'doi:10.1/x', 'invalid_field', 'id'],
      ],
    );
    for (const paper of answer.papers) await writes.deletePaper(paper.id);

    const none = await send({ papers: [{ id: 'j5', title: 'Only a title' }] }, '?skip_invalid=true');
    assert.equal(none.status, 400);
    const refusal = (JSON.parse(none.text) as { error: { message: string; details: { issues: { path: string }[]; rejected: unknown[] } } }).error;
    assert.match(refusal.message, /^None of the 1 papers can be written: papers\.0: field "abstract": required/);
    assert.deepEqual([refusal.details.issues[0]!.path, refusal.details.rejected.length], ['body', 1]);
    const one = await send({ id: 'j6', abstract: 'One paper.' }, '?skip_invalid=true');
    assert.equal(one.status, 400);
    assert.match(one.text, /skip_invalid applies to a batch/);
    const flag = await send({ id: 'j7', title: 'A title' }, '?allow_title_only=yes');
    assert.equal(flag.status, 400);
    assert.match(flag.text, /query\.allow_title_only/);
    for (const id of ['j5', 'j6', 'j7']) assert.equal((await call(`/v1/papers/${id}`)).status, 404);
  });

  it('takes a JSON paper with a title and no abstract with allow_title_only, on POST and PUT, and refuses it without', async () => {
    const post = (body: unknown, query = '') =>
      call(`/v1/papers${query}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      });
    const refused = await post({ id: 't1', title: 'Kelp forest carbon' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /"path":"body.abstract","message":"required \(a paper with a title but no abstract is taken with allow_title_only=true\)"/);
    assert.equal((await post({ id: 't1', title: 'Kelp forest carbon' }, '?allow_title_only=true')).status, 201);
    assert.equal((await post({ papers: [{ id: 't2', title: 'Seagrass meadows' }] }, '?allow_title_only=true')).status, 201);
    const noTitle = await post({ id: 't3', title: '  ' }, '?allow_title_only=true');
    assert.equal(noTitle.status, 400, 'a paper needs a title or an abstract');
    const put = await call('/v1/papers/t1?allow_title_only=true', {
      method: 'PUT',
      body: JSON.stringify({ title: 'Kelp forest carbon storage' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((JSON.parse((await call('/v1/papers/t1')).text) as { paper: { title: string; abstract: string } }).paper, {
      id: 't1',
      title: 'Kelp forest carbon storage',
      abstract: '',
    });
    await writes.deletePaper('t1');
    await writes.deletePaper('t2');
  });

  it('refuses a RIS file with bad records, naming each', async () => {
    const response = await write(await readFile(join(formatFixtures, 'references.ris'), 'utf8'), ris);
    assert.equal(response.status, 400);
    const rejected = (JSON.parse(response.text) as { error: { details: { rejected: { position: string; reason: string }[] } } }).error.details.rejected;
    assert.deepEqual(
      rejected.map((entry) => entry.reason),
      ['missing_abstract', 'duplicate_id', 'malformed_record'],
    );
    assert.match(rejected[1]!.position, /^record glacier2019 \(line \d+\)$/);
  });

  it('refuses an empty file, a file without a key (401, before reading it) and other body types (415)', async () => {
    const empty = await write('% nothing here\n', bibtex);
    assert.equal(empty.status, 400);
    assert.match(empty.text, /holds no BibTeX entries/);
    const anonymous = await call('/v1/papers', { method: 'POST', body: '@misc{a, abstract={x}}', headers: { 'content-type': bibtex } });
    assert.equal(anonymous.status, 401);
    const plain = await write('@misc{a, abstract={x}}', 'text/plain');
    assert.equal(plain.status, 415);
    assert.match(
      plain.text,
      /application\/json \(or application\/x-bibtex or application\/x-research-info-systems or application\/vnd\.citationstyles\.csl\+json\)/,
    );
    const tooLarge = await write(`@misc{big, abstract={${'x'.repeat(20_000)}}}`, bibtex);
    assert.equal(tooLarge.status, 413);
  });

  it('regression: reads a Latin-1 upload as ingestion reads the file (it stored U+FFFD for each accented letter, and answered 201)', async () => {
    const bytes = Buffer.from('@article{latin1-upload, title={M\xfcller}, abstract={Caf\xe9 na\xefve}}\n', 'latin1');
    const created = await call('/v1/papers', { method: 'POST', body: bytes, headers: { 'content-type': bibtex, authorization: `Bearer ${key}` } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(
      created.body!.papers.map((paper: { title: string; abstract: string }) => [paper.title, paper.abstract]),
      [['Müller', 'Café naïve']],
    );
    const declared = await call('/v1/papers', {
      method: 'POST',
      body: Buffer.from('TY  - JOUR\nID  - latin1-declared\nTI  - \xc5ngstr\xf6m\nAB  - x\nER  - \n', 'latin1'),
      headers: { 'content-type': `${ris}; charset=iso-8859-1`, authorization: `Bearer ${key}` },
    });
    assert.equal(declared.status, 201, declared.text);
    assert.equal(declared.body!.papers[0].title, 'Ångström');
    const unknown = await call('/v1/papers', {
      method: 'POST',
      body: '@misc{a, abstract={x}}',
      headers: { 'content-type': `${bibtex}; charset=klingon`, authorization: `Bearer ${key}` },
    });
    assert.equal(unknown.status, 415);
  });

  it('regression: takes BibTeX as text/x-bibtex and RIS as text/x-research-info-systems too (415 before)', async () => {
    const asText = await call('/v1/papers', {
      method: 'POST',
      body: '@misc{text-bibtex, title={Sent as text}, abstract={x}}',
      headers: { 'content-type': 'text/x-bibtex; charset=utf-8', authorization: `Bearer ${key}` },
    });
    assert.equal(asText.status, 201, asText.text);
    const risAsText = await call('/v1/papers', {
      method: 'POST',
      body: 'TY  - JOUR\nID  - text-ris\nTI  - Sent as text\nAB  - x\nER  - \n',
      headers: { 'content-type': 'text/x-research-info-systems', authorization: `Bearer ${key}` },
    });
    assert.equal(risAsText.status, 201, risAsText.text);
    assert.deepEqual([asText.body!.papers[0].id, risAsText.body!.papers[0].id], ['text-bibtex', 'text-ris']);
  });

  it('regression: answers 400 for a BibTeX body that cannot be read at all (an @string doubling chain was a 500 input_malformed)', async () => {
    const chain = Array.from({ length: 60 }, (_, i) => `@string{a${i + 1} = a${i} # a${i}}`).join('\n');
    const body = `@string{a0 = "x"}\n${chain}\n@article{bomb, title={t}, abstract=a60}\n`;
    const answer = await call('/v1/papers', { method: 'POST', body, headers: { 'content-type': bibtex, authorization: `Bearer ${key}` } });
    assert.equal(answer.status, 400, answer.text);
    // The @string that goes past a million characters is named (before the limit, such a chain ended in "Invalid string length").
    assert.match(answer.text, /"code":"invalid_input".*line 21: a value expands to more than 1,000,000 characters/);
  });

  it('refuses a BibTeX or RIS body on PUT with 415 (only POST takes them)', async () => {
    const put = await call('/v1/papers/p2', { method: 'PUT', body: 'x', headers: { 'content-type': bibtex, authorization: `Bearer ${key}` } });
    assert.equal(put.status, 415, put.text);
  });
});

function asPaper(record: Record<string, unknown>): Paper {
  const mapped = mapRecordToPaper(record);
  assert.ok(mapped.ok, JSON.stringify(record));
  return mapped.paper;
}

describe('the OpenAPI document', () => {
  type Operation = {
    parameters?: { name: string; schema: { enum?: string[] } }[];
    requestBody?: { content: Record<string, unknown> };
    responses: Record<string, { content?: Record<string, unknown> }>;
  };
  const built = buildOpenApiDocument('test') as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
  const paths = built.paths;

  it('lists the export formats on every ranked list and paper, and the reference bodies on POST /v1/papers', () => {
    const exporting = [
      ['post', '/v1/search'],
      ['post', '/v1/similar'],
      ['post', '/v1/recommend'],
      ['get', '/v1/papers'],
      ['get', '/v1/papers/{id}'],
      ['get', '/v1/papers/{id}/related'],
    ] as const;
    for (const [method, path] of exporting) {
      const operation = paths[path]![method]!;
      assert.deepEqual(Object.keys(operation.responses['200']!.content!), ['application/json', bibtex, ris, csl], `${method} ${path}`);
      assert.deepEqual(operation.parameters?.find((parameter) => parameter.name === 'format')?.schema.enum, ['json', 'bibtex', 'ris', 'csl-json']);
    }
    assert.deepEqual(Object.keys(paths['/v1/search/batch']!.post!.responses['200']!.content!), ['application/json']);
    assert.deepEqual(Object.keys(paths['/v1/papers']!.post!.requestBody!.content), [
      'application/json',
      bibtex,
      'text/x-bibtex',
      ris,
      'text/x-research-info-systems',
      csl,
    ]);
  });

  it('documents the write flags as query parameters, and PATCH as a merge patch', () => {
    const names = (operation: Operation) => operation.parameters?.map((parameter) => parameter.name);
    assert.deepEqual(names(paths['/v1/papers']!.post!), ['allow_title_only', 'skip_invalid', 'on_existing']);
    assert.deepEqual(paths['/v1/papers']!.post!.parameters!.find((parameter) => parameter.name === 'on_existing')!.schema.enum, ['refuse', 'keep', 'replace']);
    // The conditions on the paper's version are headers (see the conditional writes in docs/api.md).
    assert.deepEqual(names(paths['/v1/papers/{id}']!.put!), ['id', 'If-Match', 'If-None-Match', 'allow_title_only']);
    const patch = paths['/v1/papers/{id}']!.patch!;
    assert.deepEqual(names(patch), ['id', 'If-Match', 'If-None-Match', 'allow_title_only']);
    assert.deepEqual(names(paths['/v1/papers/{id}']!.delete!), ['id', 'If-Match', 'If-None-Match']);
    assert.deepEqual(Object.keys(patch.requestBody!.content), ['application/json', 'application/merge-patch+json']);
  });

  it('regression: types what generated clients need (CSL items were typed Record<string, never>, a title-only write needed an abstract, /mcp refusals were declared in the error shape)', () => {
    type Schema = {
      $ref?: string;
      type?: unknown;
      properties?: Record<string, Schema>;
      items?: Schema;
      required?: string[];
      anyOf?: Schema[];
      additionalProperties?: unknown;
    };
    // A shape several operations share is described once, under components, and referred to.
    const resolved = (schema: Schema): Schema =>
      schema.$ref === undefined ? schema : resolved(built.components.schemas[schema.$ref.replace('#/components/schemas/', '')] as Schema);
    const schemaOf = (content: Record<string, unknown> | undefined, type: string) => resolved((content![type] as { schema: Schema }).schema);
    const cslItems = resolved(schemaOf(paths['/v1/papers/{id}']!.get!.responses['200']!.content, csl).items!);
    assert.deepEqual(cslItems.properties!.title, { type: 'string' });
    assert.equal(cslItems.additionalProperties, true);
    assert.equal(resolved(schemaOf(paths['/v1/papers']!.post!.requestBody!.content, csl).items!).properties!.author!.type, 'array');
    const put = schemaOf(paths['/v1/papers/{id}']!.put!.requestBody!.content, 'application/json');
    assert.ok(!(put.required ?? []).includes('abstract'));
    assert.match(JSON.stringify(put.properties!.abstract), /unless allow_title_only=true/);
    const mcpRefusal = schemaOf(paths['/mcp']!.post!.responses['401']!.content, 'application/json');
    assert.deepEqual(Object.keys(mcpRefusal.properties!), ['jsonrpc', 'id', 'error']);
    // Answered on the connection before any route: the error shape, on /mcp too.
    assert.deepEqual((paths['/mcp']!.post!.responses['431']!.content!['application/json'] as { schema: Schema }).schema, {
      $ref: '#/components/schemas/ErrorResponse',
    });
  });
});

describe('the names the OpenAPI document gives its schemas', () => {
  it("regression: are no language's own type names (the error shape was `Error`: typescript-fetch renamed it ModelError, and Java's model was ambiguous with java.lang.Error)", () => {
    const document = buildOpenApiDocument('test') as { components: { schemas: Record<string, unknown> } };
    const languageTypes = new Set([
      'Error',
      'Object',
      'String',
      'Number',
      'Boolean',
      'Date',
      'Array',
      'Map',
      'Set',
      'Record',
      'List',
      'Exception',
      'Integer',
      'Long',
      'Class',
      'Void',
    ]);
    const names = Object.keys(document.components.schemas);
    assert.deepEqual(
      names.filter((name) => languageTypes.has(name)),
      [],
    );
    // Every reference names a described schema, the error shape among them.
    const referred = new Set(JSON.stringify(document).match(/(?<=#\/components\/schemas\/)\w+/g));
    assert.ok(referred.has('ErrorResponse'));
    assert.deepEqual(
      [...referred].filter((name) => !names.includes(name)),
      [],
    );
  });
});

describe('the shapes several operations share', () => {
  it("regression: are described once, under a name, so that generated clients make one type of each (PUT's body was CreatePapersRequestAnyOf1, the related papers a RecommendPapers200Response of SearchPapersInBatch200ResponseResultsInnerHitsInner, the filter five types; Go's filter an unnamed struct)", () => {
    type Content = Record<string, { schema: Record<string, unknown> }>;
    type Operation = { requestBody?: { content: Content }; responses: Record<string, { content?: Content }> };
    const document = buildOpenApiDocument('test') as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
    const operation = (method: string, path: string) => document.paths[path]![method]!;
    const body = (method: string, path: string, type = 'application/json') => operation(method, path).requestBody!.content[type]!.schema;
    const answer = (method: string, path: string, status = '200') => operation(method, path).responses[status]!.content!['application/json']!.schema;
    const reference = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    type Shape = { properties: Record<string, { items?: unknown; $ref?: string }>; anyOf?: Shape[] };

    assert.deepEqual(body('put', '/v1/papers/{id}'), reference('PaperInput'));
    const created = body('post', '/v1/papers') as unknown as Shape;
    assert.deepEqual(
      created.anyOf!.map((choice) => choice.properties?.papers?.items ?? choice),
      [reference('PaperInput'), reference('PaperInput')],
    );
    assert.deepEqual(body('patch', '/v1/papers/{id}'), reference('PaperPatch'));
    assert.deepEqual(body('patch', '/v1/papers/{id}', 'application/merge-patch+json'), reference('PaperPatch'));

    for (const [method, path] of [
      ['post', '/v1/search'],
      ['post', '/v1/similar'],
      ['post', '/v1/recommend'],
      ['get', '/v1/papers/{id}/related'],
    ]) {
      assert.deepEqual(answer(method!, path!), reference('RankedList'), `${method} ${path}`);
    }
    const rankedList = document.components.schemas.RankedList as Shape;
    assert.deepEqual(rankedList.properties.hits!.items, reference('Hit'));
    const batchResults = (answer('post', '/v1/search/batch') as unknown as Shape).properties.results!.items as Shape;
    assert.deepEqual(batchResults.properties.hits!.items, reference('Hit'));
    for (const path of ['/v1/search', '/v1/similar', '/v1/recommend']) {
      assert.deepEqual((body('post', path) as unknown as Shape).properties.filter, reference('SearchFilter'), path);
    }
    const batchQuery = (body('post', '/v1/search/batch') as unknown as Shape).properties.queries!.items as Shape;
    assert.deepEqual(batchQuery.properties.filter, reference('SearchFilter'));

    assert.deepEqual((answer('get', '/v1/papers/{id}') as unknown as Shape).properties.paper, reference('PaperFields'));
    assert.deepEqual((answer('get', '/v1/papers') as unknown as Shape).properties.papers!.items, reference('PaperFields'));
    assert.deepEqual((answer('put', '/v1/papers/{id}') as unknown as Shape).properties.paper, reference('Paper'));
    assert.deepEqual(answer('patch', '/v1/papers/{id}'), reference('PaperWritten'));
    assert.deepEqual((answer('post', '/v1/papers', '201') as unknown as Shape).anyOf![0], reference('PaperWritten'));
    const paperWritten = document.components.schemas.PaperWritten as Shape;
    assert.deepEqual(paperWritten.properties.paper, reference('Paper'));
    assert.deepEqual(paperWritten.properties.warnings!.items, reference('WriteWarning'));
  });
});

describe("a paper's volume, issue and pages in the OpenAPI document", () => {
  it('regression: are text, which a number is also taken as (a choice of a string or a number made openapi-generator\'s Python and Java clients and Go\'s wrap each: PaperPatchVolume("12"))', () => {
    type Field = { type?: unknown; anyOf?: Field[] };
    const schemas = (buildOpenApiDocument('test') as { components: { schemas: Record<string, { properties: Record<string, Field> }> } }).components.schemas;
    for (const field of ['volume', 'issue', 'pages']) {
      assert.equal(schemas.PaperInput!.properties[field]!.type, 'string', `PaperInput.${field}`);
      assert.deepEqual(
        schemas.PaperPatch!.properties[field]!.anyOf!.map((choice) => choice.type),
        ['string', 'null'],
        `PaperPatch.${field}`,
      );
    }
    // The server still takes a number, as text.
    assert.deepEqual(paperInputSchema.parse({ abstract: 'A paper.', volume: 12, issue: 3, pages: 117 }), {
      abstract: 'A paper.',
      volume: '12',
      issue: '3',
      pages: '117',
    });
  });
});

/** The records a BibTeX or RIS text holds, read by the importers. */
async function recordsOf(text: string, format: 'bibtex' | 'ris'): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  for await (const record of readReferenceText(text, format)) if (record.value) records.push(record.value as Record<string, unknown>);
  return records;
}
