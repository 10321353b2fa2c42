import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { semanticScholarPaperToRecord } from '../../src/ingest/formats/semantic-scholar.js';
import { formatFixtures, readRecords } from './format-support.js';
import { isAppErrorWithCode, temporaryRoot } from './support.js';

const root = temporaryRoot('paper-search-s2-');

describe('semanticScholarPaperToRecord', () => {
  it('maps a papers-dataset line, joining the abstract by corpusid', () => {
    const record = semanticScholarPaperToRecord(
      {
        corpusid: 7,
        externalids: { DOI: '10.1/X', ArXiv: '2109.01111', CorpusId: '7' },
        url: 'https://www.semanticscholar.org/paper/abc',
        title: 'Lichen Growth\nRates',
        authors: [{ authorId: '1', name: 'Aoife Ní Bhriain' }, { name: null }],
        year: 2021,
        publicationdate: '2021-09-03',
        s2fieldsofstudy: [
          { category: 'Biology', source: 'external' },
          { category: 'Biology', source: 's2-fos-model' },
          { category: 'Environmental Science', source: 's2-fos-model' },
        ],
      },
      new Map([[7, 'Joined abstract.']]),
    );
    assert.deepEqual(record, {
      id: 'CorpusId:7',
      abstract: 'Joined abstract.',
      title: 'Lichen Growth Rates',
      authors: ['Aoife Ní Bhriain'],
      year: 2021,
      date: '2021-09-03',
      doi: '10.1/X',
      arxiv_id: '2109.01111',
      categories: ['Biology', 'Environmental Science'],
      url: 'https://www.semanticscholar.org/paper/abc',
    });
  });

  it('reads Graph API papers (camelCase, inline abstract, paperId when there is no corpus id)', () => {
    const record = semanticScholarPaperToRecord(
      { paperId: 'abc123', title: 'T', abstract: 'Inline.', externalIds: { DOI: '10.1/y' }, publicationDate: '2020-01-02', fieldsOfStudy: ['Physics'] },
      new Map(),
    );
    assert.deepEqual(record, { id: 'abc123', abstract: 'Inline.', title: 'T', date: '2020-01-02', doi: '10.1/y', categories: ['Physics'] });
  });

  it('regression: takes the date when the year disagrees (BERT, year 2019 and date 2018-10-11, was rejected as a contradiction)', () => {
    const record = semanticScholarPaperToRecord(
      { paperId: 'bert', title: 'BERT', abstract: 'Pre-training.', year: 2019, publicationDate: '2018-10-11' },
      new Map(),
    ) as Record<string, unknown>;
    assert.deepEqual([record.date, record.year], ['2018-10-11', undefined]);
  });

  it("takes the journal's name, volume and pages, else the venue", () => {
    const journal = semanticScholarPaperToRecord(
      { paperId: 'j', venue: 'Nat.', journal: { name: 'Nature', volume: ' 521', pages: '436 - 444' } },
      new Map(),
    ) as Record<string, unknown>;
    assert.deepEqual([journal.venue, journal.volume, journal.pages], ['Nature', '521', '436 - 444']);
    const venue = semanticScholarPaperToRecord({ paperId: 'v', venue: 'NeurIPS' }, new Map()) as Record<string, unknown>;
    assert.equal(venue.venue, 'NeurIPS');
    // A conference paper also on arXiv: the journal is "ArXiv", the venue the conference.
    const onArxiv = semanticScholarPaperToRecord({ paperId: 'a', venue: 'NeurIPS', journal: { name: 'ArXiv', volume: 'abs/1810.04805' } }, new Map()) as Record<
      string,
      unknown
    >;
    assert.deepEqual([onArxiv.venue, onArxiv.volume], ['NeurIPS', undefined]);
  });

  it('takes the type from publicationTypes, a conference before a journal; a journal article only on arXiv is a preprint', () => {
    const typeOf = (paper: Record<string, unknown>) => (semanticScholarPaperToRecord({ paperId: 'p', ...paper }, new Map()) as Record<string, unknown>).type;
    assert.equal(typeOf({ publicationTypes: ['JournalArticle', 'Conference'], venue: 'NeurIPS' }), 'conference-paper');
    assert.equal(typeOf({ publicationtypes: ['Review', 'JournalArticle'], journal: { name: 'Nature' } }), 'journal-article');
    assert.equal(typeOf({ publicationTypes: ['JournalArticle'], journal: { name: 'ArXiv' }, externalIds: { ArXiv: '1810.04805' } }), 'preprint');
    assert.equal(typeOf({ publicationTypes: ['JournalArticle'], venue: 'Nature', journal: { name: 'ArXiv' } }), 'journal-article');
    assert.equal(typeOf({ publicationTypes: ['CaseReport'] }), undefined);
    assert.equal(typeOf({ publicationTypes: null }), undefined);
  });
});

describe('readSemanticScholar', () => {
  it('joins the abstracts file on corpusid; a paper whose abstract is absent has none', async () => {
    const records = await readRecords(join(formatFixtures, 's2-papers.jsonl'), 'semantic-scholar', { abstracts: join(formatFixtures, 's2-abstracts.jsonl') });
    assert.deepEqual(
      records.map((record) => [record.position, (record.value as Record<string, unknown>).abstract !== undefined]),
      [
        ['line 1 (CorpusId:900001)', true],
        ['line 2 (CorpusId:900002)', true],
        ['line 3 (CorpusId:900003)', false],
        ['line 4 (CorpusId:900004)', true],
        ['line 5 (CorpusId:900002)', true],
      ],
    );
    assert.match(String((records[0]!.value as Record<string, unknown>).abstract), /^Lichen on urban trees/);
  });

  it('reads folders of gzipped parts for both datasets', async () => {
    const papers = join(root(), 'papers');
    const abstracts = join(root(), 'abstracts');
    await mkdir(papers);
    await mkdir(abstracts);
    await writeFile(join(papers, 'part-0.jsonl.gz'), gzipSync('{"corpusid":1,"title":"One"}\n'));
    await writeFile(join(papers, 'part-1.jsonl.gz'), gzipSync('{"corpusid":2,"title":"Two"}\n'));
    await writeFile(join(abstracts, 'part-0.jsonl.gz'), gzipSync('{"corpusid":2,"abstract":"Second."}\n{"corpusid":3,"abstract":"Not wanted."}\n'));
    await writeFile(join(abstracts, 'part-1.jsonl.gz'), gzipSync('{"corpusid":1,"abstract":"First."}\n'));
    const records = await readRecords(papers, 'semantic-scholar', { abstracts });
    assert.deepEqual(
      records.map((record) => [record.position, record.value]),
      [
        ['part-0.jsonl.gz line 1 (CorpusId:1)', { id: 'CorpusId:1', abstract: 'First.', title: 'One' }],
        ['part-1.jsonl.gz line 1 (CorpusId:2)', { id: 'CorpusId:2', abstract: 'Second.', title: 'Two' }],
      ],
    );
  });

  it('refuses --abstracts with any other format', async () => {
    await assert.rejects(
      readRecords(join(formatFixtures, 'library.bib'), 'bibtex', { abstracts: join(formatFixtures, 's2-abstracts.jsonl') }),
      isAppErrorWithCode('config_invalid', /semantic-scholar/),
    );
  });

  it('fails with input_malformed when a wanted abstract line is not JSON', async () => {
    const abstracts = join(root(), 'bad-abstracts.jsonl');
    await writeFile(abstracts, '{"corpusid":900001,"abstract":"cut\n');
    await assert.rejects(
      readRecords(join(formatFixtures, 's2-papers.jsonl'), 'semantic-scholar', { abstracts }),
      isAppErrorWithCode('input_malformed', /line 1 \(corpusid 900001\)/),
    );
  });
});
