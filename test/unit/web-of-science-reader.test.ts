import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectInputFormat } from '../../src/ingest/format-detection.js';
import { mapRecordToPaper } from '../../src/papers/paper-record.js';
import { readRecords } from './format-support.js';
import { temporaryRoot } from './support.js';

const root = temporaryRoot('paper-search-wos-');

/** Two records of Web of Science's "Plain text file" export: wrapped values indented by three spaces, one author a line. */
const plainText = [
  '\uFEFFFN Clarivate Analytics Web of Science',
  'VR 1.0',
  'PT J',
  'AU Smith, J',
  '   Doe, AB',
  'AF Smith, John',
  '   Doe, Anne B.',
  'CA Hydrogel Consortium',
  'TI "Smart" hydrogels for drug delivery: a',
  '   review',
  'SO JOURNAL OF CONTROLLED RELEASE',
  'LA English',
  'DT Review',
  'DE hydrogel; drug delivery;',
  '   stimuli-responsive',
  'ID POLYMERS; RELEASE',
  'AB Smart hydrogels respond to stimuli. We review their use in drug',
  '   delivery.',
  'C1 [Smith, John] Univ Oxford, Oxford, England.',
  '   [Doe, Anne B.] MIT, Cambridge, MA USA.',
  'PD JUN 21',
  'PY 2019',
  'VL 300',
  'IS 2',
  'BP 12',
  'EP 34',
  'DI 10.1016/j.jconrel.2019.01.001',
  'WC Pharmacology & Pharmacy; Chemistry, Multidisciplinary',
  'PM 31452104',
  'UT WOS:000468736000038',
  'ER',
  '',
  'PT C',
  'AU Lee, K',
  'TI Attention is enough',
  'SO ADVANCES IN NEURAL INFORMATION PROCESSING SYSTEMS',
  'DT Proceedings Paper',
  'AB We propose a network.',
  'PY 2017',
  'VL 30',
  'BP 5998',
  'EP +',
  'UT WOS:000452649406008',
  'ER',
  '',
  'EF',
  '',
].join('\n');

const tabColumns = 'PT AU BA BE GP AF BF CA TI SO SE BS LA DT CT CY CL SP HO DE ID AB C1 PD PY VL IS BP EP AR DI WC PM UT'.split(' ');

/** The same kind of records in the "Tab delimited file" export: a header of tags, a line a record, nothing quoted. */
function tabDelimited(rows: Record<string, string>[]): string {
  const line = (row: Record<string, string>) => tabColumns.map((column) => row[column] ?? '').join('\t');
  return `\uFEFF${tabColumns.join('\t')}\r\n${rows.map(line).join('\r\n')}\r\n`;
}

const expectedReview = {
  id: 'WOS:000468736000038',
  title: '"Smart" hydrogels for drug delivery: a review',
  abstract: 'Smart hydrogels respond to stimuli. We review their use in drug delivery.',
  authors: ['John Smith', 'Anne B. Doe', 'Hydrogel Consortium'],
  categories: ['hydrogel', 'drug delivery', 'stimuli-responsive', 'Pharmacology & Pharmacy', 'Chemistry, Multidisciplinary'],
  year: 2019,
  date: '2019-06',
  doi: '10.1016/j.jconrel.2019.01.001',
  venue: 'JOURNAL OF CONTROLLED RELEASE',
  type: 'journal-article',
  volume: '300',
  issue: '2',
  pages: '12-34',
};

describe('readWebOfScience', () => {
  it('reads the plain-text export: accession number, wrapped title and abstract, full names one a line, group author, keywords and categories, date, DOI, source, pages', async () => {
    const path = join(root(), 'savedrecs.txt');
    await writeFile(path, plainText);
    const [review, conference, ...rest] = await readRecords(path, 'web-of-science');
    assert.equal(rest.length, 0);
    assert.equal(review?.position, 'record WOS:000468736000038 (line 3)');
    assert.deepEqual(review?.value, expectedReview);
    // "EP +" counts no last page; a proceedings paper is a conference paper.
    const second = conference?.value as Record<string, unknown>;
    assert.deepEqual([second.id, second.authors, second.type, second.pages, second.year], ['WOS:000452649406008', ['K Lee'], 'conference-paper', '5998', 2017]);
    for (const record of [review, conference]) assert.equal(mapRecordToPaper(record?.value).ok, true);
  });

  it('reads the tab-delimited export as the plain text: authors parted at semicolons, quotes as plain characters', async () => {
    const path = join(root(), 'savedrecs-tab.txt');
    await writeFile(
      path,
      tabDelimited([
        {
          PT: 'J',
          AU: 'Smith, J; Doe, AB',
          AF: 'Smith, John; Doe, Anne B.',
          CA: 'Hydrogel Consortium',
          TI: '"Smart" hydrogels for drug delivery: a review',
          SO: 'JOURNAL OF CONTROLLED RELEASE',
          DT: 'Review',
          DE: 'hydrogel; drug delivery; stimuli-responsive',
          ID: 'POLYMERS; RELEASE',
          AB: 'Smart hydrogels respond to stimuli. We review their use in drug delivery.',
          PD: 'JUN 21',
          PY: '2019',
          VL: '300',
          IS: '2',
          BP: '12',
          EP: '34',
          DI: '10.1016/j.jconrel.2019.01.001',
          WC: 'Pharmacology & Pharmacy; Chemistry, Multidisciplinary',
          UT: 'WOS:000468736000038',
        },
        { PT: 'J', AF: 'Roe, Rita', TI: 'Numbered, not paged', AB: 'An abstract.', PY: '2021', AR: 'e1002', UT: 'WOS:000600000000001' },
      ]),
    );
    const [review, numbered] = await readRecords(path, 'web-of-science');
    assert.equal(review?.position, 'record WOS:000468736000038 (line 2)');
    assert.deepEqual(review?.value, expectedReview);
    assert.equal((numbered?.value as Record<string, unknown>).pages, 'e1002');
  });

  it('refuses a plain-text record the file ends inside, and a record without an accession number for want of an id', async () => {
    const path = join(root(), 'cut.txt');
    await writeFile(path, 'FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI No accession number\nAB A.\nER\n\nPT J\nTI Cut\nUT WOS:1\n');
    const [unnamed, cut] = await readRecords(path, 'web-of-science');
    assert.equal(mapRecordToPaper(unnamed?.value).ok, false);
    assert.deepEqual([cut?.position, cut?.error?.reason], ['record WOS:1 (line 8)', 'malformed_record']);
  });

  it('dates a record in early access, which has no PY yet, by when it went online (EA)', async () => {
    const path = join(root(), 'early.txt');
    await writeFile(path, 'PT J\nTI Early\nAB A.\nEA JUN 2021\nUT WOS:2\nER\n');
    const [record] = await readRecords(path, 'web-of-science');
    const value = record?.value as Record<string, unknown>;
    assert.deepEqual([value.year, value.date], [2021, '2021-06']);
  });

  it("tells a preprint server's records (the Preprint Citation Index) and an arXiv DOI", async () => {
    const path = join(root(), 'preprints.txt');
    await writeFile(path, 'PT J\nTI A preprint\nAB A.\nSO arXiv\nDT Preprint\nPY 2024\nDI 10.48550/arXiv.2401.00001\nUT PPRN:1\nER\n');
    const [record] = await readRecords(path, 'web-of-science');
    const value = record?.value as Record<string, unknown>;
    assert.deepEqual([value.type, value.venue, value.arxiv_id], ['preprint', undefined, '2401.00001']);
  });
});

describe('detectInputFormat: Web of Science', () => {
  it('regression: reads both Web of Science exports as such, also renamed .csv (it was "Cannot tell the format", and as CSV the Keywords Plus column was taken for the id)', async () => {
    const tab = tabDelimited([{ PT: 'J', TI: 'T', AB: 'A', UT: 'WOS:1', ID: 'KEYWORDS PLUS' }]);
    for (const [name, text] of [
      ['savedrecs.txt', plainText],
      ['savedrecs (1).txt', tab],
      ['wos.csv', tab],
      ['wos.tsv', tab],
    ] as const) {
      const path = join(root(), name);
      await writeFile(path, text);
      assert.equal(await detectInputFormat(path), 'web-of-science', name);
    }
  });

  it('leaves a CSV file whose header merely names some tags a CSV file', async () => {
    const path = join(root(), 'papers.csv');
    await writeFile(path, 'id,title,abstract\n1,PT AU TI UT,text\n');
    assert.equal(await detectInputFormat(path), 'csv');
  });
});
