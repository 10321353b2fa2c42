import assert from 'node:assert/strict';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { AppError } from '../../src/errors.js';
import { paperEtag } from '../../src/papers/paper-etag.js';
import type { Paper } from '../../src/papers/paper.js';
import { SearchService } from '../../src/search/search-service.js';
import { readManifest } from '../../src/storage/embedded/manifest.js';
import type { EmbeddedStorage } from '../../src/storage/embedded/embedded-storage.js';
import type { PaperChange, PaperStorage } from '../../src/storage/paper-storage.js';
import { WriteService } from '../../src/writes/write-service.js';
import { buildFakeIndex, FakeEmbedder, openFakeStorage } from './fake-collection.js';
import { isAppErrorWithCode, longestWait } from './support.js';

const embedder = new FakeEmbedder();
const roots: string[] = [];
let folder: string;
let storage: EmbeddedStorage;
let writes: WriteService;
let search: SearchService;

async function open(): Promise<void> {
  storage = await openFakeStorage(folder, embedder);
  writes = new WriteService(storage, embedder);
  search = new SearchService(storage, embedder);
}

beforeEach(async () => {
  const root = await mkdtemp(join(tmpdir(), 'paper-search-write-service-'));
  roots.push(root);
  folder = join(root, 'index');
  await buildFakeIndex(folder, embedder);
  await open();
});

afterEach(async () => {
  await writes.close();
  await storage.close();
});

after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

const glacier = { title: 'Glacier calving', abstract: 'Radar measures glacier calving fronts.', date: '2024-05-01' };

describe('WriteService.createPapers', () => {
  it('stores a paper normalized as ingestion would, searchable at once', async () => {
    const {
      papers: [paper],
    } = await writes.createPapers([{ id: 'g1', ...glacier, doi: 'https://doi.org/10.5/GLACIER' }], { batch: false });
    assert.deepEqual(paper, {
      id: 'g1',
      title: 'Glacier calving',
      abstract: 'Radar measures glacier calving fronts.',
      date: '2024-05-01',
      year: 2024,
      doi: '10.5/glacier',
    });
    assert.equal((await search.searchText('glacier calving radar', { k: 1, mode: 'lexical' })).hits[0]!.id, 'g1');
    assert.equal((await search.getPaper('doi:10.5/glacier')).id, 'g1');
  });

  it("stores each paper's vector as ingestion makes it: its passage and its title embedded alone, in one model call", async () => {
    const calls = embedder.calls.length;
    await writes.createPapers([{ id: 'g2', ...glacier }], { batch: false });
    assert.deepEqual(embedder.calls.slice(calls), [
      { kind: 'passage', texts: ['Glacier calving Radar measures glacier calving fronts.', 'Glacier calving'], alone: false },
    ]);
    assert.deepEqual((await storage.vectors(['g2']))[0], embedder.paperVector(glacier));
  });

  it("regression: queues a write's texts in its caller's turn without the caller's deadline (a batch longer than REQUEST_TIMEOUT_MS was refused on every retry)", async (t) => {
    const seen: unknown[] = [];
    const original = embedder.embedPassages.bind(embedder);
    t.mock.method(embedder, 'embedPassages', (texts: readonly string[], request?: unknown) => {
      seen.push(request);
      return original(texts);
    });
    await writes.createPapers([{ id: 'g3', ...glacier }], { batch: false }, { client: 'key:0123', deadline: performance.now() + 1 });
    await writes.putPaper('g4', glacier, { client: 'key:0123', deadline: performance.now() + 1 });
    assert.deepEqual(seen, [{ client: 'key:0123' }, { client: 'key:0123' }]);
  });

  it('sends a large batch to the model a few papers at a time, so it never fills the queue other clients need', async () => {
    const calls = embedder.calls.length;
    const papers = Array.from({ length: 70 }, (_, i) => ({ id: `many-${i}`, title: `Paper ${i}`, abstract: `Abstract number ${i}.` }));
    await writes.createPapers(papers, { batch: true });
    assert.deepEqual(
      embedder.calls.slice(calls).map((call) => call.texts.length),
      [64, 64, 12],
    );
    assert.deepEqual((await storage.vectors(['many-69']))[0], embedder.paperVector(papers[69]!));
  });

  it('regression: validates a large batch a slice at a time, so other requests are answered meanwhile (1,000 papers of 1,250 authors each held them for 1.2 s)', async () => {
    const authors = Array.from({ length: 1_250 }, (_, i) => `Author Number${i} Collaborator`);
    const inputs = Array.from({ length: 400 }, (_, i) => ({ id: `crowded-${i}`, ...glacier, authors }));
    // The last paper repeats the first's id, which is found once every paper is validated: nothing is embedded or written.
    inputs.push({ ...inputs[0]! });
    const { longest, took } = await longestWait(() =>
      assert.rejects(writes.createPapers(inputs, { batch: true }), isAppErrorWithCode('invalid_input', /crowded-0/)),
    );
    assert.ok(longest < took / 4, `the event loop waited ${longest.toFixed(0)} ms while a batch was validated for ${took.toFixed(0)} ms`);
  });

  it('generates an id when none is given', async () => {
    const {
      papers: [paper],
    } = await writes.createPapers([glacier], { batch: false });
    assert.match(paper!.id, /^[0-9a-f-]{36}$/);
  });

  it('refuses a batch that repeats an id, naming the field and the ids, and writes nothing', async () => {
    await assert.rejects(
      writes.createPapers(
        [
          { id: 'a', ...glacier },
          { id: 'b', ...glacier },
          { id: 'a', ...glacier },
        ],
        { batch: true },
      ),
      (error: unknown) => {
        assert.deepEqual((error as { details: unknown }).details, { issues: [{ path: 'papers', message: 'duplicate ids', code: 'custom' }], ids: ['a'] });
        return isAppErrorWithCode('invalid_input')(error);
      },
    );
    await assert.rejects(search.getPaper('b'), isAppErrorWithCode('paper_not_found'));
  });

  it('refuses an id already stored with paper_exists, before calling the model, and writes nothing of the batch', async () => {
    const calls = embedder.calls.length;
    await assert.rejects(
      writes.createPapers(
        [
          { id: 'new', ...glacier },
          { id: 'video-1', ...glacier },
        ],
        { batch: true },
      ),
      (error: unknown) => {
        assert.deepEqual((error as { details: unknown }).details, { ids: ['video-1'] });
        return isAppErrorWithCode('paper_exists')(error);
      },
    );
    assert.equal(embedder.calls.length, calls);
    await assert.rejects(search.getPaper('new'), isAppErrorWithCode('paper_not_found'));
  });

  it('names the paper of a batch whose field is invalid', async () => {
    await assert.rejects(writes.createPapers([glacier, { ...glacier, date: 'soon' }], { batch: true }), (error: unknown) => {
      const issue = (error as { details: { issues: { path: string }[] } }).details.issues[0]!;
      assert.equal(issue.path, 'papers.1.date');
      return isAppErrorWithCode('invalid_input', /date/)(error);
    });
  });

  it('refuses an id that is a doi: or arxiv: name, which would shadow the paper that name stands for, and writes nothing', async () => {
    for (const id of ['doi:10.1000/volcano.1', 'arxiv:2001.01234']) {
      await assert.rejects(writes.createPapers([glacier, { id, ...glacier }], { batch: true }), (error: unknown) => {
        assert.equal((error as { details: { issues: { path: string }[] } }).details.issues[0]!.path, 'papers.1.id');
        return isAppErrorWithCode('invalid_input', /may not start with "doi:" or "arxiv:"/)(error);
      });
    }
    assert.equal((await search.getPaper('doi:10.1000/volcano.1')).id, 'volcano-1');
    await assert.rejects(writes.putPaper('doi:10.9999/nobody', glacier), isAppErrorWithCode('paper_not_found', /doi or arxiv_id field/));
    await assert.rejects(search.getPaper('doi:10.9999/nobody'), isAppErrorWithCode('paper_not_found'));
  });

  it('lets exactly one of several concurrent creates of one id win', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => writes.createPapers([{ id: 'race', ...glacier, title: `Version ${i}` }], { batch: false })),
    );
    assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') assert.ok(isAppErrorWithCode('paper_exists')(outcome.reason));
  });
});

describe('WriteService.putPaper and deletePaper', () => {
  it('creates, then replaces, a paper', async () => {
    assert.equal((await writes.putPaper('p9', glacier)).created, true);
    const replaced = await writes.putPaper('p9', { abstract: 'Squid bioluminescence in light organs.' });
    assert.equal(replaced.created, false);
    assert.equal((await search.getPaper('p9')).abstract, 'Squid bioluminescence in light organs.');
    assert.equal((await search.searchText('glacier calving', { k: 3, mode: 'lexical' })).hits.length, 0);
  });

  it('replaces the paper a DOI link names; a link no paper answers to is a 404, and no id may be a link', async () => {
    const replaced = await writes.putPaper('https://doi.org/10.1000/VOLCANO.1', { abstract: 'Volcanic ash forecasts, revised.' });
    assert.deepEqual({ id: replaced.paper.id, created: replaced.created }, { id: 'volcano-1', created: false });
    await assert.rejects(writes.putPaper('https://doi.org/10.9999/new', glacier), isAppErrorWithCode('paper_not_found'));
    await assert.rejects(
      writes.createPapers([{ id: 'https://arxiv.org/abs/2101.00001', ...glacier }], { batch: false }),
      isAppErrorWithCode('invalid_input', /nor be a DOI or arXiv link/),
    );
  });

  it('regression: answers paper_not_found for a DOI or arXiv name no paper has (it answered 400 about the id of the body)', async () => {
    await assert.rejects(writes.putPaper('doi:10.9999/none', glacier), isAppErrorWithCode('paper_not_found'));
    await assert.rejects(writes.putPaper('arxiv:9999.99999', glacier), isAppErrorWithCode('paper_not_found'));
  });

  it('regression: reads a name with surrounding whitespace as its trimmed id on every route (a POST of " sp " created "sp", which GET, PATCH and DELETE of " sp " then did not find)', async () => {
    await writes.createPapers([{ id: ' sp-posted ', abstract: 'A paper posted with spaces around its id.' }], { batch: false });
    assert.equal((await search.getPaper(' sp-posted ')).id, 'sp-posted');
    assert.equal((await writes.patchPaper(' sp-posted\t', { title: 'Patched' })).paper.title, 'Patched');
    assert.equal((await search.getPapers([' sp-posted ']))[0]?.id, 'sp-posted');
    // Related papers by the name, which the storage looks up itself (no facet).
    assert.ok((await search.relatedToPaper(' sp-posted ', { k: 2, offset: 0 })).hits.length > 0);
    assert.ok((await search.relatedToPaperJson(' sp-posted ', { k: 2, offset: 0 })).length > 2);
    await writes.deletePaper(' sp-posted ');
    await assert.rejects(search.getPaper('sp-posted'), isAppErrorWithCode('paper_not_found'));
    const { paper, created } = await writes.putPaper(' sp ', glacier);
    assert.deepEqual([paper.id, created], ['sp', true]);
    assert.equal((await search.getPaper(' sp ')).id, 'sp');
  });

  it('regression: names the request path, not the body, for a path id that cannot be an id (it was reported as body.id)', async () => {
    for (const name of ['a\u0000b', '\u200b\u200d', 'lone\ud800']) {
      await assert.rejects(writes.putPaper(name, glacier), (error: unknown) => {
        assert.equal((error as { details: { issues: { path: string }[] } }).details.issues[0]!.path, 'params.id', JSON.stringify(name));
        return isAppErrorWithCode('invalid_input', /path's id/)(error);
      });
    }
  });

  it('regression: reads the doi: and arxiv: prefixes in any case (DOI:… was not found, and an id DOI:… could be created)', async () => {
    const { paper, created } = await writes.putPaper('DOI:10.1000/volcano.1', { abstract: 'A new abstract about lava.' });
    assert.deepEqual([paper.id, created], ['volcano-1', false]);
    assert.equal((await search.getPaper('ArXiv:2401.00003')).id, 'volcano-3');
    await assert.rejects(writes.createPapers([{ id: 'DOI:10.1/x', abstract: 'x' }], { batch: false }), isAppErrorWithCode('invalid_input', /in any case/));
  });

  it('replaces the stored paper a DOI names, keeping its id', async () => {
    const { paper, created } = await writes.putPaper('doi:10.1000/volcano.1', { abstract: 'A new abstract about lava.' });
    assert.equal(created, false);
    assert.equal(paper.id, 'volcano-1');
  });

  it('refuses a body id that differs from the path id', async () => {
    await assert.rejects(writes.putPaper('p1', { id: 'p2', ...glacier }), (error: unknown) => {
      assert.equal((error as { details: { issues: { path: string }[] } }).details.issues[0]!.path, 'id');
      return isAppErrorWithCode('invalid_input', /differs/)(error);
    });
  });

  it('deletes by any name and returns the id; an unknown one is paper_not_found', async () => {
    assert.equal(await writes.deletePaper('arxiv:2401.00003'), 'volcano-3');
    await assert.rejects(search.getPaper('volcano-3'), isAppErrorWithCode('paper_not_found'));
    await assert.rejects(writes.deletePaper('volcano-3'), isAppErrorWithCode('paper_not_found'));
  });

  it('finds a DOI shared by two papers again after the newer one is deleted (DOI lookup lost after a delete)', async () => {
    await writes.createPapers([{ id: 'dA', ...glacier, doi: '10.9/shared' }], { batch: false });
    await writes.createPapers([{ id: 'dB', ...glacier, doi: '10.9/shared' }], { batch: false });
    assert.equal((await search.getPaper('doi:10.9/shared')).id, 'dB');
    await writes.deletePaper('dB');
    assert.equal((await search.getPaper('doi:10.9/SHARED')).id, 'dA');
  });

  it('regression: the same DOI under a second id was stored twice without a word; the write now says which paper has it too', async () => {
    assert.deepEqual((await writes.createPapers([{ id: 'zA', ...glacier, doi: '10.9/twice' }], { batch: false })).shared, []);
    const { shared } = await writes.createPapers([{ id: 'zB', ...glacier, doi: 'https://doi.org/10.9/TWICE' }], { batch: false });
    assert.deepEqual(
      shared.map(({ id, field, value, shared_with }) => ({ id, field, value, shared_with })),
      [{ id: 'zB', field: 'doi', value: '10.9/twice', shared_with: 'zA' }],
    );
    assert.match(shared[0]!.message, /"zB" is also that of "zA".*doi:10\.9\/twice now names "zB"/);
    assert.equal((await search.getPaper('doi:10.9/twice')).id, 'zB', 'written all the same');
    assert.deepEqual((await writes.putPaper('zB', { ...glacier, doi: '10.9/twice' })).shared, [], 'replacing the paper that has it says nothing');
    assert.deepEqual(
      (await writes.putPaper('zA', { ...glacier, doi: '10.9/twice' })).shared.map((notice) => notice.shared_with),
      ['zB'],
    );
  });

  it('says when papers of one write share an arXiv id, whatever its version, with each other or with a stored paper, once per pair', async () => {
    await writes.createPapers([{ id: 'yA', ...glacier, arxiv_id: '2502.00002', doi: '10.9/y' }], { batch: false });
    const { shared } = await writes.createPapers(
      [
        { id: 'yB', ...glacier, arxiv_id: '2502.00002v3', doi: '10.9/y' },
        { id: 'yC', ...glacier, arxiv_id: '2502.00003' },
        { id: 'yD', ...glacier, arxiv_id: 'arXiv:2502.00003v1' },
      ],
      { batch: true },
    );
    assert.deepEqual(
      shared.map(({ id, field, shared_with }) => [id, field, shared_with]),
      [
        ['yB', 'doi', 'yA'],
        ['yD', 'arxiv_id', 'yC'],
      ],
    );
    const patched = await writes.patchPaper('yC', { doi: '10.9/y' });
    assert.deepEqual(
      patched.shared.map((notice) => [notice.field, notice.shared_with]),
      [
        ['doi', 'yB'],
        ['arxiv_id', 'yD'],
      ],
      'a patch is told of every name it moves to its paper, the newest holder named: any write of a paper makes it the newest',
    );
    assert.deepEqual((await writes.patchPaper('yC', { venue: 'V' })).shared, [], 'once its identifiers name it, nothing moves');
  });

  it('finds an arXiv id shared by two papers again after the newer one is deleted', async () => {
    await writes.createPapers([{ id: 'xA', ...glacier, arxiv_id: '2501.00001' }], { batch: false });
    await writes.createPapers([{ id: 'xB', ...glacier, arxiv_id: '2501.00001v2' }], { batch: false });
    await writes.deletePaper('xB');
    assert.equal((await search.getPaper('arxiv:2501.00001')).id, 'xA');
  });
});

describe('writing a paper whose title and abstract are stored already', () => {
  it('regression: a PUT of a stored paper with its title and abstract unchanged keeps its vector and makes no model call (a library sent again was embedded again)', async () => {
    await writes.putPaper('kept', { ...glacier, venue: 'Nature' });
    const [vectorBefore] = await storage.vectors(['kept']);
    const calls = embedder.calls.length;
    const { paper, created } = await writes.putPaper('kept', { ...glacier, venue: 'Science' });
    assert.deepEqual([paper.venue, created], ['Science', false]);
    assert.equal(embedder.calls.length, calls, 'no model call');
    assert.deepEqual((await storage.vectors(['kept']))[0], vectorBefore);
    await writes.putPaper('kept', { ...glacier, abstract: 'Squid bioluminescence in light organs.' });
    assert.ok(embedder.calls.length > calls, 'a new abstract is embedded');
  });

  it('regression: a batch replacing stored papers embeds only those whose title or abstract changed (every paper was embedded again)', async () => {
    const before = embedder.calls.length;
    await writes.createPapers(
      [
        { id: 'b1', ...glacier },
        { id: 'b2', ...glacier, title: 'Glacier calving, again' },
      ],
      { batch: true },
    );
    const textsOf = (from: number) => embedder.calls.slice(from).flatMap((call) => call.texts);
    const textsPerPaper = textsOf(before).length / 2;
    const calls = embedder.calls.length;
    const squid = { id: 'b2', title: 'Squid light organs', abstract: 'Squid bioluminescence in light organs.' };
    const { replaced } = await writes.createPapers([{ id: 'b1', ...glacier, pages: '7' }, squid, { id: 'b3', ...glacier }], {
      batch: true,
      onExisting: 'replace',
    });
    assert.deepEqual(replaced, ['b1', 'b2']);
    assert.equal(textsOf(calls).length, 2 * textsPerPaper, 'b2 (a new abstract) and b3 (a new paper) embedded, b1 not');
    assert.ok(textsOf(calls).some((text) => text.includes('Squid bioluminescence')));
    const [b1, b2, b3] = await storage.vectors(['b1', 'b2', 'b3']);
    assert.deepEqual(b1, b3, 'the kept vector is the one embedding the same text gives');
    assert.notDeepEqual(b2, b1);
    assert.equal((await search.getPaper('b1')).pages, '7');
  });
});

describe('WriteService.patchPaper', () => {
  it('changes the fields given, removes those set to null, keeps the rest and the vector when title and abstract stay', async () => {
    await writes.createPapers([{ id: 'g1', ...glacier, authors: ['Ada Lovelace'], doi: '10.5/g1' }], { batch: false });
    const [vectorBefore] = await storage.vectors(['g1']);
    const calls = embedder.calls.length;
    const { paper: patched, shared } = await writes.patchPaper('doi:10.5/g1', { venue: 'Journal of Glaciology', pages: '117--129', authors: null });
    assert.deepEqual(shared, []);
    assert.deepEqual(patched, { id: 'g1', ...glacier, year: 2024, doi: '10.5/g1', venue: 'Journal of Glaciology', pages: '117-129' });
    assert.deepEqual(await search.getPaper('g1'), patched);
    assert.equal(embedder.calls.length, calls, 'no model call');
    assert.deepEqual((await storage.vectors(['g1']))[0], vectorBefore);
  });

  it('regression: a preprint given a venue is no longer a preprint unless the patch says so (it exported as @misc with a journal, "Preprint, Nature")', async () => {
    await writes.createPapers([{ id: 'g4', ...glacier, type: 'preprint' }], { batch: false });
    assert.equal((await writes.patchPaper('g4', { venue: 'Nature', volume: '521' })).paper.type, undefined);
    assert.equal((await writes.patchPaper('g4', { type: 'preprint', venue: 'Nature' })).paper.type, 'preprint');
    assert.equal((await writes.patchPaper('g4', { volume: '522' })).paper.type, 'preprint', 'a patch that sets no venue leaves the type');
    assert.equal((await writes.patchPaper('g4', { venue: 'Nature' })).paper.type, 'preprint', 'the venue it had, sent again');
    for (const venue of ['   ', 'bioRxiv']) assert.equal((await writes.patchPaper('g4', { venue })).paper.type, 'preprint', `venue ${JSON.stringify(venue)}`);
    await writes.putPaper('g5', { ...glacier, type: 'conference-paper' });
    assert.equal((await writes.patchPaper('g5', { venue: 'ICML' })).paper.type, 'conference-paper', 'only a preprint changes');
  });

  it('embeds the paper again when its title or abstract changes, and takes the year of a new date', async () => {
    await writes.createPapers([{ id: 'g2', ...glacier }], { batch: false });
    const calls = embedder.calls.length;
    const { paper: patched } = await writes.patchPaper('g2', { abstract: 'Squid bioluminescence in light organs.', date: '2026-02-01' });
    assert.equal(patched.year, 2026);
    assert.ok(embedder.calls.length > calls);
    assert.equal(
      (await search.searchText('radar fronts', { k: 3, mode: 'lexical' })).hits.some((hit) => hit.id === 'g2'),
      false,
      'the old abstract is gone',
    );
  });

  it('regression: a patch that removes the date keeps the year (date: null dropped the year too, and the paper left every year filter)', async () => {
    await writes.createPapers([{ id: 'g6', ...glacier }], { batch: false });
    const { paper: patched } = await writes.patchPaper('g6', { venue: 'Journal of Glaciology', date: null });
    assert.deepEqual([patched.date, patched.year], [undefined, 2024]);
    assert.equal((await search.getPaper('g6')).year, 2024);
    const filtered = await search.searchText('glacier calving radar', { k: 3, mode: 'lexical', filter: { year: { gte: 2024 } } });
    assert.ok(
      filtered.hits.some((hit) => hit.id === 'g6'),
      'still found by its year',
    );
    assert.equal((await writes.patchPaper('g6', { date: null, year: null })).paper.year, undefined, 'removed when the patch says so');
  });

  it('refuses what a PUT of the patched paper would refuse, an id change, and a paper that does not exist', async () => {
    await writes.createPapers([{ id: 'g3', ...glacier }], { batch: false });
    await assert.rejects(writes.patchPaper('g3', { abstract: null }), isAppErrorWithCode('invalid_input', /abstract/));
    await assert.rejects(writes.patchPaper('g3', { year: 1999 }), isAppErrorWithCode('invalid_input', /contradicts/));
    await assert.rejects(writes.patchPaper('g3', { id: 'other' }), isAppErrorWithCode('invalid_input', /cannot change an id/));
    await assert.rejects(writes.patchPaper('nobody', { venue: 'x' }), isAppErrorWithCode('paper_not_found'));
    assert.equal((await search.getPaper('g3')).abstract, glacier.abstract);
    const { paper: titleOnly } = await writes.patchPaper('g3', { abstract: null }, undefined, { allowTitleOnly: true });
    assert.equal(titleOnly.abstract, '');
    assert.equal(
      (await writes.patchPaper('g3', { venue: 'Kept by its title alone' })).paper.venue,
      'Kept by its title alone',
      'no flag needed to leave the abstract out still',
    );
  });

  it('loses no field when patches of one paper arrive together', async () => {
    await writes.createPapers([{ id: 'g4', ...glacier }], { batch: false });
    await Promise.all([
      writes.patchPaper('g4', { venue: 'V' }),
      writes.patchPaper('g4', { volume: '7' }),
      writes.patchPaper('g4', { issue: '2' }),
      writes.patchPaper('g4', { pages: '9' }),
    ]);
    const paper = await search.getPaper('g4');
    assert.deepEqual([paper.venue, paper.volume, paper.issue, paper.pages], ['V', '7', '2', '9']);
  });

  it('regression: applies a dozen patches of one paper sent at once (half were refused 503 overloaded after five attempts)', async () => {
    await writes.createPapers([{ id: 'g6', ...glacier }], { batch: false });
    const authors = Array.from({ length: 12 }, (_, i) => `Author ${i}`);
    const results = await Promise.allSettled(authors.map((author, i) => writes.patchPaper('g6', i % 2 ? { authors: [author] } : { venue: author })));
    assert.deepEqual(
      results.map((result) => result.status),
      authors.map(() => 'fulfilled'),
    );
    const paper = await search.getPaper('g6');
    assert.deepEqual([paper.venue, paper.authors], ['Author 10', ['Author 11']], 'applied in the order they came');
  });
});

describe('WriteService group commit', () => {
  it('commits the writes that arrive during a commit together, checked in arrival order', async () => {
    const commits: number[] = [];
    const counting: PaperStorage = Object.create(storage, {
      commit: {
        value: (batch: readonly (readonly PaperChange[])[]) => {
          commits.push(batch.length);
          return storage.commit(batch);
        },
      },
    }) as PaperStorage;
    const grouped = new WriteService(counting, embedder);
    const results = await Promise.allSettled([
      grouped.createPapers([{ id: 'c1', ...glacier }], { batch: false }),
      grouped.createPapers([{ id: 'c2', ...glacier }], { batch: false }),
      grouped.createPapers([{ id: 'c1', ...glacier, title: 'Second' }], { batch: false }),
      grouped.deletePaper('video-1'),
      grouped.createPapers([{ id: 'c3', ...glacier }], { batch: false }),
    ]);
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
    assert.ok(isAppErrorWithCode('paper_exists')((results[2] as PromiseRejectedResult).reason), 'the second create of c1 sees the first');
    assert.ok(commits.length < 4, `group commits: ${commits.join(', ')}`);
    assert.equal(
      commits.reduce((sum, size) => sum + size, 0),
      4,
    );
    assert.equal((await search.getPaper('c1')).title, 'Glacier calving');
    await assert.rejects(search.getPaper('video-1'), isAppErrorWithCode('paper_not_found'));
  });

  it("regression: a conditional write checked after another write of its paper in the same group is refused with that write's version (its 412 said etag null, which means not stored, of a stored paper)", async () => {
    const slowCommits: PaperStorage = Object.create(storage, {
      commit: {
        value: async (batch: readonly (readonly PaperChange[])[]) => {
          await delay(50);
          return storage.commit(batch);
        },
      },
    }) as PaperStorage;
    const grouped = new WriteService(slowCommits, embedder);
    const { paper: read } = await grouped.putPaper('x1', glacier);
    // x0 commits alone, slowly; the two writes of x1 wait for it and are committed together.
    const opening = grouped.createPapers([{ id: 'x0', ...glacier }], { batch: false });
    const [first, second] = await Promise.allSettled([
      grouped.putPaper('x1', { ...glacier, title: 'Changed by the first client' }),
      grouped.putPaper('x1', { ...glacier, title: 'Changed by the second client' }, undefined, { preconditions: { ifMatch: [paperEtag(read)] } }),
    ]);
    await opening;
    assert.equal(first.status, 'fulfilled');
    assert.equal(second.status, 'rejected');
    const refusal = (second as PromiseRejectedResult).reason as AppError;
    assert.equal(refusal.code, 'precondition_failed');
    assert.deepEqual(refusal.details, { id: 'x1', etag: paperEtag((first as PromiseFulfilledResult<{ paper: Paper }>).value.paper) });
  });

  it('answers every write of a failed commit with the failure, and applies none', async () => {
    const failing: PaperStorage = Object.create(storage, {
      commit: { value: async () => Promise.reject(new Error('disk full')) },
    }) as PaperStorage;
    const doomed = new WriteService(failing, embedder);
    const results = await Promise.allSettled([doomed.createPapers([{ id: 'f1', ...glacier }], { batch: false }), doomed.putPaper('f2', glacier)]);
    assert.ok(results.every((result) => result.status === 'rejected' && (result.reason as Error).message === 'disk full'));
    await assert.rejects(search.getPaper('f1'), isAppErrorWithCode('paper_not_found'));
  });

  it('regression: a failed lookup of the identifiers costs the notice, not the write (a write failed when the check behind its warnings did)', async () => {
    const forgetful: PaperStorage = Object.create(storage, {
      resolve: { value: async (name: string) => (name.startsWith('doi:') ? Promise.reject(new Error('cluster hiccup')) : storage.resolve(name)) },
    }) as PaperStorage;
    const written = await new WriteService(forgetful, embedder).createPapers([{ id: 'h1', ...glacier, doi: '10.9/hiccup' }], { batch: false });
    assert.deepEqual(written.shared, []);
    assert.equal((await search.getPaper('h1')).doi, '10.9/hiccup');
  });

  it('refuses writes once closed', async () => {
    await writes.close();
    await assert.rejects(writes.putPaper('late', glacier), isAppErrorWithCode('shutting_down'));
  });

  it('regression: refuses the patches waiting their turn when closed, and waits for them (they ran after close had returned)', async () => {
    await writes.createPapers([{ id: 'q1', ...glacier }], { batch: false });
    let settledCount = 0;
    const patches = Array.from({ length: 5 }, (_, i) => writes.patchPaper('q1', { volume: String(i) }).finally(() => settledCount++));
    await writes.close();
    assert.equal(settledCount, 5, 'close returns once every patch is answered');
    const settled = await Promise.allSettled(patches);
    assert.ok(
      settled.some((result) => result.status === 'rejected'),
      'some were still waiting',
    );
    for (const result of settled) if (result.status === 'rejected') assert.equal((result.reason as { code?: string }).code, 'shutting_down');
  });
});

describe('a restart', () => {
  it('regression: replays a long write-ahead log a slice at a time, so the server answers meanwhile (5,000 logged writes held /healthz for 9 s)', async () => {
    const logged = Array.from({ length: 3_000 }, (_, i): PaperChange[] => {
      const paper: Paper = { id: `logged-${i}`, title: `Logged paper ${i}`, abstract: `Replayed at the start, number ${i}.` };
      return [{ op: 'put', paper, vector: embedder.paperVector(paper) }];
    });
    await storage.commit(logged);
    await writes.close();
    await storage.close();
    const { longest, took } = await longestWait(open);
    assert.equal((await storage.stats()).pending, logged.length);
    assert.equal((await search.getPaper('logged-2999')).title, 'Logged paper 2999');
    assert.ok(longest < took / 4, `the event loop waited ${longest.toFixed(0)} ms during a start of ${took.toFixed(0)} ms`);
  });
});

describe('snapshots through the write service', () => {
  it('fold the writes into a new index folder that a restart serves without replaying them', async () => {
    await writes.createPapers([{ id: 's1', ...glacier }], { batch: false });
    await writes.deletePaper('video-2');
    assert.equal((await storage.stats()).pending, 2);
    const snapshot = await writes.snapshot();
    assert.equal(snapshot.lastSnapshotError, null);
    assert.ok(snapshot.lastSnapshotAt);
    const stats = await storage.stats();
    assert.deepEqual([stats.pending, stats.deleted, stats.papers], [0, 0, 8]);
    await writes.close();
    await storage.close();
    await open();
    assert.equal((await storage.stats()).pending, 0);
    assert.equal((await search.getPaper('s1')).title, 'Glacier calving');
    await assert.rejects(search.getPaper('video-2'), isAppErrorWithCode('paper_not_found'));
  });

  it("regression: are refused once ingestion rebuilt the served folder (acknowledged, they were set aside as another build's at the next start)", async () => {
    await writes.createPapers([{ id: 'before-rebuild', ...glacier }], { batch: false });
    await buildFakeIndex(folder, embedder);
    await assert.rejects(writes.createPapers([{ id: 'after-rebuild', ...glacier }], { batch: false }), isAppErrorWithCode('index_replaced'));
    await assert.rejects(writes.deletePaper('video-2'), isAppErrorWithCode('index_replaced'));
    assert.equal((await search.getPaper('before-rebuild')).id, 'before-rebuild', 'the server goes on serving what it loaded');
    await assert.rejects(search.getPaper('after-rebuild'), isAppErrorWithCode('paper_not_found'));
    // Regression: readiness went on saying ok while every write was refused, so monitoring never asked for a restart.
    assert.equal(storage.health().status, 'degraded');
    assert.match(storage.health().reason ?? '', /rebuilt while this server ran.*restarted/);
  });

  it('regression: refuses writes once the log folder was moved away, says so on /readyz, and a snapshot still keeps every acknowledged write (writes went into the moved file, acknowledged, and a snapshot failed)', async () => {
    await writes.createPapers([{ id: 'before-move', ...glacier }], { batch: false });
    const logFolder = join(folder, '..', 'wal');
    await rename(logFolder, `${logFolder}.moved`);
    await assert.rejects(writes.createPapers([{ id: 'after-move', ...glacier }], { batch: false }), isAppErrorWithCode('write_failed', /moved or deleted/));
    assert.deepEqual(storage.health(), {
      status: 'degraded',
      reason: 'the write-ahead log (WAL_DIR) was moved or deleted while the server ran: writes are refused until the server is restarted',
    });
    await writes.snapshot();
    await writes.close();
    await storage.close();
    await open();
    assert.equal((await search.getPaper('before-move')).id, 'before-move');
    await assert.rejects(search.getPaper('after-move'), isAppErrorWithCode('paper_not_found'));
  });

  it("regression: a listing's cursor goes on across snapshots, every paper listed once (a snapshot turned every cursor into a 400, so a listing never finished on a server taking writes)", async () => {
    const before = (await search.listPapers(undefined, 100)).papers.map((paper) => paper.id);
    const first = await search.listPapers(undefined, 3);
    const listed = first.papers.map((paper) => paper.id);
    // Writes on both sides of the cursor, then two snapshots that renumber the papers.
    await writes.deletePaper(listed[1]!);
    await writes.deletePaper(before[4]!);
    await writes.createPapers([{ id: 'after-cursor', ...glacier }], { batch: false });
    await writes.snapshot();
    await writes.createPapers([{ id: 'after-first-snapshot', ...glacier }], { batch: false });
    await writes.deletePaper(before[6]!);
    await writes.snapshot();
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const page = await search.listPapers(cursor, 2);
      listed.push(...page.papers.map((paper) => paper.id));
      cursor = page.nextCursor;
    }
    const expected = [...before.slice(0, 3), ...before.slice(3).filter((id) => id !== before[4] && id !== before[6]), 'after-cursor', 'after-first-snapshot'];
    assert.deepEqual(listed, expected);
  });

  it("regression: a snapshot after ingestion rebuilt the served folder is refused and leaves the new build alone (the served build's writes were folded into it)", async () => {
    await writes.createPapers([{ id: 'before-rebuild', ...glacier }], { batch: false });
    await buildFakeIndex(folder, embedder);
    const rebuilt = await readManifest(folder);
    await assert.rejects(writes.snapshot(), isAppErrorWithCode('index_replaced'));
    assert.deepEqual(await readManifest(folder), rebuilt);
    assert.equal(storage.health().status, 'degraded');
  });

  it('report a failed snapshot, keep every write, and succeed when retried after the cause is gone', async () => {
    await writes.createPapers([{ id: 'r1', ...glacier }], { batch: false });
    const vectorsFile = join(folder, 'vectors.f32');
    await rename(vectorsFile, `${vectorsFile}.away`);
    await assert.rejects(writes.snapshot(), isAppErrorWithCode('snapshot_failed', /vectors\.f32/));
    const failed = await storage.stats();
    assert.match(failed.snapshots.lastSnapshotError ?? '', /vectors\.f32/);
    assert.equal(failed.pending, 1);
    assert.equal((await search.getPaper('r1')).id, 'r1');
    await rename(`${vectorsFile}.away`, vectorsFile);
    assert.equal((await writes.snapshot()).lastSnapshotError, null);
    assert.equal((await storage.stats()).pending, 0);
  });

  it('regression: are refused once the storage is closing (asked for then, one was reported taken when none was)', async () => {
    await writes.createPapers([{ id: 'closing', ...glacier }], { batch: false });
    const closing = storage.close();
    await assert.rejects(storage.snapshot(), isAppErrorWithCode('shutting_down'));
    await closing;
    await open();
    assert.equal((await storage.stats()).pending, 1, 'the write is still in the log');
  });

  it('regression: a write logged but not applied in memory is reported as pending a restart, later writes refused, and the restart applies it (it was answered as not applied, yet came back)', async () => {
    const live = storage.live;
    live.applyInSlices = async () => {
      throw new Error('Cannot enlarge memory');
    };
    await assert.rejects(writes.createPapers([{ id: 'logged', ...glacier }], { batch: false }), isAppErrorWithCode('write_pending_restart'));
    assert.equal(storage.health().status, 'degraded');
    await assert.rejects(writes.createPapers([{ id: 'after', ...glacier }], { batch: false }), isAppErrorWithCode('write_failed', /restarted/));
    // Regression: a snapshot then folded the part applied into the folder and dropped the log holding the whole write.
    await assert.rejects(storage.snapshot(), isAppErrorWithCode('write_failed', /restarted/));
    await writes.close();
    await storage.close();
    await open();
    assert.equal((await search.getPaper('logged')).id, 'logged');
    await assert.rejects(search.getPaper('after'), isAppErrorWithCode('paper_not_found'));
  });

  it('regression: are never taken by a storage that takes no writes (it replaced the folder without holding its lock)', async () => {
    await writes.createPapers([{ id: 'logged-before', ...glacier }], { batch: false });
    await writes.close();
    await storage.close();
    const readOnly = await openFakeStorage(folder, embedder, { acceptsWrites: false });
    try {
      assert.equal((await readOnly.stats()).pending, 1, 'the log is replayed');
      await readOnly.snapshot();
      assert.equal((await readOnly.stats()).pending, 1, 'and not folded into the folder');
    } finally {
      await readOnly.close();
    }
    await open();
  });

  it('regression: apply the writes made while a snapshot was being built to the new index a slice at a time, so other requests are answered meanwhile (1,000 papers held them 0.6 s at the swap)', async () => {
    await writes.createPapers([{ id: 'before', ...glacier }], { batch: false });
    const snapshot = writes.snapshot();
    const during = Array.from({ length: 3_000 }, (_, i): PaperChange => {
      const paper: Paper = { id: `during-${i}`, title: `Written during the snapshot ${i}`, abstract: `Applied again at the swap, number ${i}.` };
      return { op: 'put', paper, vector: embedder.paperVector(paper) };
    });
    await storage.commit([during]);
    const { longest, took } = await longestWait(async () => void (await snapshot));
    assert.equal((await search.getPaper('during-2999')).id, 'during-2999');
    assert.equal((await storage.stats()).pending, during.length);
    assert.ok(longest < took / 4, `the event loop waited ${longest.toFixed(0)} ms during the ${took.toFixed(0)} ms the snapshot took after the write`);
  });

  it('serve the writes made while a snapshot was being built', async () => {
    await writes.createPapers([{ id: 'before', ...glacier }], { batch: false });
    const snapshot = writes.snapshot();
    await writes.createPapers([{ id: 'during', ...glacier }], { batch: false });
    await snapshot;
    assert.equal((await search.getPaper('during')).id, 'during');
    assert.equal((await search.getPaper('before')).id, 'before');
  });
});
