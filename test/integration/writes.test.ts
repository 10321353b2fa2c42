import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PaperSearchClient, PaperSearchError, type PaperInput } from '../../src/index.js';
import type { RunningServer } from '../../src/server.js';
import { buildIndex, embeddedOnly, makeTempDir, removeDir, request, startTestServer, testBackend } from './helpers.js';

const apiKey = 'integration-key-0123456789';
const otherKey = 'another-valid-key-987654321';
const auth = { authorization: `Bearer ${apiKey}` };

let workDir: string;
let indexDir: string;
let server: RunningServer;
let client: PaperSearchClient;
let anonymous: PaperSearchClient;

/** Writes only snapshot when a test asks (POST /v1/snapshots). */
const manualSnapshots = { API_KEYS: `${apiKey},${otherKey}`, SNAPSHOT_AFTER_WRITES: '1000000', SNAPSHOT_INTERVAL_MS: '86400000' };

const octopus: PaperInput = {
  id: 'new-octopus',
  title: 'Chromatophore control in octopus camouflage',
  abstract:
    'We record how octopuses drive chromatophores and iridophores to match reef backgrounds, and model the neural control of skin patterning for camouflage.',
  authors: ['Ada Cephalopod'],
  categories: ['q-bio.NC'],
  date: '2031-05-02',
  type: 'journal-article',
  venue: 'Cephalopod Letters',
  pages: 'e1002',
};

async function expectError(promise: Promise<unknown>, status: number, code: string): Promise<PaperSearchError> {
  const error = await promise.then(
    () => assert.fail(`expected ${status} ${code}`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof PaperSearchError, String(error));
  assert.equal(error.code, code, error.message);
  assert.equal(error.status, status);
  return error;
}

async function searchIds(query: string, mode: 'dense' | 'lexical' | 'hybrid', k = 10): Promise<string[]> {
  return (await anonymous.search({ query, mode, k })).hits.map((hit) => hit.id);
}

before(async () => {
  workDir = await makeTempDir();
  indexDir = join(workDir, 'index');
  await buildIndex(indexDir);
  server = await startTestServer(indexDir, manualSnapshots);
  client = new PaperSearchClient(server.url, { headers: auth });
  anonymous = new PaperSearchClient(server.url);
});

after(async () => {
  await server?.close();
  await removeDir(workDir);
});

describe('API keys', () => {
  it('refuses writes without a key (401, with a Bearer challenge) and with a wrong key (403)', async () => {
    const missing = await request<{ error: { code: string } }>(server.url, '/v1/papers', { json: octopus });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.code, 'unauthorized');
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
    const wrong = await request<{ error: { code: string } }>(server.url, '/v1/papers/seed-001', {
      method: 'DELETE',
      headers: { authorization: 'Bearer not-the-right-key-at-all' },
    });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'forbidden');
    const malformed = await request<{ error: { code: string } }>(server.url, '/v1/papers/seed-001', {
      method: 'PUT',
      json: octopus,
      headers: { authorization: apiKey },
    });
    assert.equal(malformed.status, 401);
    assert.equal((await anonymous.paper('seed-001')).paper.id, 'seed-001', 'nothing was deleted or replaced');
  });

  it('accepts every configured key, and leaves reads open', async () => {
    const second = new PaperSearchClient(server.url, { headers: { authorization: `Bearer ${otherKey}` } });
    await second.createPaper({ id: 'second-key-paper', title: 'Written with the second key', abstract: 'Any configured key may write.' });
    assert.equal((await anonymous.paper('second-key-paper')).paper.title, 'Written with the second key');
    await second.deletePaper('second-key-paper');
  });

  it('refuses writes outright when no key is configured', async () => {
    const readOnly = await startTestServer(indexDir, { API_KEYS: '', SNAPSHOT_INTERVAL_MS: '86400000' });
    try {
      const refused = await request<{ error: { code: string; message: string } }>(readOnly.url, '/v1/papers', { json: octopus, headers: auth });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'writes_disabled');
      assert.match(refused.body.error.message, /API_KEYS/);
      assert.equal((await request(readOnly.url, '/v1/stats')).status, 200);
    } finally {
      await readOnly.close();
    }
  });

  it('guards reads too with AUTH_READS=true, but not health and readiness', async () => {
    const guarded = await startTestServer(indexDir, { ...manualSnapshots, AUTH_READS: 'true' });
    try {
      assert.equal((await request(guarded.url, '/v1/search', { json: { query: 'video' } })).status, 401);
      // Regression: the body was read (and broken JSON answered 400) before the key was checked.
      const broken = await request<{ error: { code: string } }>(guarded.url, '/v1/search', { body: '{bad', headers: { 'content-type': 'application/json' } });
      assert.deepEqual([broken.status, broken.body.error.code], [401, 'unauthorized']);
      assert.equal((await request(guarded.url, '/v1/papers/seed-001', { headers: { authorization: 'Bearer wrong-wrong-wrong-wrong' } })).status, 403);
      assert.equal((await request(guarded.url, '/v1/search', { json: { query: 'video' }, headers: auth })).status, 200);
      // A related list answered to a key is kept encoded; kept or not, it is never answered without one.
      assert.equal((await request(guarded.url, '/v1/papers/seed-001/related', { headers: auth })).status, 200);
      assert.equal((await request(guarded.url, '/v1/papers/seed-001/related')).status, 401);
      assert.equal((await request(guarded.url, '/healthz')).status, 200);
      assert.equal((await request(guarded.url, '/readyz')).status, 200);
    } finally {
      await guarded.close();
    }
  });
});

describe('writing papers', () => {
  it('adds one paper that is at once readable, searchable in every mode, filterable and related', async () => {
    const created = await request<{ paper: { id: string; year: number } }>(server.url, '/v1/papers', { json: octopus, headers: auth });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/v1/papers/new-octopus');
    assert.equal(created.body.paper.year, 2031, 'normalized like ingestion: the year of the date');
    const stored = (await anonymous.paper('new-octopus')).paper;
    assert.deepEqual([stored.title, stored.type, stored.venue, stored.pages], [octopus.title, 'journal-article', 'Cephalopod Letters', 'e1002']);
    for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
      assert.equal((await searchIds('octopus chromatophores skin camouflage', mode))[0], 'new-octopus', mode);
    }
    const filtered = await anonymous.search({ query: 'camouflage', filter: { year: { gte: 2031 }, categories: { any: ['q-bio.NC'] } } });
    assert.deepEqual(
      filtered.hits.map((hit) => hit.id),
      ['new-octopus'],
    );
    const related = await anonymous.related('new-octopus', { k: 3 });
    assert.equal(related.hits.length, 3);
    assert.ok(!related.hits.some((hit) => hit.id === 'new-octopus'));
    const recommended = await anonymous.recommend({ positive: ['new-octopus'], k: 2 });
    assert.equal(recommended.hits.length, 2);
  });

  it('generates an id when none is given', async () => {
    const paper = await client.createPaper({ title: 'No id given', abstract: 'The server assigns a UUID to a paper written without an id.' });
    assert.match(paper.id, /^[0-9a-f-]{36}$/);
    assert.equal((await anonymous.paper(paper.id)).paper.title, 'No id given');
    await client.deletePaper(paper.id);
  });

  it("regression: takes a field sent as null as left out, as ingestion does (a generated client's unset doi and issue made POST and PUT 400s)", async () => {
    const unset = { doi: null, issue: null, venue: null, authors: null };
    const one = await request<{ paper: Record<string, unknown> }>(server.url, '/v1/papers', {
      json: { id: 'null-fields-1', title: 'Null fields', abstract: 'A paper whose client sends its unset fields as null.', ...unset },
      headers: auth,
    });
    assert.equal(one.status, 201, JSON.stringify(one.body));
    assert.deepEqual(Object.keys(one.body.paper).sort(), ['abstract', 'id', 'title']);
    const batch = await request(server.url, '/v1/papers', {
      json: { papers: [{ id: 'null-fields-2', abstract: 'The second, in a batch.', ...unset }] },
      headers: auth,
    });
    assert.equal(batch.status, 201, JSON.stringify(batch.body));
    const skipping = await request(server.url, '/v1/papers?skip_invalid=true', {
      json: { papers: [{ id: 'null-fields-3', abstract: 'The third, in a batch that skips the invalid.', ...unset }] },
      headers: auth,
    });
    assert.deepEqual([skipping.status, (skipping.body as { rejected: unknown[] }).rejected], [201, []]);
    const replaced = await request<{ paper: Record<string, unknown> }>(server.url, '/v1/papers/null-fields-1', {
      method: 'PUT',
      json: { title: null, abstract: 'Replaced, its title unset.', year: 2024, ...unset },
      headers: auth,
    });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.deepEqual(replaced.body.paper, { id: 'null-fields-1', title: '', abstract: 'Replaced, its title unset.', year: 2024 });
    const noAbstract = await request(server.url, '/v1/papers', { json: { id: 'null-fields-4', title: 'No abstract', abstract: null }, headers: auth });
    assert.equal(noAbstract.status, 400);
    for (const id of ['null-fields-1', 'null-fields-2', 'null-fields-3']) await client.deletePaper(id);
  });

  it('adds a batch all or none: an existing id makes it a 409 that writes nothing', async () => {
    const batch = ['a', 'b', 'c'].map((suffix) => ({
      id: `batch-${suffix}`,
      title: `Batch paper ${suffix}`,
      abstract: `Glacier calving dynamics observed by radar, part ${suffix}.`,
    }));
    const conflict = await expectError(client.createPapers([...batch, { id: 'new-octopus', abstract: 'again' }]), 409, 'paper_exists');
    assert.deepEqual((conflict.details as { ids: string[] }).ids, ['new-octopus']);
    await expectError(anonymous.paper('batch-a'), 404, 'paper_not_found');

    const created = await client.createPapers(batch);
    assert.deepEqual(
      created.map((paper) => paper.id),
      ['batch-a', 'batch-b', 'batch-c'],
    );
    const found = await searchIds('glacier calving radar', 'hybrid', 3);
    assert.deepEqual([...found].sort(), ['batch-a', 'batch-b', 'batch-c']);
    await expectError(client.createPaper({ id: 'batch-a', abstract: 'dup' }), 409, 'paper_exists');
  });

  it('lets exactly one of several concurrent creates of one id win (they are committed together)', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => client.createPaper({ id: 'raced', title: `Attempt ${i}`, abstract: `Concurrent create attempt number ${i}.` })),
    );
    assert.equal(attempts.filter((attempt) => attempt.status === 'fulfilled').length, 1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') assert.equal((attempt.reason as PaperSearchError).code, 'paper_exists');
    }
    const deletes = await Promise.allSettled([client.deletePaper('raced'), client.deletePaper('raced')]);
    assert.deepEqual(deletes.map((attempt) => attempt.status).sort(), ['fulfilled', 'rejected']);
  });

  it('regression: writes a paper with the DOI or arXiv id of another, and says so (the same paper under a second id was stored silently)', async () => {
    const abstract = 'Sea ice thickness retrieved from satellite altimetry over the Arctic.';
    await client.createPaper({ id: 'ice-first', title: 'Sea ice', abstract, doi: '10.77/ice', arxiv_id: '2601.00077' });
    const batch = await client.createPapersWithWarnings([
      { id: 'ice-again', title: 'Sea ice', abstract, doi: 'https://doi.org/10.77/ICE', arxiv_id: '2601.00077v2' },
      { id: 'ice-other', title: 'Lake ice', abstract: 'Lake ice phenology from radar.' },
    ]);
    assert.deepEqual(
      batch.papers.map((paper) => paper.id),
      ['ice-again', 'ice-other'],
    );
    assert.deepEqual(
      batch.warnings.map(({ code, id, field, value, shared_with }) => ({ code, id, field, value, shared_with })),
      [{ code: 'identifier_shared', id: 'ice-again', field: 'doi', value: '10.77/ice', shared_with: 'ice-first' }],
      'one notice for a pair of papers, written all the same',
    );
    assert.equal((await anonymous.paper('doi:10.77/ice')).paper.id, 'ice-again', 'the name stands for the paper written last, as the message says');
    const patched = await client.patchPaper('ice-other', { arxiv_id: '2601.00077' });
    assert.deepEqual(
      patched.warnings?.map((warning) => warning.shared_with),
      ['ice-again'],
    );
    const put = await client.putPaper('ice-first', { title: 'Sea ice', abstract, doi: '10.77/ice' });
    assert.deepEqual(
      put.warnings?.map((warning) => warning.shared_with),
      ['ice-again'],
    );
    const plain = await request<Record<string, unknown>>(server.url, '/v1/papers/ice-other', { method: 'PATCH', json: { venue: 'Ice' }, headers: auth });
    assert.equal(plain.status, 200);
    assert.equal('warnings' in plain.body, false, 'an answer without a notice has no warnings field');
    for (const id of ['ice-first', 'ice-again', 'ice-other']) await client.deletePaper(id);
  });

  it('rejects bad papers and bad batches with 400s naming the problem', async () => {
    const cases: { body: unknown; path: RegExp }[] = [
      { body: { title: 'no abstract' }, path: /body\.abstract/ },
      { body: { abstract: '   ' }, path: /body\.abstract/ },
      { body: { abstract: 'x', year: '2020' }, path: /body\.year/ },
      { body: { abstract: 'x', date: 'last week' }, path: /body\.date/ },
      { body: { abstract: 'x', unknown_field: 1 }, path: /unknown_field|Unrecognized/ },
      { body: { papers: [] }, path: /body\.papers/ },
      {
        body: {
          papers: [
            { abstract: 'x', id: 'd' },
            { abstract: 'y', id: 'd' },
          ],
        },
        path: /body\.papers/,
      },
      { body: { papers: Array.from({ length: 1001 }, (_, i) => ({ abstract: `p ${i}` })) }, path: /body\.papers/ },
      { body: [octopus], path: /body/ },
    ];
    for (const { body, path } of cases) {
      const response = await request<{ error: { code: string; message: string; details: { issues: { path: string; message: string }[] } } }>(
        server.url,
        '/v1/papers',
        {
          json: body,
          headers: auth,
        },
      );
      assert.equal(response.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(response.body.error.code, 'invalid_input');
      assert.ok(
        response.body.error.details.issues.some((issue) => path.test(`${issue.path} ${issue.message}`)),
        JSON.stringify(response.body.error.details.issues),
      );
    }
  });

  it('accepts a batch of 1,000 papers', async () => {
    // Each paper on its own pair of topic and method: 1,000 near-copies of one sentence would leave
    // the collection a single tight cluster, where an approximate (HNSW) search may never reach a
    // paper outside it (Weaviate's did, now and then, for the paper replaced in the next test).
    const topics = [
      'wind turbines',
      'solar cells',
      'battery ageing',
      'power grids',
      'heat pumps',
      'fuel cells',
      'steel fatigue',
      'bridge cables',
      'rail wear',
      'jet engines',
      'radio antennas',
      'optical fibres',
      'chip cooling',
      'flash memory',
      'compilers',
      'databases',
      'robot arms',
      'drones',
      'traffic lights',
      'water pipes',
    ];
    const methods = [
      'finite elements',
      'Bayesian inference',
      'a field survey',
      'laboratory tests',
      'graph search',
      'reinforcement learning',
      'linear programming',
      'Monte Carlo sampling',
      'control theory',
      'signal processing',
      'a digital twin',
      'spectral analysis',
      'game theory',
      'queueing models',
      'a genetic algorithm',
      'Kalman filters',
      'time series models',
      'fault trees',
      'wavelets',
      'mixed integer programming',
      'sparse regression',
      'a cost model',
      'symbolic execution',
      'topology optimisation',
      'causal inference',
      'a user study',
      'dynamic programming',
      'ray tracing',
      'model checking',
      'federated learning',
      'a lattice model',
      'numerical homogenisation',
      'a pilot deployment',
      'acoustic emission',
      'particle filters',
      'a testbed',
      'stochastic calculus',
      'a lifecycle assessment',
      'kernel methods',
      'interval arithmetic',
      'tensor decompositions',
      'a benchmark suite',
      'robust optimisation',
      'a simulation campaign',
      'thermography',
      'compressed sensing',
      'a Markov model',
      'fuzzy logic',
      'differential privacy',
      'an expert panel',
    ];
    const papers = Array.from({ length: 1000 }, (_, i) => ({
      id: `bulk-${i}`,
      title: `Bulk ${i}`,
      abstract: `Synthetic bulk paper number ${i}: ${topics[i % topics.length]} studied with ${methods[Math.floor(i / topics.length)]}.`,
    }));
    const before = (await anonymous.stats()).papers;
    const created = await client.createPapers(papers);
    assert.equal(created.length, 1000);
    assert.equal((await anonymous.paper('bulk-999')).paper.title, 'Bulk 999');
    for (let i = 0; i < 1000; i += 100) await client.deletePaper(`bulk-${i}`);
    const stats = await anonymous.stats();
    assert.equal(stats.papers, before + 990);
    // Only the embedded backend keeps tombstones (Weaviate reports none).
    if (testBackend === 'embedded') assert.ok(stats.deleted >= 10);
  });

  it('replaces a paper with PUT (old text gone from every retriever) and creates with PUT', async () => {
    const replaced = await client.putPaper('new-octopus', {
      title: 'Squid bioluminescence',
      abstract: 'Squid host luminous bacteria in light organs for counter-illumination at night.',
    });
    assert.equal(replaced.created, false);
    assert.equal(replaced.paper.id, 'new-octopus');
    assert.equal((await anonymous.paper('new-octopus')).paper.title, 'Squid bioluminescence');
    assert.ok(!(await searchIds('chromatophores iridophores', 'lexical')).includes('new-octopus'), 'the old text no longer matches');
    assert.equal((await searchIds('squid light organs bacteria', 'dense'))[0], 'new-octopus');
    const created = await client.putPaper('put-created', { abstract: 'A paper created by PUT at a new id.' });
    assert.equal(created.created, true);
    await expectError(client.putPaper('put-created', { id: 'other-id', abstract: 'x' }), 400, 'invalid_input');
  });

  it('patches a paper: the fields given change, null removes one, and the text (so its place in searches) stays', async () => {
    const before = await searchIds('squid light organs bacteria', 'dense', 3);
    const patched = await client.patchPaper('new-octopus', {
      type: 'book-chapter',
      venue: 'Journal of Cephalopod Biology',
      volume: 12,
      pages: '3--19',
      date: null,
    });
    assert.deepEqual(
      [patched.paper.type, patched.paper.venue, patched.paper.volume, patched.paper.pages, patched.paper.date, patched.paper.title],
      ['book-chapter', 'Journal of Cephalopod Biology', '12', '3-19', undefined, 'Squid bioluminescence'],
    );
    assert.equal((await anonymous.paper('new-octopus')).paper.venue, 'Journal of Cephalopod Biology');
    assert.deepEqual(await searchIds('squid light organs bacteria', 'dense', 3), before);
    await expectError(client.patchPaper('new-octopus', { abstract: null }), 400, 'invalid_input');
    const unknownType = await request<{ error: { code: string; details: unknown } }>(server.url, '/v1/papers/new-octopus', {
      method: 'PATCH',
      json: { type: 'inproceedings' },
      headers: auth,
    });
    assert.deepEqual([unknownType.status, unknownType.body.error.code], [400, 'invalid_input'], 'the API takes the type in its own words only');
    assert.match(
      JSON.stringify(unknownType.body.error),
      /must be one of journal-article, conference-paper, .* \(\\"inproceedings\\" is written \\"conference-paper\\" here\)/,
    );
    await expectError(client.patchPaper('no-such-paper', { venue: 'x' }), 404, 'paper_not_found');
    const unknownField = await request<{ error: { code: string } }>(server.url, '/v1/papers/new-octopus', {
      method: 'PATCH',
      json: { colour: 'red' },
      headers: auth,
    });
    assert.deepEqual([unknownField.status, unknownField.body.error.code], [400, 'invalid_input']);
    const mergePatch = await request<{ paper: { issue: string } }>(server.url, '/v1/papers/new-octopus', {
      method: 'PATCH',
      body: JSON.stringify({ issue: '4' }),
      headers: { ...auth, 'content-type': 'application/merge-patch+json' },
    });
    assert.deepEqual([mergePatch.status, mergePatch.body.paper.issue], [200, '4']);
    // Regression: a merge patch sent with PUT replaced the whole paper with the fields it held.
    const mergePatchPut = await request<{ error: { code: string; message: string } }>(server.url, '/v1/papers/new-octopus', {
      method: 'PUT',
      body: JSON.stringify({ abstract: 'Only this.' }),
      headers: { ...auth, 'content-type': 'application/merge-patch+json' },
    });
    assert.deepEqual([mergePatchPut.status, mergePatchPut.body.error.code], [415, 'unsupported_media_type']);
    assert.match(mergePatchPut.body.error.message, /sent with PATCH/);
    assert.equal((await anonymous.paper('new-octopus')).paper.issue, '4', 'the paper is unchanged');
  });

  it('deletes a paper: gone from reads, searches, lists and recommendations', async () => {
    await client.createPaper({
      id: 'to-delete',
      title: 'Volcanic ash dispersion',
      abstract: 'Volcanic ash plumes dispersion forecast with lidar and satellites.',
    });
    const deleted = await client.deletePaper('to-delete');
    assert.deepEqual({ id: deleted.id, deleted: deleted.deleted }, { id: 'to-delete', deleted: true });
    await expectError(anonymous.paper('to-delete'), 404, 'paper_not_found');
    await expectError(anonymous.related('to-delete'), 404, 'paper_not_found');
    await expectError(client.deletePaper('to-delete'), 404, 'paper_not_found');
    for (const mode of ['dense', 'lexical', 'hybrid'] as const)
      assert.ok(!(await searchIds('volcanic ash plume lidar', mode, 100)).includes('to-delete'), mode);
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await anonymous.listPapers({ limit: 500, cursor });
      listed.push(...page.papers.map((paper) => paper.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    assert.ok(!listed.includes('to-delete'));
    assert.ok(listed.includes('new-octopus') && listed.includes('batch-c'));
    assert.equal(new Set(listed).size, listed.length, 'a replaced paper is listed once');
  });

  it('reports papers, tombstones and pending writes in /v1/stats', embeddedOnly('tombstones and the write-ahead log'), async () => {
    const stats = await anonymous.stats();
    assert.equal(stats.writes.enabled, true);
    assert.ok(stats.deleted > 0);
    assert.ok(stats.pending > 0);
    assert.equal(stats.index.snapshotAt, null);
  });
});

describe('reference bodies', () => {
  /** A reference body's write, and the longest a health check asked over and over meanwhile waited. */
  async function writeWhileProbing(body: string, contentType: string) {
    const started = performance.now();
    let written = false;
    const write = request<{ papers: { id: string; abstract: string; categories?: string[] }[]; error?: { code: string } }>(server.url, '/v1/papers', {
      method: 'POST',
      body,
      headers: { ...auth, 'content-type': contentType },
    }).finally(() => (written = true));
    let slowest = 0;
    while (!written) {
      const asked = performance.now();
      assert.equal((await request(server.url, '/healthz')).status, 200);
      slowest = Math.max(slowest, performance.now() - asked);
    }
    return { answer: await write, slowest, took: performance.now() - started };
  }

  for (const [name, tex] of [
    ['formulas', '$x$ '.repeat(20_000)],
    ['special characters', '^_&#'.repeat(20_000)],
  ] as const) {
    it(`regression: reads a BibTeX body of much TeX (${name}) off the main thread, so other requests are answered meanwhile (an abstract of 20,000 of them held every request for seconds)`, async () => {
      const body = `@article{tex-heavy, title={Formulas}, author={Doe, Jane}, year={2024}, abstract={${tex}}}\n`;
      const { answer, slowest, took } = await writeWhileProbing(body, 'application/x-bibtex');
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      assert.equal(answer.body.papers[0]!.id, 'tex-heavy');
      // Read in place, the body held /healthz for nearly all of the write.
      assert.ok(slowest < took / 4, `/healthz waited ${slowest.toFixed(0)} ms during a write of ${took.toFixed(0)} ms`);
      assert.equal((await request(server.url, '/v1/papers/tex-heavy', { method: 'DELETE', headers: auth })).status, 200);
    });
  }

  it('regression: reads a RIS body of a record of a million lines off the main thread, so other requests are answered meanwhile (it held every request for the whole read)', async () => {
    const body = `TY  - JOUR\nID  - many-lines\nTI  - Keywords\nAB  - A record of many keyword lines.\n${'KW  - k\n'.repeat(1_000_000)}ER  - \n`;
    const { answer, slowest, took } = await writeWhileProbing(body, 'application/x-research-info-systems');
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual(
      answer.body.papers.map((paper) => [paper.id, paper.categories]),
      [['many-lines', ['k']]],
    );
    assert.ok(slowest < took / 4, `/healthz waited ${slowest.toFixed(0)} ms during a write of ${took.toFixed(0)} ms`);
    assert.equal((await request(server.url, '/v1/papers/many-lines', { method: 'DELETE', headers: auth })).status, 200);
  });

  it('regression: reads a CSL-JSON body nested deep off the main thread, so other requests are answered meanwhile (it held every request until refused)', async () => {
    const depth = 500_000;
    const { answer, slowest, took } = await writeWhileProbing(`${'['.repeat(depth)}${']'.repeat(depth)}`, 'application/vnd.citationstyles.csl+json');
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.ok(slowest < took / 4, `/healthz waited ${slowest.toFixed(0)} ms during a write of ${took.toFixed(0)} ms`);
  });
});

describe('JSON write bodies', () => {
  it('regression: refuses a paper of a million and a half unknown names before parsing it (parsing, copying and naming each of them held every request for seconds)', async () => {
    const names = Array.from({ length: 1_500_000 }, (_, i) => `"name${i}":0`).join(',');
    const answer = await request<{ error: { code: string; message: string; details: unknown } }>(server.url, '/v1/papers', {
      method: 'POST',
      body: `{"title":"Many names","abstract":"A paper of many unknown names.",${names}}`,
      headers: { ...auth, 'content-type': 'application/json' },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'invalid_input');
    assert.deepEqual(answer.body.error.details, { limitMembers: 64_000 }, answer.body.error.message.slice(0, 300));
  });

  it('regression: refuses arrays nested eight million deep before parsing them (parsing them held every request for seconds)', async () => {
    const depth = 8_000_000;
    const answer = await request<{ error: { code: string; message: string; details: unknown } }>(server.url, '/v1/papers', {
      method: 'POST',
      body: `{"papers":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      headers: { ...auth, 'content-type': 'application/json' },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'invalid_input');
    assert.deepEqual(answer.body.error.details, { limitObjectsAndArrays: 64_000 }, answer.body.error.message.slice(0, 300));
    assert.match(answer.body.error.message, /^The request body holds more than 64,000 objects and arrays/);
  });
});

describe('conditional writes (ETag, If-Match, If-None-Match)', () => {
  const paperPath = '/v1/papers/conditional-paper';
  const writeWith = (method: string, headers: Record<string, string>, json?: unknown) =>
    request<{ paper?: { title: string }; error?: { code: string; details: { etag: string | null } } }>(server.url, paperPath, {
      method,
      ...(json === undefined ? {} : { json }),
      headers: { ...auth, ...headers },
    });
  const version = async () => (await request(server.url, paperPath)).headers.get('etag');
  const first = { title: 'A paper written with conditions', abstract: 'Optimistic concurrency for a reference manager that syncs its library.' };

  it('regression: a paper created by POST answers with its version as an ETag, as PUT does (a client had to read the paper again to learn it)', async () => {
    const created = await request<{ paper: { id: string } }>(server.url, '/v1/papers', {
      method: 'POST',
      json: { id: 'posted-conditional', title: 'A paper created by POST', abstract: 'Its version comes with the answer.' },
      headers: auth,
    });
    assert.equal(created.status, 201);
    assert.match(created.headers.get('etag') ?? '', /^"[A-Za-z0-9_-]+"$/);
    assert.equal((await request(server.url, '/v1/papers/posted-conditional')).headers.get('etag'), created.headers.get('etag'));
    const batch = await request(server.url, '/v1/papers', {
      method: 'POST',
      json: { papers: [{ id: 'posted-batch', title: 'One of a batch', abstract: 'A batch has no one version.' }] },
      headers: auth,
    });
    assert.equal(batch.status, 201);
    assert.equal(batch.headers.get('etag'), null);
  });

  it('regression: writes only the version If-Match names (If-Match was ignored, so a client could not tell it overwrote a change it had not seen)', async () => {
    assert.equal((await writeWith('PUT', { 'if-none-match': '*' }, first)).status, 201, 'If-None-Match: * creates a paper not stored');
    assert.equal((await writeWith('PUT', { 'if-none-match': '*' }, first)).status, 412, 'and never replaces one');
    const read = await version();
    assert.match(read ?? '', /^"[A-Za-z0-9_-]+"$/);

    const replaced = await writeWith('PUT', { 'if-match': read! }, { ...first, title: 'Changed by the first client' });
    assert.equal(replaced.status, 200);
    const current = replaced.headers.get('etag');
    assert.notEqual(current, read, 'a write makes a new version');
    assert.equal(await version(), current, 'GET gives the version the write answered with');

    // A second client still holding the first version is refused, and nothing it sent is written.
    for (const [method, body] of [
      ['PUT', { ...first, title: 'Changed by the second client' }],
      ['PATCH', { title: 'Patched by the second client' }],
      ['DELETE', undefined],
    ] as const) {
      const stale = await writeWith(method, { 'if-match': read! }, body);
      assert.equal(stale.status, 412, method);
      assert.equal(stale.body.error?.code, 'precondition_failed');
      assert.equal(stale.body.error?.details.etag, current, 'the refusal names the current version');
    }
    assert.equal((await request<{ paper: { title: string } }>(server.url, paperPath)).body.paper.title, 'Changed by the first client');

    const patched = await writeWith('PATCH', { 'if-match': `"other", ${current!}` }, { title: 'Patched with the current version' });
    assert.equal(patched.status, 200);
    assert.equal((await writeWith('DELETE', { 'if-match': patched.headers.get('etag')! })).status, 200);
    assert.equal((await writeWith('PATCH', { 'if-match': '*' }, { title: 'Gone' })).status, 412, 'If-Match: * needs a stored paper');
    assert.equal((await writeWith('DELETE', {})).status, 404, 'without conditions a missing paper stays a 404');
  });

  it('lets the typed client read a version and write on it', async () => {
    const created = await client.putPaper('client-conditional', first, { ifNoneMatch: '*' });
    assert.equal(created.created, true);
    const read = await client.paper('client-conditional');
    assert.equal(read.etag, created.etag);
    const patched = await client.patchPaper('client-conditional', { title: 'Patched on the version read' }, { ifMatch: read.etag! });
    assert.notEqual(patched.etag, read.etag);
    const stale = await expectError(client.patchPaper('client-conditional', { title: 'Lost update' }, { ifMatch: read.etag! }), 412, 'precondition_failed');
    assert.deepEqual(stale.details, { id: 'client-conditional', etag: patched.etag });
    await expectError(client.deletePaper('client-conditional', { ifMatch: read.etag! }), 412, 'precondition_failed');
    assert.equal((await client.deletePaper('client-conditional', { ifMatch: patched.etag! })).deleted, true);
  });

  it("keeps a paper's version across a snapshot", async () => {
    assert.equal((await writeWith('PUT', {}, first)).status, 201);
    const before = await version();
    assert.equal((await request(server.url, '/v1/snapshots', { method: 'POST', headers: auth })).status, 200);
    assert.equal(await version(), before);
    assert.equal((await request(server.url, `${paperPath}?fields=title`)).headers.get('etag'), null, 'a selection of fields is another representation');
  });
});

describe('snapshots', () => {
  it(
    'fold the log into a new index folder: tombstones purged, nothing lost, and it survives a restart',
    embeddedOnly('the write-ahead log and index folders'),
    async () => {
      const published = { type: 'journal-article' as const, venue: 'Journal of Glaciology', volume: 65, issue: '251', pages: '117--129' };
      await client.createPaper({ id: 'folded-published', abstract: 'Folded into the index folder with where it was published.', ...published });
      const before = await anonymous.stats();
      await client.snapshot();
      const after = await anonymous.stats();
      assert.equal(after.pending, 0);
      assert.equal(after.deleted, 0);
      assert.equal(after.papers, before.papers);
      assert.notEqual(after.index.snapshotAt, null);
      assert.equal(after.writes.lastSnapshotError, null);
      assert.equal((await anonymous.paper('new-octopus')).paper.title, 'Squid bioluminescence');
      assert.equal((await searchIds('glacier calving radar', 'lexical', 3)).length, 3);
      const walFiles = await readdir(`${indexDir}.wal`);
      assert.equal(walFiles.length, 1, `only the current log segment is left: ${walFiles.join(', ')}`);
      const leftovers = (await readdir(workDir)).filter((name) => name.startsWith('.index.'));
      assert.deepEqual(leftovers, [], 'no staging or retired folders are left beside the index');

      await client.createPaper({ id: 'after-snapshot', abstract: 'Written after the snapshot: replayed from the log at restart.', ...published });
      await server.close();
      server = await startTestServer(indexDir, manualSnapshots);
      anonymous = new PaperSearchClient(server.url);
      client = new PaperSearchClient(server.url, { headers: auth });
      const restarted = await anonymous.stats();
      assert.equal(restarted.papers, after.papers + 1);
      assert.equal(restarted.pending, 1);
      assert.equal((await anonymous.paper('after-snapshot')).paper.id, 'after-snapshot');
      for (const id of ['folded-published', 'after-snapshot']) {
        const { type, venue, volume, issue, pages } = (await anonymous.paper(id)).paper;
        assert.deepEqual(
          { type, venue, volume, issue, pages },
          { type: 'journal-article', venue: 'Journal of Glaciology', volume: '65', issue: '251', pages: '117-129' },
          id,
        );
      }
      assert.equal((await searchIds('written after the snapshot replayed from the log', 'hybrid', 1))[0], 'after-snapshot');
      await expectError(anonymous.paper('to-delete'), 404, 'paper_not_found');
    },
  );

  it('keep searches answering, correctly, while papers are written and a snapshot runs', async () => {
    const deletedIds = new Set<string>();
    const writer = (async () => {
      for (let round = 0; round < 12; round++) {
        await client.createPapers(
          Array.from({ length: 5 }, (_, i) => ({
            id: `live-${round}-${i}`,
            title: `Coral reef bleaching study ${round}.${i}`,
            abstract: `Coral reef bleaching under marine heatwaves, survey ${round}-${i}.`,
          })),
        );
        await client.deletePaper(`live-${round}-0`);
        deletedIds.add(`live-${round}-0`);
        if (round === 4) void client.snapshot();
      }
    })();
    let searches = 0;
    const readers = Array.from({ length: 4 }, async () => {
      while (searches < 400) {
        searches++;
        const deletedBefore = new Set(deletedIds);
        const hits = (await anonymous.search({ query: 'coral reef bleaching heatwave', k: 20, mode: searches % 2 === 0 ? 'hybrid' : 'lexical' })).hits;
        assert.ok(
          hits.every((hit) => typeof hit.abstract === 'string' && hit.abstract.length > 0),
          'every hit is a whole paper',
        );
        assert.equal(new Set(hits.map((hit) => hit.id)).size, hits.length, 'no paper twice');
        const stale = hits.filter((hit) => deletedBefore.has(hit.id));
        assert.deepEqual(stale, [], 'a paper deleted before this search began is never returned');
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    await Promise.all([writer, ...readers]);
    await client.snapshot();
    const ids = (await anonymous.search({ query: 'coral reef bleaching marine heatwaves survey', k: 100, mode: 'lexical' })).hits.map((hit) => hit.id);
    const expected = Array.from({ length: 12 }, (_, round) => [1, 2, 3, 4].map((i) => `live-${round}-${i}`)).flat();
    assert.deepEqual(ids.filter((id) => id.startsWith('live-')).sort(), expected.sort());
  });
});
