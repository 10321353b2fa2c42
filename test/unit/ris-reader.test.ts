import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { risRecordToRecord } from '../../src/ingest/formats/ris.js';
import { formatFixtures, readRecords } from './format-support.js';
import { mainThreadMs, temporaryRoot } from './support.js';

const root = temporaryRoot('paper-search-ris-');

async function readRis(content: string) {
  const path = join(root(), `input-${Math.random().toString(36).slice(2)}.ris`);
  await writeFile(path, content);
  return readRecords(path, 'ris');
}

describe('readRis', () => {
  it('joins wrapped lines and repeated AB/N2 tags into one abstract', async () => {
    const [wrapped, repeated] = await readRis(
      'TY  - JOUR\nID  - w\nAB  - First line\n   continues here\n\n  and here.\nER  - \n' +
        'TY  - JOUR\nID  - r\nN2  - First part.\nN2  - Second part.\nER  -\n',
    );
    assert.equal((wrapped?.value as Record<string, unknown>).abstract, 'First line continues here and here.');
    assert.equal((repeated?.value as Record<string, unknown>).abstract, 'First part. Second part.');
  });

  it('regression: joins a value wrapped over very many lines in one pass (trimming the whole value at each line was quadratic: 320,000 lines took 46 s)', async () => {
    const lines = 200_000;
    const started = mainThreadMs();
    const [record] = await readRis(`TY  - JOUR\nID  - long\nTI  - t\nAB  - start\n${'a\n'.repeat(lines)}ER  - \n`);
    const seconds = (mainThreadMs() - started) / 1000;
    const abstract = (record?.value as Record<string, unknown>).abstract as string;
    assert.equal(abstract.length, 'start'.length + 2 * lines);
    assert.ok(abstract.startsWith('start a a ') && abstract.endsWith(' a'));
    assert.ok(seconds < 5, `${seconds.toFixed(1)} s`);
  });

  it('reads both tag families: TI/T1, AB/N2, AU/A1, PY/Y1/DA', async () => {
    const [modern, older] = await readRis(
      'TY  - JOUR\nTI  - Modern\nAU  - Doe, Jane\nAB  - A.\nPY  - 2019\nDA  - 2019/06/21\nER  - \n' +
        'TY  - CONF\nT1  - Older\nA1  - Roe, John\nN2  - B.\nY1  - 2018/05//\nER  - \n',
    );
    const first = modern?.value as Record<string, unknown>;
    assert.deepEqual([first.title, first.authors, first.abstract, first.year, first.date], ['Modern', ['Jane Doe'], 'A.', 2019, '2019-06-21']);
    const second = older?.value as Record<string, unknown>;
    assert.deepEqual([second.title, second.authors, second.abstract, second.year, second.date], ['Older', ['John Roe'], 'B.', 2018, '2018-05']);
  });

  it('regression: keeps the order of authors a record gives under both AU and A1 (the A1 authors came last)', async () => {
    const [record] = await readRis('TY  - JOUR\nTI  - T\nAB  - A.\nA1  - Roe, John\nAU  - Doe, Jane\nA1  - Poe, Edgar\nER  - \n');
    assert.deepEqual((record?.value as Record<string, unknown>).authors, ['John Roe', 'Jane Doe', 'Edgar Poe']);
  });

  it('regression: writes Chinese, Japanese and Korean names family first and unspaced, as every other format does (山田, 太郎 was stored as "太郎 山田", and changed on a round trip)', async () => {
    const [record] = await readRis('TY  - JOUR\nTI  - T\nAB  - A.\nAU  - 山田, 太郎\nAU  - 王, 小明\nAU  - 김, 민준\nAU  - Smith, John, Jr.\nER  - \n');
    assert.deepEqual((record?.value as Record<string, unknown>).authors, ['山田太郎', '王小明', '김민준', 'John Smith Jr.']);
  });

  it("regression: reads the month of PubMed's date form (PY  - 2019 Jun 21 was stored as the year alone)", async () => {
    const [record] = await readRis('TY  - JOUR\nID  - pm\nTI  - PubMed\nAB  - A.\nPY  - 2019 Jun 21\nER  - \n');
    const fields = record?.value as Record<string, unknown>;
    assert.deepEqual([fields.year, fields.date], [2019, '2019-06']);
  });

  it("regression: leaves out links to local attachments and Web of Science's own, and takes the paper (UR  - <Go to ISI>://WOS:… refused the whole record)", async () => {
    const [wos, endnote, both] = await readRis(
      'TY  - JOUR\nID  - wos\nTI  - WoS\nAB  - A.\nUR  - <Go to ISI>://WOS:000368736000038\nER  - \n' +
        'TY  - JOUR\nID  - en\nTI  - EndNote\nAB  - A.\nUR  - internal-pdf://0123456789/Smith-2019.pdf\nER  - \n' +
        'TY  - JOUR\nID  - both\nTI  - Both\nAB  - A.\nUR  - internal-pdf://1/x.pdf\nUR  - ftp://ftp.example.org/x.ps\nER  - \n',
    );
    assert.equal((wos?.value as Record<string, unknown>).url, undefined);
    assert.equal((endnote?.value as Record<string, unknown>).url, undefined);
    assert.equal((both?.value as Record<string, unknown>).url, 'ftp://ftp.example.org/x.ps');
  });

  it('ends a record at ER and reports one cut off by the next TY or by the end of the file', async () => {
    const records = await readRis('TY  - JOUR\nID  - a\nAB  - x\nTY  - JOUR\nID  - b\nAB  - y\nER  - \nTY  - JOUR\nID  - c\nAB  - z\n');
    assert.deepEqual(
      records.map((record) => [record.position, record.error?.reason ?? 'ok']),
      [
        ['record a (line 1)', 'malformed_record'],
        ['record b (line 4)', 'ok'],
        ['record c (line 8)', 'malformed_record'],
      ],
    );
    assert.match(records[0]!.error!.message, /no ER line before the next TY at line 4/);
    assert.match(records[2]!.error!.message, /ends before the record's ER line/);
  });

  it('ignores lines outside records and tolerates a single space before the hyphen', async () => {
    const [record] = await readRis('Exported by a tool\n\nTY - JOUR\nTI - Spaced\nAB - Text.\nER -\n');
    const { id, ...fields } = record?.value as Record<string, unknown>;
    assert.deepEqual(fields, { title: 'Spaced', abstract: 'Text.', type: 'journal-article' });
    assert.match(String(id), /^ris-[0-9a-f]{16}$/);
  });
});

/** A record's tags as the reader collects them: each tag's values in order. */
function tags(entries: [string, string][]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [tag, value] of entries) map.set(tag, [...(map.get(tag) ?? []), value]);
  return map;
}

describe('risRecordToRecord', () => {
  it("regression: takes Web of Science's full names (AF) over its initials (AU) (Smith, John was stored as J Smith)", () => {
    const record = risRecordToRecord(
      tags([
        ['AU', 'Smith, J'],
        ['AU', 'Doe, JR'],
        ['AF', 'Smith, John'],
        ['AF', 'Doe, Jane Rose'],
        ['TI', 'T'],
      ]),
    );
    assert.deepEqual(record.authors, ['John Smith', 'Jane Rose Doe']);
  });

  it('regression: reads a DOI EndNote writes in M3 or only as a doi.org link in UR (the paper had no DOI)', () => {
    const doiOf = (entries: [string, string][]) => risRecordToRecord(tags([['TI', 'T'], ...entries])).doi;
    assert.equal(doiOf([['M3', 'doi:10.1038/171737a0']]), '10.1038/171737a0');
    assert.equal(doiOf([['UR', 'http://dx.doi.org/10.1038/171737a0']]), '10.1038/171737a0');
    assert.equal(doiOf([['M3', 'Journal Article']]), undefined);
    assert.equal(
      doiOf([
        ['DO', '10.1/first'],
        ['M3', 'doi:10.1/second'],
      ]),
      '10.1/first',
    );
  });

  it("regression: takes a Web of Science accession number (AN  - WOS:…) as the id when there is no ID, as the plain-text export's UT is (the same record exported both ways was stored twice, under its UT and its DOI)", () => {
    const record = (...pairs: [string, string][]) => risRecordToRecord(tags([['TY', 'JOUR'], ['TI', 'Coral'], ['DO', '10.1038/X'], ...pairs]));
    assert.equal(record(['AN', 'WOS:000663143900025']).id, 'WOS:000663143900025');
    assert.equal(record(['AN', 'WOS:000663143900025'], ['ID', 'smith2021']).id, 'smith2021');
    assert.equal(record(['AN', '31452104']).id, '10.1038/x', "another database's accession number is not an id");
  });

  it('takes the id from ID, else the DOI, else a stable hash of title and year', () => {
    assert.equal(
      risRecordToRecord(
        tags([
          ['ID', 'own'],
          ['DO', '10.1/x'],
          ['TI', 'T'],
        ]),
      ).id,
      'own',
    );
    assert.equal(
      risRecordToRecord(
        tags([
          ['DO', '10.1/x'],
          ['TI', 'T'],
        ]),
      ).id,
      '10.1/x',
    );
    // Regression: the DO line's own form became the id (a doi.org link, which the write API refuses as an id).
    for (const written of ['https://doi.org/10.1234/ABC.def', 'doi:10.1234/abc.DEF']) {
      assert.equal(
        risRecordToRecord(
          tags([
            ['DO', written],
            ['TI', 'T'],
          ]),
        ).id,
        '10.1234/abc.def',
        written,
      );
    }
    const hashed = risRecordToRecord(
      tags([
        ['TI', 'Glacier  Retreat'],
        ['PY', '2019'],
      ]),
    ).id;
    assert.match(String(hashed), /^ris-[0-9a-f]{16}$/);
    assert.equal(
      risRecordToRecord(
        tags([
          ['TI', 'glacier retreat'],
          ['PY', '2019'],
        ]),
      ).id,
      hashed,
      'case and spacing of the title do not change it',
    );
    assert.notEqual(
      risRecordToRecord(
        tags([
          ['TI', 'Glacier Retreat'],
          ['PY', '2020'],
        ]),
      ).id,
      hashed,
    );
  });

  it('turns "Last, First, Suffix" around and uses A2 (editors) only when there is no author', () => {
    assert.deepEqual(
      risRecordToRecord(
        tags([
          ['AU', 'Müller-Lüdenscheidt, Hans, Jr.'],
          ['AU', 'Plato'],
          ['A2', 'Editor, An'],
        ]),
      ).authors,
      ['Hans Müller-Lüdenscheidt Jr.', 'Plato'],
    );
    assert.deepEqual(risRecordToRecord(tags([['A2', 'Editor, An']])).authors, ['An Editor']);
  });

  it('regression: keeps an organisation whose name holds commas as written (it became "Engineering National Academies of Sciences and Medicine")', () => {
    assert.deepEqual(
      risRecordToRecord(
        tags([
          ['AU', 'National Academies of Sciences, Engineering, and Medicine'],
          ['AU', 'Google, Inc.'],
          ['AU', 'Smith, John, III'],
          ['AU', 'Doe, Jane, PhD'],
          ['AU', 'Roe, Richard, 3rd'],
        ]),
      ).authors,
      ['National Academies of Sciences, Engineering, and Medicine', 'Google, Inc.', 'John Smith III', 'Jane Doe PhD', 'Richard Roe 3rd'],
    );
  });

  it('splits KW lines at semicolons, keeps URLs, and finds arXiv ids in DOIs and URLs', () => {
    const record = risRecordToRecord(
      tags([
        ['KW', 'a; b'],
        ['KW', 'c'],
        ['KW', 'a'],
        ['UR', 'https://arxiv.org/abs/2104.05678v2'],
        ['DO', '10.5555/x'],
      ]),
    );
    assert.deepEqual(record.categories, ['a', 'b', 'c']);
    assert.equal(record.url, 'https://arxiv.org/abs/2104.05678v2');
    assert.equal(record.arxiv_id, '2104.05678v2');
    assert.equal(risRecordToRecord(tags([['DO', '10.48550/arXiv.2305.04567']])).arxiv_id, '2305.04567');
  });

  it('prefers the most precise of DA, PY and Y1', () => {
    assert.deepEqual(
      [
        risRecordToRecord(tags([['PY', '2018///']])),
        risRecordToRecord(
          tags([
            ['PY', '2018'],
            ['DA', '2018/03'],
          ]),
        ),
        risRecordToRecord(tags([['Y1', '2018/03/04/spring']])),
      ].map(({ year, date }) => [year, date]),
      [
        [2018, undefined],
        [2018, '2018-03'],
        [2018, '2018-03-04'],
      ],
    );
  });

  it('regression: reads a date written with the month\'s name (DA "June 2019" alone gave no year), and no year from five digits (PY 20199 was read as 2019)', () => {
    const dateOf = (tag: string, value: string) => {
      const { year, date } = risRecordToRecord(tags([[tag, value]]));
      return [year, date];
    };
    assert.deepEqual(dateOf('DA', 'June 2019'), [2019, '2019-06']);
    assert.deepEqual(dateOf('DA', '15 Sept. 2019'), [2019, '2019-09']);
    assert.deepEqual(dateOf('Y1', 'Spring 2020'), [2020, undefined]);
    assert.deepEqual(dateOf('PY', '20199'), [undefined, undefined]);
  });

  it("regression: reads the month of Web of Science's DA, its month and day without the year (DA JUN 21 beside PY 2021 gave the year alone)", () => {
    const dateOf = (...pairs: [string, string][]) => {
      const { year, date } = risRecordToRecord(tags(pairs));
      return [year, date];
    };
    assert.deepEqual(dateOf(['DA', 'JUN 21'], ['PY', '2021']), [2021, '2021-06']);
    assert.deepEqual(dateOf(['PY', '2020'], ['DA', 'Mar']), [2020, '2020-03']);
    assert.deepEqual(dateOf(['DA', 'JUN 21']), [undefined, undefined]);
    assert.deepEqual(dateOf(['DA', 'Spring'], ['PY', '2020']), [2020, undefined]);
  });
});

describe('risRecordToRecord: type and venue', () => {
  it("reads a conference paper's proceedings from C3 before T2 (Zotero's conference name), and a thesis's or report's publisher", () => {
    const conference = risRecordToRecord(
      tags([
        ['TY', 'CONF'],
        ['T2', 'ICML 2021'],
        ['C3', 'Proceedings of the 38th International Conference on Machine Learning'],
      ]),
    );
    assert.deepEqual([conference.type, conference.venue], ['conference-paper', 'Proceedings of the 38th International Conference on Machine Learning']);
    const thesis = risRecordToRecord(
      tags([
        ['TY', 'THES'],
        ['PB', 'University of Cambridge'],
      ]),
    );
    assert.deepEqual([thesis.type, thesis.venue], ['thesis', 'University of Cambridge']);
  });

  it('calls a generic record published by a preprint server a preprint, with no venue (Zotero writes preprints so)', () => {
    const preprint = risRecordToRecord(
      tags([
        ['TY', 'GEN'],
        ['PB', 'bioRxiv'],
        ['DO', '10.1101/2020.01.01.123456'],
      ]),
    );
    assert.deepEqual([preprint.type, preprint.venue], ['preprint', undefined]);
  });
});

describe('readRis on a reference manager export', () => {
  it('keeps TY as the paper type, a generic record of an arXiv paper as a preprint', async () => {
    const records = await readRecords(join(formatFixtures, 'references.ris'), 'ris');
    assert.deepEqual(
      records.slice(0, 3).map((record) => (record.value as { type?: string }).type),
      ['journal-article', 'conference-paper', 'preprint'],
    );
  });

  it('regression: a record cut off before its ER and without an ID was positioned by line only; it is named by the id it derives, as a complete record is', async () => {
    const records = await readRis('TY  - JOUR\nDO  - 10.5555/cut.1\nAB  - x\nTY  - JOUR\nDO  - 10.5555/whole.2\nAB  - y\nER  - \nTY  - JOUR\nAB  - z\n');
    assert.deepEqual(
      records.map((record) => [record.position, record.error?.reason ?? 'ok']),
      [
        ['record 10.5555/cut.1 (line 1)', 'malformed_record'],
        ['record 10.5555/whole.2 (line 4)', 'ok'],
        ['line 8', 'malformed_record'],
      ],
    );
  });

  it('positions records by ID (or the id it derives) and line, with a byte-order mark at the start', async () => {
    const records = await readRecords(join(formatFixtures, 'references.ris'), 'ris');
    assert.deepEqual(
      records.map((record) => [record.position, record.error?.reason ?? 'ok']),
      [
        ['record glacier2019 (line 1)', 'ok'],
        ['record 10.5555/moe.2022.7 (line 19)', 'ok'],
        [`record ${(records[2]!.value as { id: string }).id} (line 29)`, 'ok'],
        ['record notitle-noabstract (line 37)', 'ok'],
        ['record glacier2019 (line 44)', 'ok'],
        ['record truncated (line 50)', 'malformed_record'],
        ['record volcano2018 (line 54)', 'ok'],
      ],
    );
    assert.deepEqual(records[0]!.value, {
      id: 'glacier2019',
      title: 'Glacier Retreat Measured by Drone Photogrammetry',
      abstract:
        'Repeated drone flights over three Alpine glaciers produce elevation models with ten-centimetre accuracy. The glaciers lost ' +
        'between 1.2 and 2.9 metres of ice thickness per year, faster at the tongue than predicted by degree-day models.',
      authors: ['Freja Østergaard', 'Hans Müller-Lüdenscheidt Jr.', 'María José Sánchez'],
      categories: ['glaciology', 'photogrammetry', 'remote sensing'],
      year: 2019,
      date: '2019-06-21',
      doi: '10.5555/glacier.2019.42',
      url: 'https://example.org/glacier',
      venue: 'Journal of Glaciology',
      type: 'journal-article',
    });
  });

  it('reads the journal or the secondary title as the venue, and volume, issue and pages (SP and EP joined)', () => {
    const record = risRecordToRecord(
      tags([
        ['ID', 'r1'],
        ['JF', 'Nature'],
        ['JO', 'Nat.'],
        ['VL', '521'],
        ['IS', '7553'],
        ['SP', '436'],
        ['EP', '444'],
      ]),
    );
    assert.deepEqual([record.venue, record.volume, record.issue, record.pages], ['Nature', '521', '7553', '436-444']);
    const chapter = risRecordToRecord(
      tags([
        ['ID', 'r2'],
        ['T2', 'Proceedings of ACL'],
        ['SP', 'e12'],
      ]),
    );
    assert.deepEqual([chapter.venue, chapter.pages], ['Proceedings of ACL', 'e12']);
  });

  it("regression: reads an article number from C7 when there are no pages (Scopus's, EndNote's and Web of Science's article numbers were lost)", () => {
    const pagesOf = (...pairs: [string, string][]) => risRecordToRecord(tags([['ID', 'r'], ...pairs])).pages;
    assert.equal(pagesOf(['TY', 'JOUR'], ['C7', '12345']), '12345');
    assert.equal(pagesOf(['TY', 'CONF'], ['C7', '042']), '042');
    assert.equal(pagesOf(['TY', 'JOUR'], ['C7', '044105'], ['SP', '1'], ['EP', '9']), '1-9');
    // C7 is another custom field in a book or a chapter.
    assert.equal(pagesOf(['TY', 'CHAP'], ['C7', '2nd']), undefined);
  });
});
