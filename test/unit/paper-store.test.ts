import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Paper } from '../../src/papers/paper.js';
import { PaperStore } from '../../src/storage/embedded/paper-store.js';
import { PapersFileWriter } from '../../src/storage/embedded/papers-file.js';
import { isAppErrorWithCode, longestWait, temporaryRoot } from './support.js';

const papers: Paper[] = [
  { id: 'a', title: 'Alpha', abstract: 'First.', authors: ['X'], year: 2020 },
  { id: 'b', title: '', abstract: 'Second, with "quotes" and\nnewline.' },
  { id: 'c', title: 'Γάμμα — unicode', abstract: 'Third ✓', categories: ['cs.CL'], doi: '10.1/c', url: 'https://x/c', arxiv_id: '2401.00001', date: '2024-01' },
];

let counter = 0;
const dir = temporaryRoot('paper-search-store-');

async function writePapers(items: readonly Paper[]): Promise<string> {
  const path = join(dir(), `papers-${counter++}.jsonl`);
  const writer = new PapersFileWriter(path);
  for (const paper of items) await writer.append(paper);
  await writer.close();
  return path;
}

describe('PaperStoreWriter + PaperStore', () => {
  it('regression: loads a large papers file a slice at a time, so other requests are answered meanwhile (a snapshot swap of 11,000 papers held them 0.15 s)', async () => {
    const many: Paper[] = Array.from({ length: 60_000 }, (_, i) => ({
      id: `paper-${i}`,
      title: `Paper ${i}`,
      abstract: `The abstract of paper ${i}.`,
      doi: `10.1000/${i}`,
      arxiv_id: `2401.${String(i).padStart(5, '0')}`,
    }));
    const path = join(dir(), `papers-${counter++}.jsonl`);
    await writeFile(path, `${many.map((paper) => JSON.stringify(paper)).join('\n')}\n`);
    let store: PaperStore | undefined;
    const { longest, took } = await longestWait(async () => {
      store = await PaperStore.load(path, many.length);
    });
    assert.equal(store!.labelOf('doi:10.1000/59999'), 59_999);
    assert.ok(longest < took / 4, `the event loop waited ${longest.toFixed(0)} ms during a load of ${took.toFixed(0)} ms`);
  });

  it('round-trips papers in label order', async () => {
    const store = await PaperStore.load(await writePapers(papers), papers.length);
    assert.equal(store.size, 3);
    papers.forEach((paper, label) => {
      assert.deepEqual(store.byLabel(label), paper);
      assert.equal(store.labelOf(paper.id), label);
    });
  });

  it('gives each record as JSON text: its stored line, or the paper written since, encoded', async () => {
    const path = await writePapers(papers);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    const store = await PaperStore.load(path, papers.length);
    store.byLabel(1);
    const added = { id: 'd', title: 'Delta', abstract: 'Written while serving.' };
    const label = store.append(added);
    assert.deepEqual(
      papers.map((_, i) => Buffer.from(store.jsonOf(i)).toString('utf8')),
      lines,
    );
    assert.equal(Buffer.from(store.jsonOf(label)).toString('utf8'), JSON.stringify(added));
    store.remove(0);
    assert.throws(() => store.jsonOf(0), isAppErrorWithCode('internal'));
  });

  it('finds papers by doi: and arxiv: identifiers, case- and version-insensitively', async () => {
    const store = await PaperStore.load(await writePapers(papers), papers.length);
    assert.equal(store.labelOf('doi:10.1/C'), 2);
    assert.equal(store.labelOf('doi:https://doi.org/10.1/c'), 2);
    assert.equal(store.labelOf('arxiv:2401.00001'), 2);
    assert.equal(store.labelOf('arxiv:2401.00001v3'), 2);
    assert.equal(store.labelOf('doi:10.1/unknown'), undefined);
    assert.equal(store.labelOf('2401.00001'), undefined, 'a bare arXiv id is not a paper id');
  });

  it('finds papers by the DOI and arXiv links people paste', async () => {
    const arxivOnly: Paper = { id: 'd', title: 'Delta', abstract: 'Fourth.', arxiv_id: 'hep-th/9901001v2' };
    const store = await PaperStore.load(await writePapers([...papers, arxivOnly]), papers.length + 1);
    for (const link of [
      'https://doi.org/10.1/C',
      'http://dx.doi.org/10.1/c',
      'https://arxiv.org/abs/2401.00001',
      'https://arxiv.org/abs/2401.00001v2',
      'http://export.arxiv.org/pdf/2401.00001v1.pdf',
      'https://www.arxiv.org/pdf/2401.00001',
      // Regression: a browser's address bar copies links without their scheme, and these were 404.
      'arxiv.org/abs/2401.00001',
      'doi.org/10.1/c',
    ]) {
      assert.equal(store.labelOf(link), 2, link);
    }
    assert.equal(store.labelOf('https://arxiv.org/abs/hep-th/9901001'), 3);
    // arXiv shows each paper's DOI link; papers read from arXiv carry the arXiv id, not that DOI.
    assert.equal(store.labelOf('https://doi.org/10.48550/arXiv.2401.00001'), 2);
    assert.equal(store.labelOf('doi:10.48550/arXiv.hep-th/9901001'), 3);
    assert.equal(store.labelOf('https://doi.org/10.1/unknown'), undefined);
    assert.equal(store.labelOf('https://doi.org/10.1%2Fc'), 2, 'a percent-encoded link');
    assert.equal(store.labelOf('https://example.org/abs/2401.00001'), undefined, 'a link of another site');
    assert.equal(store.labelOf('https://arxiv.org/abs/2401.00001/extra'), undefined, 'a link with more after the id');
  });

  it('lets a paper whose id is a DOI link be named by that link, before any paper with that DOI', async () => {
    const linkId: Paper = { id: 'https://doi.org/10.1/c', title: 'Linked', abstract: 'Fifth.' };
    const store = await PaperStore.load(await writePapers([...papers, linkId]), papers.length + 1);
    assert.equal(store.labelOf('https://doi.org/10.1/c'), 3);
    assert.equal(store.labelOf('https://doi.org/10.1/C'), 2, 'another spelling is a DOI lookup');
  });

  it('writes one JSON object per line', async () => {
    const text = await readFile(await writePapers(papers), 'utf8');
    const lines = text.split('\n');
    assert.equal(lines.length, papers.length + 1);
    assert.equal(lines.at(-1), '');
  });

  it('writes an empty file for no papers, which loads as an empty store', async () => {
    const path = await writePapers([]);
    assert.equal(await readFile(path, 'utf8'), '');
    assert.equal((await PaperStore.load(path, 0)).size, 0);
  });

  it('refuses to write an invalid paper', async () => {
    const writer = new PapersFileWriter(join(dir(), `invalid-${counter++}.jsonl`));
    try {
      await assert.rejects(writer.append({ id: '', title: 'T', abstract: 'a' }));
      await assert.rejects(writer.append({ id: 'x', title: 'T', abstract: 'a', year: 2020.5 }));
    } finally {
      await writer.close();
    }
  });

  it('writes a paper with an empty abstract (one indexed by its title alone)', async () => {
    const path = join(dir(), `title-only-${counter++}.jsonl`);
    const writer = new PapersFileWriter(path);
    try {
      await writer.append({ id: 'x', title: 'Only a title', abstract: '' });
    } finally {
      await writer.close();
    }
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { id: 'x', title: 'Only a title', abstract: '' });
  });

  it('drops unknown properties when writing', async () => {
    const path = join(dir(), `extra-${counter++}.jsonl`);
    const writer = new PapersFileWriter(path);
    await writer.append({ id: 'x', title: 'T', abstract: 'a', secret: 'drop me' } as Paper);
    await writer.close();
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { id: 'x', title: 'T', abstract: 'a' });
  });

  it('returns undefined for an unknown id and throws internal for an unknown label', async () => {
    const store = await PaperStore.load(await writePapers(papers), papers.length);
    assert.equal(store.labelOf('nope'), undefined);
    assert.throws(() => store.byLabel(3), isAppErrorWithCode('internal'));
    assert.throws(() => store.byLabel(-1), isAppErrorWithCode('internal'));
  });

  it('appends papers under new labels and tombstones removed ones', async () => {
    const store = await PaperStore.load(await writePapers(papers), papers.length);
    const replaced = papers[0]!;
    const label = store.append({ ...replaced, title: 'New title' });
    assert.equal(label, papers.length);
    assert.equal(store.labelOf(replaced.id), label, 'the id points at the newest label');
    store.remove(0);
    assert.equal(store.labelOf(replaced.id), label, 'removing the old label keeps the new one reachable');
    assert.equal(store.isLive(0), false);
    assert.equal(store.liveCount, papers.length);
    assert.equal(store.tombstoneCount, 1);
    assert.deepEqual(
      [...store.entries()].map(([entryLabel]) => entryLabel),
      [1, 2, 3],
    );
    store.remove(label);
    assert.equal(store.labelOf(replaced.id), undefined);
    assert.throws(() => store.byLabel(label), isAppErrorWithCode('internal'));
  });

  it('throws index_corrupt when the count differs from the expected one', async () => {
    const path = await writePapers(papers);
    await assert.rejects(PaperStore.load(path, 4), isAppErrorWithCode('index_corrupt', /3 papers.*says 4/));
    await assert.rejects(PaperStore.load(path, 2), isAppErrorWithCode('index_corrupt'));
  });

  it('reads identifiers with escapes and records in another key order, and parses records exactly', async () => {
    const unusual: Paper[] = [
      { id: 'quote " and \\ backslash', title: 'T', abstract: 'Mentions ,"doi":" inside the text and \u2028 a separator', doi: '10.5/Q"X' },
      { id: 'ünï', title: 'Ü', abstract: 'a', arxiv_id: '2401.99999v3', authors: ['A ,"arxiv_id":"2401.00000'] },
    ];
    const path = join(dir(), `unusual-${counter++}.jsonl`);
    const reordered = JSON.stringify({ title: 'Reordered', abstract: 'keys in another order', id: 'reordered', doi: '10.9/R' });
    await writeFile(path, `${unusual.map((paper) => JSON.stringify(paper)).join('\n')}\n${reordered}\n`);
    const store = await PaperStore.load(path, 3);
    assert.equal(store.labelOf('quote " and \\ backslash'), 0);
    assert.equal(store.labelOf('doi:10.5/q"x'), 0);
    assert.equal(store.labelOf('arxiv:2401.99999'), 1);
    assert.equal(store.labelOf('arxiv:2401.00000'), undefined, 'text that looks like a key inside a string is not one');
    assert.equal(store.labelOf('doi:10.9/r'), 2);
    assert.deepEqual(store.byLabel(0), unusual[0]);
    assert.deepEqual(store.byLabel(1), unusual[1]);
    assert.equal(store.byLabel(2).title, 'Reordered');
  });

  it('ignores blank lines', async () => {
    const path = join(dir(), `blank-${counter++}.jsonl`);
    await writeFile(path, `${JSON.stringify(papers[0])}\n\n${JSON.stringify(papers[1])}\n`);
    assert.equal((await PaperStore.load(path, 2)).size, 2);
  });

  it('throws index_corrupt for a line that is not JSON', async () => {
    const path = join(dir(), `broken-${counter++}.jsonl`);
    await writeFile(path, `${JSON.stringify(papers[0])}\n{"id": "b", "tit\n`);
    await assert.rejects(PaperStore.load(path, 2), isAppErrorWithCode('index_corrupt'));
  });

  it('throws index_corrupt for a missing file', async () => {
    await assert.rejects(PaperStore.load(join(dir(), 'missing.jsonl'), 0), isAppErrorWithCode('index_corrupt'));
  });
});
