import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { paperToCslJson } from '../../src/export/csl-json.js';
import { cslItemToRecord, isCslItem } from '../../src/ingest/formats/csl-json.js';
import { mapRecordToPaper } from '../../src/papers/paper-record.js';
import type { Paper } from '../../src/papers/paper.js';
import { publicationTypes } from '../../src/papers/publication-type.js';
import { readRecords } from './format-support.js';
import { temporaryRoot } from './support.js';

const root = temporaryRoot('paper-search-csl-');

const published: Paper = {
  id: 'glacier2019',
  title: 'Glacier Retreat',
  abstract: 'Ice loss measured by drones.',
  authors: ['Freja Østergaard', 'Anna van der Berg', 'John Smith Jr.', 'Google Research'],
  categories: ['glaciology', 'remote sensing'],
  year: 2019,
  date: '2019-06',
  doi: '10.5555/glacier.2019.42',
  url: 'https://example.org/glacier',
  venue: 'Journal of Glaciology',
  volume: '65',
  issue: '251',
  pages: '117-129',
};

const fields = ['title', 'abstract', 'authors', 'categories', 'year', 'date', 'doi', 'url', 'arxiv_id', 'type', 'venue', 'volume', 'issue', 'pages'] as const;

function readBack(item: ReturnType<typeof paperToCslJson>): Paper {
  const mapped = mapRecordToPaper(cslItemToRecord(item as unknown as Record<string, unknown>));
  assert.ok(mapped.ok, JSON.stringify(mapped));
  return mapped.paper;
}

const pick = (paper: Paper) => Object.fromEntries(fields.map((field) => [field, paper[field]]));

describe('CSL-JSON items', () => {
  it('regression: takes the arXiv id of Google Scholar\'s journal as Pandoc writes it (container-title "arXiv preprint arXiv:2005.14165" left the id out)', () => {
    const record = cslItemToRecord({ id: 'k', type: 'article-journal', title: 'T', abstract: 'A.', 'container-title': 'arXiv preprint arXiv:2005.14165' });
    assert.deepEqual([record.arxiv_id, record.type, record.venue], ['2005.14165', 'preprint', undefined]);
  });

  it('regression: leaves out a URL that is no web link, and takes the item (a file: URL refused the whole item)', () => {
    const record = cslItemToRecord({ id: 'k', type: 'article-journal', title: 'T', abstract: 'A.', URL: 'file:///home/me/t.pdf' });
    assert.equal(record.url, undefined);
  });

  it('read back as the papers the export made them of, for every type', () => {
    for (const type of publicationTypes) {
      const paper: Paper = { ...published, type };
      assert.deepEqual(pick(readBack(paperToCslJson(paper))), pick(paper), type);
    }
  });

  it('read an arXiv preprint (CSL "article", publisher arXiv, number "arXiv:<id>") as a preprint with its arXiv id', () => {
    const preprint: Paper = { id: '2305.04567', title: 'Reefs', abstract: 'Bleaching.', year: 2023, arxiv_id: '2305.04567' };
    const back = readBack(paperToCslJson(preprint));
    assert.deepEqual([back.type, back.arxiv_id, back.venue], ['preprint', '2305.04567', undefined]);
  });

  it("regression: read Zotero's rich text as plain text (its <i> and <sub> tags were stored and searched)", () => {
    const record = cslItemToRecord({
      id: 'coli',
      type: 'article-journal',
      title: 'Growth of <i>Escherichia coli</i> in H<sub>2</sub>O at <span style="font-variant:small-caps;">pH</span> 7',
      abstract: 'We grew <b>E. coli</b> &amp; friends; p < 0.05.',
    });
    assert.equal(record.title, 'Growth of Escherichia coli in H2O at pH 7');
    assert.equal(record.abstract, 'We grew E. coli & friends; p < 0.05.');
  });

  it("read Zotero's forms: a numeric id, a container title as a list, a bioRxiv preprint, a date of a year (the year alone: a date of a year was stored as a date, so the export read back gained one)", () => {
    const record = cslItemToRecord({
      id: 42,
      type: 'article',
      title: 'A preprint',
      publisher: 'bioRxiv',
      DOI: '10.1101/2020.01.01.123456',
      issued: { 'date-parts': [[2020]] },
      author: [{ family: 'Lovelace', given: 'Ada' }, { literal: 'The ATLAS Collaboration' }],
    });
    assert.deepEqual(record, {
      id: '42',
      title: 'A preprint',
      authors: ['Ada Lovelace', 'The ATLAS Collaboration'],
      year: 2020,
      doi: '10.1101/2020.01.01.123456',
      type: 'preprint',
    });
    assert.equal(cslItemToRecord({ id: 'c', type: 'paper-conference', 'container-title': ['Proceedings of ICML'] }).venue, 'Proceedings of ICML');
  });

  it('regression: writes a Chinese, Japanese or Korean name family first, unspaced (王 and 小明 became "小明 王")', () => {
    const record = cslItemToRecord({
      id: 'x',
      author: [
        { family: '王', given: '小明' },
        { family: 'Wang', given: 'Xiaoming' },
        { family: 'Beethoven', given: 'Ludwig', 'non-dropping-particle': 'van' },
      ],
    });
    assert.deepEqual(record.authors, ['王小明', 'Xiaoming Wang', 'Ludwig van Beethoven']);
  });

  it('regression: refuses a title, abstract or author list of another type, naming the field (the paper was stored untitled, without authors)', () => {
    const mapped = (item: Record<string, unknown>) => mapRecordToPaper(cslItemToRecord({ id: 'c', type: 'article-journal', abstract: 'A.', ...item }));
    for (const [field, value] of [
      ['title', { a: 1 }],
      ['abstract', 42],
      ['author', { family: 'Lovelace' }],
    ] as const) {
      const result = mapped({ [field]: value });
      assert.equal(result.ok, false, `${field}: ${JSON.stringify(result)}`);
      assert.equal(!result.ok && result.reason, 'invalid_field');
      assert.equal(!result.ok && result.field, field === 'author' ? 'authors' : field);
    }
    // A string of names is read as a delimited list, as in any other JSON record.
    const named = mapped({ author: 'Ada Lovelace; Alan Turing' });
    assert.deepEqual(named.ok && named.paper.authors, ['Ada Lovelace', 'Alan Turing']);
  });

  it('regression: read a date written as raw or literal text, and keywords given as a list (the date and the keywords were dropped)', () => {
    // As precise as it is: a date, or a year alone.
    const dated = (issued: unknown) => {
      const { date, year } = cslItemToRecord({ id: 'd', type: 'article-journal', issued });
      return date ?? (year === undefined ? undefined : String(year));
    };
    assert.equal(dated({ raw: '2019-05-03' }), '2019-05-03');
    assert.equal(dated({ raw: '2019/5' }), '2019-05');
    assert.equal(dated({ literal: 'May 2019' }), '2019-05');
    assert.equal(dated({ literal: 'Spring 2019', season: 1 }), '2019');
    assert.equal(dated('2021-11'), '2021-11');
    assert.equal(dated({ literal: 'forthcoming' }), undefined);
    assert.equal(dated({ 'date-parts': [['2020', '2']] }), '2020-02');
    // Regression: a season (21 to 24) or a day the month has not refused the whole record.
    assert.equal(dated({ 'date-parts': [[2018, 21]] }), '2018');
    assert.equal(dated({ 'date-parts': [[2018, 6, 31]] }), '2018-06');
    // Each part whole and a real date: a range was read as 1999-20 and 2019-05-20, and an impossible date refused the whole record.
    assert.equal(dated({ raw: '1999-2000' }), '1999');
    assert.equal(dated({ raw: '2019-05/2019-06' }), '2019-05');
    assert.equal(dated({ literal: '2019-02-30' }), '2019-02');
    assert.equal(dated({ raw: '2019-13' }), '2019');
    // A list's keywords are each whole, as the export writes categories holding a semicolon.
    const keywords = cslItemToRecord({ id: 'k', type: 'article-journal', keyword: ['glaciology', 'remote sensing, drones', 'glaciology'] });
    assert.deepEqual(keywords.categories, ['glaciology', 'remote sensing, drones']);
  });

  it('regression: take an id that names a DOI or arXiv id (DataCite, Zotero) as that identifier (ingestion stored "https://doi.org/…" and "arXiv:…" ids no write could name)', () => {
    const idOf = (id: string) => cslItemToRecord({ id, type: 'article-journal', title: 'T', abstract: 'A' }).id;
    assert.equal(idOf('https://doi.org/10.1038/Nature14539'), '10.1038/nature14539');
    assert.equal(idOf('arXiv:2101.00001v2'), '2101.00001v2', 'with its version: a library may hold two');
    assert.equal(idOf('doi:10.1/x'), '10.1/x');
    assert.equal(idOf('smith2020'), 'smith2020');
    // Another source's record with such an id is refused, as a write refuses it.
    const refused = mapRecordToPaper({ id: 'doi:10.1/x', abstract: 'A' });
    assert.deepEqual(refused.ok ? undefined : [refused.reason, refused.field], ['invalid_field', 'id']);
  });

  it("regression: names an item without an id or citation key by its DOI (doi.org's CSL-JSON for a Crossref DOI has neither, and every such item was refused as missing_id)", () => {
    const fromDoiOrg = {
      DOI: '10.1126/Science.169.3946.635',
      type: 'article-journal',
      title: 'The Structure of Ordinary Water',
      abstract: 'A.',
      'container-title': 'Science',
    };
    const read = mapRecordToPaper(cslItemToRecord(fromDoiOrg));
    assert.deepEqual(read.ok ? [read.paper.id, read.paper.doi] : read, ['10.1126/science.169.3946.635', '10.1126/science.169.3946.635']);
    assert.equal(cslItemToRecord({ ...fromDoiOrg, id: 'water1970' }).id, 'water1970');
    assert.equal(cslItemToRecord({ type: 'article-journal', title: 'T', abstract: 'A.' }).id, undefined);
  });

  it('regression: read an item without a type when the list is declared CSL (a TypeError stopped the whole import)', () => {
    assert.deepEqual(cslItemToRecord({ id: 'u', title: 'Untyped', abstract: 'No type.' }), { id: 'u', title: 'Untyped', abstract: 'No type.' });
  });

  it('regression: read back a category holding a comma whole, and the arXiv id of a paper that is not a preprint (they came back as two categories, and without it)', () => {
    const paper: Paper = { ...published, type: 'conference-paper', categories: ['attention', 'Carcinoma, Squamous Cell'], arxiv_id: '2101.00001' };
    assert.deepEqual(pick(readBack(paperToCslJson(paper))), pick(paper));
    assert.deepEqual(readBack(paperToCslJson({ ...published, categories: ['a', 'b'] })).categories, ['a', 'b']);
    // Regression: a category holding a semicolon was split there, and joined to the next at its comma.
    for (const categories of [
      ['Drug Therapy; Combination', 'Oncology'],
      ['Drug Therapy; Combination', 'Carcinoma, Squamous Cell'],
    ]) {
      assert.deepEqual(readBack(paperToCslJson({ ...published, categories })).categories, categories);
    }
  });

  it("are told from papers written in this product's own fields", () => {
    assert.equal(isCslItem({ id: 'x', type: 'article-journal', DOI: '10.1/x' }), true);
    assert.equal(isCslItem({ id: 'x', type: 'article-journal', authors: ['Ada Lovelace'], doi: '10.1/x' }), false);
    assert.equal(isCslItem({ id: 'x', type: 'journal-article', author: [] }), false);
  });

  it('are converted when a JSON array is read, and other objects of the array are left as they are', async () => {
    const path = join(root(), 'library.json');
    await writeFile(path, JSON.stringify([paperToCslJson(published), { id: 'plain', abstract: "A paper in the product's fields.", type: 'report' }], null, 2));
    const [cited, plain] = (await readRecords(path, 'json')).map((record) => record.value as Record<string, unknown>);
    assert.deepEqual([cited?.venue, cited?.type, cited?.authors], ['Journal of Glaciology', 'journal-article', published.authors]);
    assert.deepEqual(plain, { id: 'plain', abstract: "A paper in the product's fields.", type: 'report' });
  });
});
