import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { arxivSnapshotToRecord } from '../../src/ingest/formats/arxiv-snapshot.js';
import { loadBibtexLibrary } from '../../src/ingest/formats/tex-text.js';
import { formatFixtures, readRecords } from './format-support.js';

let parse: Awaited<ReturnType<typeof loadBibtexLibrary>>;
before(async () => {
  parse = await loadBibtexLibrary();
});

const convert = (line: Record<string, unknown>) => arxivSnapshotToRecord(parse, line) as Record<string, unknown>;

describe('arxivSnapshotToRecord', () => {
  it('collapses the hard line breaks and indentation of titles and abstracts', () => {
    const record = convert({
      id: '2101.00001',
      title: 'Neural Operators for\n  Ocean Current Forecasting',
      abstract: '  We train an operator\non reanalysis data.\n  A second paragraph\nfollows.\n',
    });
    assert.equal(record.title, 'Neural Operators for Ocean Current Forecasting');
    assert.equal(record.abstract, 'We train an operator on reanalysis data. A second paragraph follows.');
  });

  it('keeps the journal reference as the venue', () => {
    assert.equal(convert({ id: 'x', 'journal-ref': ' Phys. Rev. D 76, 013009 (2007) ' }).venue, 'Phys. Rev. D 76, 013009 (2007)');
    assert.equal(convert({ id: 'y', 'journal-ref': null }).venue, undefined);
  });

  it('turns TeX into text: accents, math, dashes, ties', () => {
    const record = convert({
      id: 'x',
      title: 'Schr\\"odinger Bridges on Calabi--Yau Manifolds',
      abstract: 'An error below $\\epsilon$~m/s and a $10^3$ speed-up for G\\"odel\'s $\\alpha$.',
      authors_parsed: [
        ["Ru\\'iz", 'Ana', ''],
        ['Str\\"om', 'Bj\\"orn', 'Jr'],
      ],
    });
    assert.equal(record.title, 'Schrödinger Bridges on Calabi–Yau Manifolds');
    assert.equal(record.abstract, "An error below ϵ m/s and a 10³ speed-up for Gödel's α.");
    assert.deepEqual(record.authors, ['Ana Ruíz', 'Björn Ström Jr']);
  });

  it('regression: joins hyphenated initials as the authors string writes them (authors_parsed\'s "C. -P." gave "C. -P. Yuan" for C.-P. Yuan)', () => {
    const record = convert({
      id: '0704.0001',
      authors: "C. Bal\\'azs, C.-P. Yuan, J.-H. Park",
      authors_parsed: [
        ["Bal\\'azs", 'C.', ''],
        ['Yuan', 'C. -P.', ''],
        ['Park', 'J. -H.', ''],
      ],
    });
    assert.deepEqual(record.authors, ['C. Balázs', 'C.-P. Yuan', 'J.-H. Park']);
  });

  it('falls back to the authors string, dropping affiliations in parentheses', () => {
    const record = convert({ id: 'x', authors: "P. Nadel (Univ. of Nowhere), Q. Quark and R. Bal\\'azs" });
    assert.deepEqual(record.authors, ['P. Nadel', 'Q. Quark', 'R. Balázs']);
  });

  it('regression: drops arXiv\'s numbered affiliations, nested in parentheses ("B. Author ( MIT" and "Stanford)" were stored as authors)', () => {
    const record = convert({ id: 'x', authors: 'A. Author (1), B. Author (2) ((1) MIT, (2) Stanford)' });
    assert.deepEqual(record.authors, ['A. Author', 'B. Author']);
  });

  it('dates the paper by its first version, else by update_date', () => {
    const versions = [
      { version: 'v1', created: 'Mon, 2 Apr 2007 19:18:42 GMT' },
      { version: 'v2', created: 'Tue, 24 Jul 2007 20:10:27 GMT' },
    ];
    assert.equal(convert({ id: 'x', versions, update_date: '2008-11-13' }).date, '2007-04-02');
    assert.equal(convert({ id: 'x', update_date: '2008-11-13' }).date, '2008-11-13');
    assert.equal(convert({ id: 'x', versions: [{ created: 'garbled' }], update_date: '2008-11-13' }).date, '2008-11-13');
  });

  it('uses the id as arXiv id and for the URL, splits categories, and keeps the first of several DOIs', () => {
    const record = convert({ id: 'hep-th/9901001', categories: 'hep-th math.AG', doi: '10.1/a 10.1/b' });
    assert.deepEqual(
      [record.id, record.arxiv_id, record.url, record.categories, record.doi],
      ['hep-th/9901001', 'hep-th/9901001', 'https://arxiv.org/abs/hep-th/9901001', ['hep-th', 'math.AG'], '10.1/a'],
    );
  });

  it('leaves out a blank abstract (so mapping rejects the record as missing_abstract) and passes non-objects through', () => {
    assert.equal(convert({ id: 'x', abstract: '   \n' }).abstract, undefined);
    assert.deepEqual(arxivSnapshotToRecord(parse, [1, 2]), [1, 2]);
  });
});

describe('readArxivSnapshot on a snapshot excerpt', () => {
  it('reads JSON lines despite the .json name; positions carry line and id; a broken line is invalid_json', async () => {
    const records = await readRecords(join(formatFixtures, 'arxiv-metadata-oai-snapshot.json'), 'arxiv-snapshot');
    assert.deepEqual(
      records.map((record) => [record.position, record.error?.reason ?? 'ok']),
      [
        ['line 1 (2101.00001)', 'ok'],
        ['line 2 (hep-th/9901001)', 'ok'],
        ['line 3 (2203.00003)', 'ok'],
        ['line 4 (2204.00004)', 'ok'],
        ['line 5', 'invalid_json'],
        ['line 6 (2101.00001)', 'ok'],
        ['line 7 (2306.00006)', 'ok'],
      ],
    );
    assert.deepEqual(records[0]!.value, {
      id: '2101.00001',
      arxiv_id: '2101.00001',
      url: 'https://arxiv.org/abs/2101.00001',
      title: 'Neural Operators for Ocean Current Forecasting',
      abstract:
        'We train a Fourier neural operator on 30 years of reanalysis data to forecast ocean surface currents ten days ahead. ' +
        'The operator runs 10³ times faster than the numerical model and keeps the error below ϵ=0.1 m/s in the Gulf Stream, ' +
        'where Schrödinger-bridge baselines fail.',
      authors: ['Ana Ruíz', 'Björn Ström', 'Chen Wei'],
      categories: ['physics.ao-ph', 'cs.LG'],
      date: '2021-01-01',
      doi: '10.5555/ocean.2021.1',
    });
  });
});
