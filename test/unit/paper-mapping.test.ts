import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultFieldMap, mapRecordToPaper, withFieldOverrides, type MappingResult, type RejectionReason } from '../../src/papers/paper-record.js';
import { normalizeDoi, type Paper } from '../../src/papers/paper.js';
import { paperInputSchema } from '../../src/http/paper-write-schemas.js';

function accepted(result: MappingResult): Paper {
  if (!result.ok) assert.fail(`expected the record to be accepted, got ${result.reason}: ${result.message}`);
  return result.paper;
}

function rejected(result: MappingResult, reason: RejectionReason): string {
  if (result.ok) assert.fail(`expected rejection ${reason}, got paper ${JSON.stringify(result.paper)}`);
  assert.equal(result.reason, reason, result.message);
  return result.message;
}

describe('mapRecordToPaper: accepted records', () => {
  it('maps a minimal record to id, empty title and trimmed abstract only', () => {
    const paper = accepted(mapRecordToPaper({ id: ' p1 ', abstract: '  An abstract.  ' }));
    assert.deepEqual(paper, { id: 'p1', title: '', abstract: 'An abstract.' });
  });

  it("regression: reads a database export's columns whatever their case (Lens's Title, Abstract and DOI were dropped without a word, every title stored empty)", () => {
    const paper = accepted(
      mapRecordToPaper({
        ID: 'lens-1',
        Title: 'Sepsis care',
        ' Abstract ': 'A trial.',
        DOI: '10.1000/ABC',
        'Author/s': 'Ada Lovelace; Alan Turing',
        'Source Title': 'Critical Care',
        'Publication Year': '2021',
        'Date Published': '2021-05-04',
        Volume: '25',
        'Issue Number': '3',
        'Publication Type': 'journal article',
      }),
    );
    assert.deepEqual(paper, {
      id: 'lens-1',
      title: 'Sepsis care',
      abstract: 'A trial.',
      authors: ['Ada Lovelace', 'Alan Turing'],
      year: 2021,
      date: '2021-05-04',
      doi: '10.1000/abc',
      type: 'journal-article',
      venue: 'Critical Care',
      volume: '25',
      issue: '3',
    });
    // A name written exactly so wins over one that differs in case.
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', title: 'exact', Title: 'other case' })).title, 'exact');
  });

  it('maps a full record', () => {
    const paper = accepted(
      mapRecordToPaper({
        id: 'p-full',
        title: '  A Title ',
        abstract: 'Text',
        authors: ['Ada Lovelace', ' Alan Turing '],
        categories: ['cs.LG'],
        year: 2021,
        date: '2021-03-04',
        doi: '10.1000/XYZ',
        url: ' https://example.org/p ',
        arxiv_id: ' 2103.00001 ',
      }),
    );
    assert.deepEqual(paper, {
      id: 'p-full',
      title: 'A Title',
      abstract: 'Text',
      authors: ['Ada Lovelace', 'Alan Turing'],
      categories: ['cs.LG'],
      year: 2021,
      date: '2021-03-04',
      doi: '10.1000/xyz',
      url: 'https://example.org/p',
      arxiv_id: '2103.00001',
    });
  });

  it('takes the id from _id when there is no id', () => {
    assert.equal(accepted(mapRecordToPaper({ _id: 'mongo-1', abstract: 'a' })).id, 'mongo-1');
  });

  it('prefers id over _id', () => {
    assert.equal(accepted(mapRecordToPaper({ id: 'first', _id: 'second', abstract: 'a' })).id, 'first');
  });

  it('falls through an empty-string or null id to _id', () => {
    assert.equal(accepted(mapRecordToPaper({ id: '', _id: 'fallback', abstract: 'a' })).id, 'fallback');
    assert.equal(accepted(mapRecordToPaper({ id: null, _id: 'fallback', abstract: 'a' })).id, 'fallback');
  });

  it('turns a numeric id into a string', () => {
    const paper = accepted(mapRecordToPaper({ id: 42, abstract: 'a' }));
    assert.equal(paper.id, '42');
    assert.equal(typeof paper.id, 'string');
    assert.equal(accepted(mapRecordToPaper({ id: 0, abstract: 'a' })).id, '0');
  });

  it('takes the abstract from text when there is no abstract', () => {
    assert.equal(accepted(mapRecordToPaper({ id: 'x', text: ' body ' })).abstract, 'body');
  });

  it('prefers abstract over text', () => {
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'from abstract', text: 'from text' })).abstract, 'from abstract');
  });

  it('keeps an authors array, trimmed, without empty entries', () => {
    const paper = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: [' A. One ', '', 'B. Two'] }));
    assert.deepEqual(paper.authors, ['A. One', 'B. Two']);
  });

  it('regression: an author or category without a letter or digit (";" from a BibTeX `author = {and and , ;}`) was stored and shown as a name; it is dropped', () => {
    const paper = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: [';', ' - ', 'Ada Lovelace', '…'], categories: ['cs.LG', '*'] }));
    assert.deepEqual(paper.authors, ['Ada Lovelace']);
    assert.deepEqual(paper.categories, ['cs.LG']);
    assert.deepEqual(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: 'Ada Lovelace; ; -' })).authors, ['Ada Lovelace']);
    assert.deepEqual(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: ['李', 'Ø', 'X Æ A-12'] })).authors, ['李', 'Ø', 'X Æ A-12']);
  });

  it('splits a delimited authors string on commas, semicolons and "and"', () => {
    assert.deepEqual(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: 'Ada Lovelace, Alan Turing and Grace Hopper' })).authors, [
      'Ada Lovelace',
      'Alan Turing',
      'Grace Hopper',
    ]);
    assert.deepEqual(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: 'Ada Lovelace;Alan Turing ; Grace Hopper' })).authors, [
      'Ada Lovelace',
      'Alan Turing',
      'Grace Hopper',
    ]);
  });

  it('regression: reads inverted names separated by semicolons or "and" as whole names (Zotero CSV, Web of Science, BibTeX style), not split at every comma', () => {
    const authors = (value: string) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: value })).authors;
    assert.deepEqual(authors('Lovelace, Ada; Turing, Alan M.; Hopper, Grace'), ['Ada Lovelace', 'Alan M. Turing', 'Grace Hopper']);
    assert.deepEqual(authors('Smith, J.; Doe, K'), ['J. Smith', 'K Doe']);
    assert.deepEqual(authors('Smith, J. and Doe, K.'), ['J. Smith', 'K. Doe']);
    assert.deepEqual(authors('van der Berg, Anna and Müller, Jörg and Smith, John'), ['Anna van der Berg', 'Jörg Müller', 'John Smith']);
    // Regression: a name written upright with its suffix was turned around ("Jr. Sammy Davis").
    assert.deepEqual(authors('Sammy Davis, Jr.; Robert Downey, Jr.'), ['Sammy Davis, Jr.', 'Robert Downey, Jr.']);
    assert.deepEqual(authors('Davis, Jr., Sammy; Brooks, Frederick P.'), ['Sammy Davis, Jr.', 'Frederick P. Brooks']);
    assert.deepEqual(authors('Chen, Xi; Nguyen, Vi; Gates, III'), ['Xi Chen', 'Vi Nguyen', 'Gates, III']);
    // Regression: kept inverted as organisations' names ("Inc" was found in D'Incà, "Company" in Huertas-Company).
    assert.deepEqual(authors("D'Incà, Moreno; Huertas-Company, Marc; Labé, Jean"), ["Moreno D'Incà", 'Marc Huertas-Company', 'Jean Labé']);
    assert.deepEqual(authors('Smith, J. R.'), ['J. R. Smith']);
    assert.deepEqual(authors('Müller, J.-P.'), ['J.-P. Müller']);
    // Not inverted names: the plain separators still apply.
    assert.deepEqual(authors('Ada Lovelace, Alan Turing and Grace Hopper'), ['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
    assert.deepEqual(authors('Alice Smith, Bob Doe and Carol Roe'), ['Alice Smith', 'Bob Doe', 'Carol Roe']);
    assert.deepEqual(authors('Smith, Jr., John; Doe, Jane'), ['John Smith, Jr.', 'Jane Doe']);
  });

  it('regression: reads a lone inverted name as one author (a single-author row of a Zotero CSV became two authors)', () => {
    const authors = (value: string | string[]) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: value })).authors;
    assert.deepEqual(authors('Hopper, Grace'), ['Grace Hopper']);
    assert.deepEqual(authors('Hopper, Grace Brewster Murray'), ['Grace Brewster Murray Hopper']);
    assert.deepEqual(authors('van der Berg, Anna-Lena'), ['Anna-Lena van der Berg']);
    assert.deepEqual(authors("O'Neil, Cathy"), ["Cathy O'Neil"]);
    assert.deepEqual(authors('Ñúñez, Zoë'), ['Zoë Ñúñez']);
    // Two names, each with given and family names, stay two.
    assert.deepEqual(authors('Ada Lovelace, Alan Turing'), ['Ada Lovelace', 'Alan Turing']);
    assert.deepEqual(authors('Smith J, Doe K'), ['Smith J', 'Doe K']);
    assert.deepEqual(authors('Lovelace, Alan Turing, Grace Hopper'), ['Lovelace', 'Alan Turing', 'Grace Hopper']);
    // In a list each entry is one name already: an inverted one is turned around.
    assert.deepEqual(authors(['Müller, Jürgen', 'Zoë Ñúñez', 'Smith, Jr., John']), ['Jürgen Müller', 'Zoë Ñúñez', 'John Smith, Jr.']);
  });

  it('regression: keeps an organisation whose name holds a comma as written (a braced "Google, Inc." became "Inc. Google")', () => {
    const authors = (value: string | string[]) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: value })).authors;
    assert.deepEqual(authors(['Google, Inc.', 'U.S. Department of Energy, Office of Science', 'Müller, Jürgen']), [
      'Google, Inc.',
      'U.S. Department of Energy, Office of Science',
      'Jürgen Müller',
    ]);
    assert.deepEqual(authors('Google, Inc.'), ['Google, Inc.']);
  });

  it('regression: keeps an organisation named with commas whole in a file\'s author string (Zotero CSV: "National Academies of Sciences, Engineering, and Medicine" became three authors)', () => {
    const authors = (value: string) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: value })).authors;
    assert.deepEqual(authors('National Academies of Sciences, Engineering, and Medicine'), ['National Academies of Sciences, Engineering, and Medicine']);
    // People beside an organisation are still listed apart.
    assert.deepEqual(authors('Ada Lovelace, Alan Turing and the ATLAS Collaboration'), ['Ada Lovelace', 'Alan Turing', 'the ATLAS Collaboration']);
    assert.deepEqual(authors('Ada Lovelace, Alan Turing, and the ATLAS Collaboration'), ['Ada Lovelace', 'Alan Turing', 'the ATLAS Collaboration']);
    assert.deepEqual(authors('Ada Lovelace, Plato, Google Research'), ['Ada Lovelace', 'Plato', 'Google Research']);
    // Surnames that are also words of organisations' names stay people's.
    assert.deepEqual(authors('Bank, Ruth; Forum, Karl; Board, Anne'), ['Ruth Bank', 'Karl Forum', 'Anne Board']);
  });

  it('regression: stores a date followed by a time as the date alone, which the write API takes ("2020-03-01T10:00:00Z" was stored so, and paper-search add of a file ingest reads had every such paper refused by the server)', () => {
    for (const [written, stored] of [
      ['2020-03-01T10:00:00Z', '2020-03-01'],
      ['2020-03-01 10:00', '2020-03-01'],
      ['2020-03T00:00', '2020-03'],
      [' 2020 ', '2020'],
      // Written with slashes, it keeps its month and day (it was stored as the year alone).
      ['2020/03/01', '2020-03-01'],
      ['2020/03', '2020-03'],
    ] as const) {
      const paper = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', date: written }));
      assert.deepEqual([paper.date, paper.year], [stored, 2020], written);
      assert.equal(paperInputSchema.safeParse({ abstract: paper.abstract, date: paper.date }).success, true, written);
    }
  });

  it('regression: keeps the year of a date a slash follows that is not a date written with slashes (slashed dates made "2020-03-01/2020-04-01", "2020/3/1" and "2020/2021" refuse their whole record)', () => {
    const stored = (date: string) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', date })).date;
    // An ISO 8601 interval keeps its start, as it did before slashed dates were read.
    assert.deepEqual(['2020-03-01/2020-04-01', '2020-03/2020-04', '2020/2021', '2020/3/1', '2020/03-01', '2020/03/01/x'].map(stored), [
      '2020-03-01',
      '2020-03',
      '2020',
      '2020',
      '2020',
      '2020',
    ]);
    // A date written with slashes that does not exist is refused, as one written with dashes is.
    for (const date of ['2020/13/01', '2019/02/29']) assert.equal(mapRecordToPaper({ id: 'x', abstract: 'a', date }).ok, false, date);
  });

  it('regression: says an id field is empty, rather than missing (an empty DOI cell read "no DOI field (it has Title, DOI)")', () => {
    const mapped = mapRecordToPaper({ Title: 'T', DOI: '', abstract: 'a' }, withFieldOverrides({ id: 'DOI' }));
    assert.deepEqual(mapped.ok ? undefined : [mapped.reason, mapped.message], ['missing_id', 'the DOI field is empty']);
  });

  it('regression: reads the record ids and author keywords of Lens, Dimensions and Scopus CSV exports (every row was refused for want of an id)', () => {
    const lens = accepted(mapRecordToPaper({ 'Lens ID': '000-123-456-789-00X', Title: 'T', Abstract: 'a', Keywords: 'kelp; reefs' }));
    const dimensions = accepted(mapRecordToPaper({ 'Publication ID': 'pub.1100000001', Title: 'T', Abstract: 'a' }));
    const scopus = accepted(mapRecordToPaper({ EID: '2-s2.0-85000000001', Title: 'T', Abstract: 'a', 'Author Keywords': 'kelp; reefs' }));
    assert.deepEqual(
      [lens.id, lens.categories, dimensions.id, scopus.id, scopus.categories],
      ['000-123-456-789-00X', ['kelp', 'reefs'], 'pub.1100000001', '2-s2.0-85000000001', ['kelp', 'reefs']],
    );
  });

  it('regression: reads the pages of a Scopus or Lens CSV from their first and last page columns (they were left out)', () => {
    const scopus = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', 'Page start': '350', 'Page end': '354' }));
    const lens = accepted(mapRecordToPaper({ id: 'y', abstract: 'a', 'Start Page': 12, 'End Page': '' }));
    const both = accepted(mapRecordToPaper({ id: 'z', abstract: 'a', pages: '1-2', 'Page start': '350', 'Page end': '354' }));
    assert.deepEqual([scopus.pages, lens.pages, both.pages], ['350-354', '12', '1-2']);
  });

  it('regression: reads the article number of a Scopus CSV when it has no pages (its "Art. No." column was left out)', () => {
    const numbered = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', 'Art. No.': '12345', 'Page start': '', 'Page end': '' }));
    const paged = accepted(mapRecordToPaper({ id: 'y', abstract: 'a', 'Art. No.': '044105', 'Page start': '1', 'Page end': '9' }));
    assert.deepEqual([numbered.pages, paged.pages], ['12345', '1-9']);
  });

  it('regression: reads the full names of a Scopus export, not its initials (its "Authors" column was read: "LeCun Y.")', () => {
    const row = { id: 'x', abstract: 'a', Authors: 'LeCun Y.; Bengio Y.', 'Author full names': 'LeCun, Yann (7005686596); Bengio, Yoshua (7003958245)' };
    assert.deepEqual(accepted(mapRecordToPaper(row)).authors, ['Yann LeCun', 'Yoshua Bengio']);
  });

  it('regression: drops the author ids Scopus writes after each full name ("John A. (57190000001) Smith" was stored)', () => {
    const authors = (value: string) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: value })).authors;
    assert.deepEqual(authors('Smith, John A. (57190000001); Müller, Jörg (57190000002)'), ['John A. Smith', 'Jörg Müller']);
  });

  it('regression: turns "Family, Given, Suffix" around (Zotero CSV and RIS order; "Martin, Paul, Jr." was stored as written)', () => {
    const authors = (value: string) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: value })).authors;
    assert.deepEqual(authors('Martin, Paul, Jr.; Doe, Jane'), ['Paul Martin, Jr.', 'Jane Doe']);
    assert.deepEqual(authors('Davis, Jr., Sammy; Doe, Jane'), ['Sammy Davis, Jr.', 'Jane Doe']);
  });

  it('regression: reads a lone "Family, Given, Suffix" and such names separated by "and" as whole names ("Martin, Paul, Jr." became three authors: Martin, Paul and Jr.)', () => {
    const authors = (value: string) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: value })).authors;
    assert.deepEqual(authors('Martin, Paul, Jr.'), ['Paul Martin, Jr.']);
    assert.deepEqual(authors('Davis, Jr., Sammy'), ['Sammy Davis, Jr.']);
    assert.deepEqual(authors('Martin, Paul, III'), ['Paul Martin, III']);
    assert.deepEqual(authors('Martin, Paul, Jr. and Hopper, Grace'), ['Paul Martin, Jr.', 'Grace Hopper']);
  });

  it('regression: turns an inverted Chinese, Japanese or Korean name family first and unspaced ("王, 小明" became "小明 王")', () => {
    const authors = (value: string) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: value })).authors;
    assert.deepEqual(authors('王, 小明; 李, 华; Wang, Xiaoming'), ['王小明', '李华', 'Xiaoming Wang']);
    // A foreign name in katakana is given name first.
    assert.deepEqual(authors('スミス, ジョン; 王, 小明'), ['ジョン スミス', '王小明']);
  });

  it('does not split author names that merely contain "and"', () => {
    assert.deepEqual(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: 'Alexander Anderson, Sandy Band' })).authors, [
      'Alexander Anderson',
      'Sandy Band',
    ]);
  });

  it('splits a categories string such as "cs.CV cs.LG"', () => {
    assert.deepEqual(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', categories: 'cs.CV cs.LG' })).categories, ['cs.CV', 'cs.LG']);
    assert.deepEqual(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', categories: 'cs.CV, cs.LG;stat.ML' })).categories, ['cs.CV', 'cs.LG', 'stat.ML']);
  });

  it('regression: keeps keywords of several words whole (Zotero, Scopus and Web of Science CSV keywords were split at every space)', () => {
    const categories = (value: string) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', categories: value })).categories;
    assert.deepEqual(categories("alpha-synuclein; neurodegeneration; Parkinson's disease"), ['alpha-synuclein', 'neurodegeneration', "Parkinson's disease"]);
    assert.deepEqual(categories('Computer Science - Computation and Language'), ['Computer Science - Computation and Language']);
    assert.deepEqual(categories('machine   learning, hep-th math.AG'), ['machine learning', 'hep-th', 'math.AG']);
    assert.deepEqual(categories('Long-term follow-up; Single-cell RNA-seq'), ['Long-term follow-up', 'Single-cell RNA-seq']);
  });

  it("regression: stores line breaks as \\n (a Windows file's \\r\\n inside a quoted CSV field was kept)", () => {
    const paper = accepted(mapRecordToPaper({ id: 'x', title: 'One\r\ntwo', abstract: 'First.\r\nSecond.\rThird.\r\n' }));
    assert.deepEqual([paper.title, paper.abstract], ['One\ntwo', 'First.\nSecond.\nThird.']);
  });

  it("regression: drops soft hyphens, which split a word for search (TeX's hy\\-phen, a PDF's hyphenation)", () => {
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'Hy\u00adphen\u00adation of words' })).abstract, 'Hyphenation of words');
  });

  it('omits authors and categories that are empty after splitting', () => {
    const paper = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', authors: [], categories: '   ' }));
    assert.equal('authors' in paper, false);
    assert.equal('categories' in paper, false);
  });

  it('reads the year from a number or a numeric string', () => {
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', year: 2019 })).year, 2019);
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', year: ' 2020 ' })).year, 2020);
  });

  it('derives the year from the date when there is no year', () => {
    const paper = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', date: '2018-07-09' }));
    assert.equal(paper.year, 2018);
    assert.equal(paper.date, '2018-07-09');
  });

  it('keeps an explicit year that agrees with the date', () => {
    const paper = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', year: 2018, date: '2018-07-09' }));
    assert.equal(paper.year, 2018);
    assert.equal(paper.date, '2018-07-09');
  });

  it('accepts dates written YYYY and YYYY-MM', () => {
    assert.deepEqual(
      [accepted(mapRecordToPaper({ id: 'x', abstract: 'a', date: '2017' })), accepted(mapRecordToPaper({ id: 'x', abstract: 'a', date: '2016-05' }))].map(
        ({ date, year }) => ({ date, year }),
      ),
      [
        { date: '2017', year: 2017 },
        { date: '2016-05', year: 2016 },
      ],
    );
  });

  it('reads the date from published or first_listed', () => {
    const fromPublished = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', published: '2015-01-02' }));
    assert.equal(fromPublished.date, '2015-01-02');
    assert.equal(fromPublished.year, 2015);
    const fromFirstListed = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', first_listed: ' 2014-02-03 ' }));
    assert.equal(fromFirstListed.date, '2014-02-03');
    assert.equal(fromFirstListed.year, 2014);
  });

  it('normalizes a DOI written as a URL or with doi: prefix to the bare lower-case form', () => {
    for (const doi of [
      'https://doi.org/10.1000/ABC.Def',
      'http://dx.doi.org/10.1000/abc.def',
      'HTTPS://DOI.ORG/10.1000/ABC.DEF',
      'doi:10.1000/abc.DEF',
      ' 10.1000/ABC.def ',
    ]) {
      assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', doi })).doi, '10.1000/abc.def', doi);
    }
  });

  it('derives arxiv_id from a new-style arXiv id', () => {
    assert.equal(accepted(mapRecordToPaper({ id: '2401.12345', abstract: 'a' })).arxiv_id, '2401.12345');
    assert.equal(accepted(mapRecordToPaper({ id: '1501.0001v2', abstract: 'a' })).arxiv_id, '1501.0001v2');
  });

  it('derives arxiv_id from an old-style arXiv id', () => {
    assert.equal(accepted(mapRecordToPaper({ id: 'hep-th/9901001', abstract: 'a' })).arxiv_id, 'hep-th/9901001');
    assert.equal(accepted(mapRecordToPaper({ id: 'math.GT/0309136v2', abstract: 'a' })).arxiv_id, 'math.GT/0309136v2');
  });

  it('does not derive arxiv_id from ids that do not look like arXiv ids', () => {
    for (const id of ['paper-1', '12345', '2401.123', 'W2741809807', '10.1000/abc']) {
      assert.equal('arxiv_id' in accepted(mapRecordToPaper({ id, abstract: 'a' })), false, id);
    }
  });

  it('regression: stores an arxiv_id bare, as arxiv: names and links need it (an arXiv: prefix or an abs link was stored as written)', () => {
    const arxivId = (value: string) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', arxiv_id: value })).arxiv_id;
    assert.equal(arxivId('arXiv:2101.00001'), '2101.00001');
    assert.equal(arxivId(' ARXIV: 2101.00001v2 '), '2101.00001v2');
    assert.equal(arxivId('https://arxiv.org/abs/2101.00002v3'), '2101.00002v3');
    assert.equal(arxivId('http://arxiv.org/pdf/2101.00002.pdf'), '2101.00002');
    assert.equal(arxivId('https://doi.org/10.48550/arXiv.2101.00003'), '2101.00003');
    assert.equal(arxivId('hep-th/9901001'), 'hep-th/9901001');
  });

  it('keeps an explicit arxiv_id (or arxivId) over one derived from the id', () => {
    assert.equal(accepted(mapRecordToPaper({ id: '2401.12345', abstract: 'a', arxiv_id: '2401.99999' })).arxiv_id, '2401.99999');
    assert.equal(accepted(mapRecordToPaper({ id: 'p', abstract: 'a', arxivId: '2402.00001' })).arxiv_id, '2402.00001');
  });

  it('ignores fields it does not know', () => {
    const paper = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', citations: 3, publisher: 'ACM' }));
    assert.deepEqual(paper, { id: 'x', title: '', abstract: 'a' });
  });

  it('keeps where a paper was published: venue (or journal), volume, issue (or number) and pages, numbers as text and any range dash as "-"', () => {
    const paper = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', journal: ' Nature ', volume: 521, number: '7553', pages: '436 – 444' }));
    assert.deepEqual(paper, { id: 'x', title: '', abstract: 'a', venue: 'Nature', volume: '521', issue: '7553', pages: '436-444' });
    assert.equal(accepted(mapRecordToPaper({ id: 'y', abstract: 'a', pages: '117--129' })).pages, '117-129');
    // Datasets fill these in many shapes: one that cannot be read is left out, not the paper.
    assert.deepEqual(accepted(mapRecordToPaper({ id: 'z', abstract: 'a', journal: { name: 'J' }, volume: 'x'.repeat(65), pages: '12' })), {
      id: 'z',
      title: '',
      abstract: 'a',
      pages: '12',
    });
  });

  it('regression: stores a range written with a run of mixed dashes as one "-" (BibTeX\'s "123----130", read as "123—-130", was stored "123--130")', () => {
    const pagesOf = (pages: string) => accepted(mapRecordToPaper({ id: 'x', abstract: 'a', pages })).pages;
    assert.deepEqual([pagesOf('123—-130'), pagesOf('123 –– 130'), pagesOf('S12–-S15')], ['123-130', '123-130', 'S12-S15']);
  });

  it("keeps the paper's type (or publication_type) in the product's words, read from any format's name for it; a name no format uses is left out", () => {
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', type: 'inproceedings' })).type, 'conference-paper');
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', publication_type: 'Journal Article' })).type, 'journal-article');
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', type: 'thesis' })).type, 'thesis');
    for (const type of ['paper', 42, { name: 'article' }, '']) {
      assert.deepEqual(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', type })), { id: 'x', title: '', abstract: 'a' }, String(type));
    }
  });
});

describe('mapRecordToPaper: rejections', () => {
  it('rejects values that are not objects as not_an_object', () => {
    for (const value of [null, undefined, 'text', 42, true, [], [{ id: 'x', abstract: 'a' }]]) {
      rejected(mapRecordToPaper(value), 'not_an_object');
    }
  });

  it('rejects a record without id or _id as missing_id, naming the candidates', () => {
    const message = rejected(mapRecordToPaper({ abstract: 'a' }), 'missing_id');
    assert.match(message, /\bid\b/);
    assert.match(message, /_id/);
    rejected(mapRecordToPaper({ id: '', _id: null, abstract: 'a' }), 'missing_id');
    // A blank value is no value, for the id as for every other field.
    rejected(mapRecordToPaper({ id: '   ', abstract: 'a' }), 'missing_id');
  });

  it('rejects a record without abstract or text as missing_abstract', () => {
    const message = rejected(mapRecordToPaper({ id: 'x', title: 'T' }), 'missing_abstract');
    assert.match(message, /abstract/);
    assert.match(message, /text/);
    rejected(mapRecordToPaper({ id: 'x', abstract: '' }), 'missing_abstract');
    rejected(mapRecordToPaper({ id: 'x', abstract: null }), 'missing_abstract');
  });

  it('rejects a whitespace-only abstract as missing_abstract', () => {
    rejected(mapRecordToPaper({ id: 'x', abstract: '   \n\t ' }), 'missing_abstract');
  });

  it("regression: an abstract or title of only zero-width spaces, joiners, direction marks or a byte-order mark is blank, as the API counts blanks (it was stored, invisible, as the paper's text)", () => {
    for (const invisible of ['\u200b\u200b', '\ufeff', ' \u200d \u200e ']) {
      rejected(mapRecordToPaper({ id: 'x', title: 'T', abstract: invisible }), 'missing_abstract');
      assert.equal(accepted(mapRecordToPaper({ id: 'x', title: 'T', abstract: invisible }, defaultFieldMap, { allowTitleOnly: true })).abstract, '');
      assert.equal(accepted(mapRecordToPaper({ id: 'x', title: invisible, abstract: 'A' })).title, '');
    }
  });

  it('accepts a record with a title but no abstract when titles alone are allowed, with an empty abstract', () => {
    const titleOnly = { allowTitleOnly: true };
    assert.deepEqual(accepted(mapRecordToPaper({ id: 'x', title: ' Only a title ', year: 2020 }, defaultFieldMap, titleOnly)), {
      id: 'x',
      title: 'Only a title',
      abstract: '',
      year: 2020,
    });
    assert.equal(accepted(mapRecordToPaper({ id: 'x', title: 'T', abstract: 'A' }, defaultFieldMap, titleOnly)).abstract, 'A');
    rejected(mapRecordToPaper({ id: 'x', title: '  ' }, defaultFieldMap, titleOnly), 'missing_abstract');
    rejected(mapRecordToPaper({ id: 'x' }, defaultFieldMap, titleOnly), 'missing_abstract');
  });

  it('checks the id before the abstract', () => {
    rejected(mapRecordToPaper({}), 'missing_id');
  });

  const invalidCases: [string, Record<string, unknown>, string][] = [
    ['a boolean id', { id: true, abstract: 'a' }, 'id'],
    ['an object id', { id: { $oid: 'abc' }, abstract: 'a' }, 'id'],
    ['a NaN id', { id: Number.NaN, abstract: 'a' }, 'id'],
    ['an infinite id', { id: Number.POSITIVE_INFINITY, abstract: 'a' }, 'id'],
    ['an id over 512 characters', { id: 'x'.repeat(513), abstract: 'a' }, 'id'],
    ['a non-string _id', { _id: ['a'], abstract: 'a' }, '_id'],
    ['a numeric abstract', { id: 'x', abstract: 5 }, 'abstract'],
    ['an array text', { id: 'x', text: ['a'] }, 'text'],
    ['a numeric title', { id: 'x', abstract: 'a', title: 7 }, 'title'],
    ['authors with a non-string entry', { id: 'x', abstract: 'a', authors: ['A', 3] }, 'authors'],
    ['authors as an object', { id: 'x', abstract: 'a', authors: { name: 'A' } }, 'authors'],
    ['categories as a number', { id: 'x', abstract: 'a', categories: 5 }, 'categories'],
    ['a fractional year', { id: 'x', abstract: 'a', year: 2020.5 }, 'year'],
    ['a negative year', { id: 'x', abstract: 'a', year: -1 }, 'year'],
    ['a five-digit year', { id: 'x', abstract: 'a', year: 10000 }, 'year'],
    ['a non-numeric year string', { id: 'x', abstract: 'a', year: 'twenty' }, 'year'],
    ['a boolean year', { id: 'x', abstract: 'a', year: true }, 'year'],
    ['a date not starting with YYYY', { id: 'x', abstract: 'a', date: 'March 2020' }, 'date'],
    ['a date as a number', { id: 'x', abstract: 'a', date: 20200101 }, 'date'],
    ['a bad published date', { id: 'x', abstract: 'a', published: '20-01-01' }, 'published'],
    ['a numeric doi', { id: 'x', abstract: 'a', doi: 10.1 }, 'doi'],
    ['a url object', { id: 'x', abstract: 'a', url: { href: 'https://x' } }, 'url'],
    // Regression: any text was stored as the url, and MCP clients were handed it as a link.
    ['a javascript: url', { id: 'x', abstract: 'a', url: "javascript:alert('url')" }, 'url'],
    ['a data: url', { id: 'x', abstract: 'a', url: 'data:text/html,<script>alert(1)</script>' }, 'url'],
    ['a url without a scheme', { id: 'x', abstract: 'a', url: 'example.org/paper' }, 'url'],
    ['a url without a host', { id: 'x', abstract: 'a', url: 'https:///paper' }, 'url'],
    ['a numeric arxiv_id', { id: 'x', abstract: 'a', arxiv_id: 2401.12345 }, 'arxiv_id'],
    // Regression: ingestion stored papers the write API refuses, which could then not be written back.
    ['an abstract over 100,000 characters', { id: 'x', abstract: 'a'.repeat(100_001) }, 'abstract'],
    ['a title over 2,000 characters', { id: 'x', abstract: 'a', title: 't'.repeat(2_001) }, 'title'],
    ['over 10,000 authors', { id: 'x', abstract: 'a', authors: Array.from({ length: 10_001 }, (_, i) => `Author ${i}`) }, 'authors'],
    ['an author over 512 characters', { id: 'x', abstract: 'a', authors: 'A'.repeat(513) }, 'authors'],
    // Regression: 10,000 names of 512 characters (5 MB) were taken, and each list holding the paper took 450 ms to export as BibTeX.
    [
      'authors over 200,000 characters in all',
      { id: 'x', abstract: 'a', authors: Array.from({ length: 401 }, (_, i) => `${i} ${'A'.repeat(500)}`) },
      'authors',
    ],
    ['over 100 categories', { id: 'x', abstract: 'a', categories: Array.from({ length: 101 }, (_, i) => `c${i}`).join(' ') }, 'categories'],
    ['a category over 128 characters', { id: 'x', abstract: 'a', categories: ['c'.repeat(129)] }, 'categories'],
    ['a doi over 512 characters', { id: 'x', abstract: 'a', doi: `10.1000/${'d'.repeat(505)}` }, 'doi'],
    ['a url over 2,048 characters', { id: 'x', abstract: 'a', url: `https://example.org/${'p'.repeat(2_029)}` }, 'url'],
    ['an arxiv_id over 64 characters', { id: 'x', abstract: 'a', arxiv_id: '2'.repeat(65) }, 'arxiv_id'],
    // Regression: any text was stored as the arXiv id, and the page linked arxiv.org/abs/<that text>.
    ['an arxiv_id that is not one', { id: 'x', abstract: 'a', arxiv_id: 'not an arxiv id at all' }, 'arxiv_id'],
    ['an arxiv_id of another site', { id: 'x', abstract: 'a', arxiv_id: 'https://example.org/abs/2101.00001' }, 'arxiv_id'],
  ];
  for (const [label, record, field] of invalidCases) {
    it(`rejects ${label} as invalid_field naming "${field}"`, () => {
      const message = rejected(mapRecordToPaper(record), 'invalid_field');
      assert.ok(message.includes(`"${field}"`), message);
    });
  }

  it('regression: the write API refuses author names over 200,000 characters in all, as ingestion does (10,000 names of 512 characters were taken)', () => {
    const names = (count: number) => Array.from({ length: count }, (_, i) => `${i} ${'A'.repeat(496)}`);
    assert.equal(paperInputSchema.safeParse({ abstract: 'a', authors: names(400) }).success, true);
    const refused = paperInputSchema.safeParse({ abstract: 'a', authors: names(401) });
    assert.equal(refused.success, false);
    assert.match(refused.error!.issues[0]!.message, /at most 200,000 characters in all/);
    assert.deepEqual(refused.error!.issues[0]!.path, ['authors']);
  });

  it('regression: drops control characters from text fields (a NUL category was stored and exported as a raw 0x00 byte)', () => {
    const paper = accepted(
      mapRecordToPaper({
        id: 'x',
        title: 'Ti\u0000tle\u001b',
        abstract: 'Line one\nline\ttwo\u0007',
        categories: ['  ', '\u0000', 'cs.CL'],
        authors: ['Ada\u0000 Lovelace'],
      }),
    );
    assert.deepEqual([paper.title, paper.abstract, paper.categories, paper.authors], ['Title', 'Line one\nline\ttwo', ['cs.CL'], ['Ada Lovelace']]);
    assert.equal(rejected(mapRecordToPaper({ id: 'x', abstract: '\u0000\u0001' }), 'missing_abstract').length > 0, true);
  });

  it('regression: stores a lone surrogate in text fields as U+FFFD (JSON and CSL-JSON kept it, BibTeX and RIS wrote U+FFFD)', () => {
    const paper = accepted(mapRecordToPaper({ id: 'x', title: 'x\udc00y', abstract: 'a \ud800', authors: ['Ad\ud83da'], venue: 'V\udfff', volume: '1\ud800' }));
    assert.deepEqual([paper.title, paper.abstract, paper.authors, paper.venue, paper.volume], ['x\ufffdy', 'a \ufffd', ['Ad\ufffda'], 'V\ufffd', '1\ufffd']);
    assert.equal(accepted(mapRecordToPaper({ id: 'x', title: 'Emoji 🧪 kept', abstract: 'a' })).title, 'Emoji 🧪 kept');
  });

  it('regression: drops the whole of a terminal escape sequence from text fields (only the ESC went, "[31m" stayed)', () => {
    const paper = accepted(
      mapRecordToPaper({
        id: 'x',
        title: 'Control\u001b[31m chars\u001b[0m',
        abstract: 'a\u001b]0;window title\u0007b\u009b2Jc',
        authors: ['Ada\u001b[1m Lovelace'],
      }),
    );
    assert.deepEqual([paper.title, paper.abstract, paper.authors], ['Control chars', 'abc', ['Ada Lovelace']]);
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'keeps [31m when it is text' })).abstract, 'keeps [31m when it is text');
  });

  it('takes http, https and ftp urls, and a bare www. address as https', () => {
    for (const url of ['http://example.org/p', 'HTTPS://Example.org/p?q=1#x', 'ftp://ftp.example.org/pub/p.ps']) {
      assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', url })).url, url);
    }
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', url: ' www.example.org/p ' })).url, 'https://www.example.org/p');
  });

  it('accepts every field at its limit, which the write API accepts too', () => {
    const paper = {
      id: 'x'.repeat(512),
      title: 't'.repeat(2_000),
      abstract: 'a'.repeat(100_000),
      // 10,000 names, one of 512 characters, 190,493 in all (at most 200,000).
      authors: ['A'.repeat(512), ...Array.from({ length: 9_999 }, (_, i) => `Author ${i}`.padEnd(19, 'x'))],
      categories: Array.from({ length: 100 }, (_, i) => `${'c'.repeat(128)}${i}`.slice(-128)),
      doi: `10.1000/${'d'.repeat(504)}`,
      url: `https://example.org/${'p'.repeat(2_028)}`,
      arxiv_id: '2101.00001v2',
    };
    assert.deepEqual(accepted(mapRecordToPaper(paper)), paper);
    assert.equal(paperInputSchema.safeParse(paper).success, true);
  });

  it('accepts an id of exactly 512 characters', () => {
    assert.equal(accepted(mapRecordToPaper({ id: 'x'.repeat(512), abstract: 'a' })).id.length, 512);
  });

  it('accepts years 1 and 9999 at the bounds', () => {
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', year: 1 })).year, 1);
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', year: 9999 })).year, 9999);
  });

  it('refuses impossible dates (impossible dates were accepted, 0000-00-00 stored as year 0)', () => {
    for (const date of ['2025-13-45', '2023-02-30', '2023-04-31', '0000-00-00', '2024-00', '20240105', '2024-1-5']) {
      const result = mapRecordToPaper({ id: 'x', abstract: 'a', date });
      assert.equal(result.ok, false, date);
      assert.deepEqual(result.ok ? undefined : [result.reason, result.field], ['invalid_field', 'date'], date);
    }
    assert.equal(mapRecordToPaper({ id: 'x', abstract: 'a', year: 0 }).ok, false, 'year 0');
  });

  it('accepts real dates, leap days included, and a time after the date (stored as the date alone)', () => {
    for (const date of ['2024-02-29', '2000-02-29', '1999-12-31', '2024-03', '2024']) {
      assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', date })).date, date);
    }
    assert.equal(accepted(mapRecordToPaper({ id: 'x', abstract: 'a', date: '2024-05-01T10:30:00Z' })).date, '2024-05-01');
    assert.equal(mapRecordToPaper({ id: 'x', abstract: 'a', date: '1900-02-29' }).ok, false, '1900 was not a leap year');
  });

  it('refuses a date that contradicts the year (a date contradicting year was accepted)', () => {
    const result = mapRecordToPaper({ id: 'x', abstract: 'a', year: 2020, date: '2018-07-09' });
    assert.deepEqual(result.ok ? undefined : [result.reason, result.field], ['invalid_field', 'year']);
  });

  it('refuses a DOI that normalizes to nothing (an empty doi.org link was stored as ""), and one with a line break, a space or a control character inside (they were stored, and carried into links and exports)', () => {
    for (const doi of ['https://doi.org/', 'doi:', 'not a doi', '10.1234/abc\ndef', '10.1234/abc def', '10.1234/abc\u0007', '10.1234/x\u0000']) {
      const result = mapRecordToPaper({ id: 'x', abstract: 'a', doi });
      assert.deepEqual(result.ok ? undefined : [result.reason, result.field], ['invalid_field', 'doi'], doi);
    }
  });

  it('refuses ids with control characters (ids could contain newlines or NUL)', () => {
    for (const id of ['a\nb', 'a\u0000b', 'tab\there']) {
      const result = mapRecordToPaper({ id, abstract: 'a' });
      assert.deepEqual(result.ok ? undefined : [result.reason, result.field], ['invalid_field', 'id'], JSON.stringify(id));
    }
  });

  it('regression: refuses ids with a lone surrogate (stored, such a paper could not be named in a URL, and a write of one answered 400 after it was logged)', () => {
    for (const id of ['ls\ud800z', '\udfff', 'end\ud83d']) {
      const result = mapRecordToPaper({ id, abstract: 'a' });
      assert.deepEqual(result.ok ? undefined : [result.reason, result.field], ['invalid_field', 'id'], JSON.stringify(id));
    }
    assert.equal(accepted(mapRecordToPaper({ id: 'emoji-\ud83d\ude00', abstract: 'a' })).id, 'emoji-\ud83d\ude00', 'a surrogate pair is a character');
  });

  it('regression: refuses ids made of zero-width or other format characters alone (such an id looked empty wherever it was shown)', () => {
    for (const id of ['\u200b', '\u200b\u200d\ufeff', '\u2060\u00ad', '\u200b\u3000']) {
      const result = mapRecordToPaper({ id, abstract: 'a' });
      assert.deepEqual(result.ok ? undefined : [result.reason, result.field], ['invalid_field', 'id'], JSON.stringify(id));
    }
    assert.equal(accepted(mapRecordToPaper({ id: 'a\u200bb', abstract: 'a' })).id, 'a\u200bb', 'a visible character makes it an id');
    // Regression: "." and ".." were accepted, and clients could not name them in a URL.
    for (const id of ['.', '..']) assert.deepEqual(rejected(mapRecordToPaper({ id, abstract: 'a' }), 'invalid_field').includes('"id"'), true, id);
    assert.equal(accepted(mapRecordToPaper({ id: '...', abstract: 'a' })).id, '...');
    assert.equal(accepted(mapRecordToPaper({ id: '論文', abstract: 'a' })).id, '論文');
  });

  // Regression: a whitespace-only year string (e.g. a padded empty CSV
  // cell) is not treated as absent like '' is: Number('  '.trim()) === 0, so the paper gets year 0
  // and the year in its date is ignored. Expected year 2021 (from the date); actual year 0.
  it('treats a whitespace-only year like a missing one (year from the date)', () => {
    const paper = accepted(mapRecordToPaper({ id: 'x', abstract: 'a', year: '  ', date: '2021-05-01' }));
    assert.equal(paper.year, 2021);
  });
});

describe('withFieldOverrides', () => {
  it('returns the default map when nothing is overridden', () => {
    assert.deepEqual(withFieldOverrides({}), defaultFieldMap);
  });

  it('replaces the candidates of overridden fields only', () => {
    const map = withFieldOverrides({ id: 'paper_id', abstract: 'summary' });
    assert.deepEqual(map.id, ['paper_id']);
    assert.deepEqual(map.abstract, ['summary']);
    assert.deepEqual(map.title, defaultFieldMap.title);
    assert.deepEqual(map.date, defaultFieldMap.date);
  });

  it('ignores undefined and empty overrides', () => {
    const map = withFieldOverrides({ id: undefined, title: '' });
    assert.deepEqual(map.id, defaultFieldMap.id);
    assert.deepEqual(map.title, defaultFieldMap.title);
  });

  it('does not change the default map', () => {
    const before = JSON.stringify(defaultFieldMap);
    withFieldOverrides({ id: 'paper_id', authors: 'creators' });
    assert.equal(JSON.stringify(defaultFieldMap), before);
  });

  it('drives mapRecordToPaper: the overridden name is used and the default one no longer is', () => {
    const fields = withFieldOverrides({ id: 'paper_id', abstract: 'summary', authors: 'creators' });
    const paper = accepted(mapRecordToPaper({ paper_id: 'P-7', summary: ' S ', creators: 'A and B', id: 'ignored' }, fields));
    assert.deepEqual(paper, { id: 'P-7', title: '', abstract: 'S', authors: ['A', 'B'] });
    const message = rejected(mapRecordToPaper({ id: 'x', summary: 's' }, fields), 'missing_id');
    assert.match(message, /paper_id/);
    // The fields the record has, so that a column named otherwise is found (it said only what it looked for).
    assert.match(message, /\(it has id, summary\)$/);
    rejected(mapRecordToPaper({ paper_id: 'x', abstract: 'a' }, fields), 'missing_abstract');
  });

  it('names the overridden field in invalid_field messages', () => {
    const fields = withFieldOverrides({ year: 'pub_year' });
    const message = rejected(mapRecordToPaper({ id: 'x', abstract: 'a', pub_year: 'soon' }, fields), 'invalid_field');
    assert.ok(message.includes('"pub_year"'), message);
  });
});

describe('mapRecordToPaper: the arXiv id of an arXiv DOI', () => {
  const mapped = (record: Record<string, unknown>) =>
    accepted(mapRecordToPaper({ title: 'Graph transformers', abstract: 'Attention over graphs.', ...record }));

  it('regression: takes the arXiv id an arXiv DOI names (arxiv: found no paper written with only its DOI, as BibTeX and RIS records were found)', () => {
    for (const doi of ['10.48550/arXiv.2012.09699', 'https://doi.org/10.48550/arXiv.2012.09699', 'doi:10.48550/ARXIV.2012.09699v2']) {
      assert.equal(mapped({ id: 'l1', doi }).arxiv_id, doi.endsWith('v2') ? '2012.09699v2' : '2012.09699', doi);
    }
    assert.equal(mapped({ id: 'l1', doi: '10.1000/xyz123' }).arxiv_id, undefined);
  });

  it('keeps an arxiv_id given beside another arXiv DOI, and takes an id that is an arXiv id', () => {
    assert.equal(mapped({ id: 'l1', doi: '10.48550/arXiv.2012.09699', arxiv_id: '2101.00001' }).arxiv_id, '2101.00001');
    assert.equal(mapped({ id: '2503.11731' }).arxiv_id, '2503.11731');
  });
});

describe('paperInputSchema', () => {
  it('regression: names the types a volume, an issue or pages may be (a boolean was "Invalid input")', () => {
    for (const [value, received] of [
      [true, 'boolean'],
      [{ from: 1 }, 'object'],
      [null, 'null'],
      [[1], 'array'],
    ] as const) {
      const result = paperInputSchema.partial().safeParse({ volume: value, pages: value });
      assert.deepEqual(
        result.error?.issues.map((issue) => [issue.path.join('.'), issue.message]),
        [
          ['volume', `expected a string or a number, received ${received}`],
          ['pages', `expected a string or a number, received ${received}`],
        ],
      );
    }
  });
  it('regression: a volume, an issue or pages beyond the double range (1e400) is called infinite, as every number field calls it (it said "expected a string or a number, received number")', () => {
    for (const value of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const result = paperInputSchema.partial().safeParse({ volume: value, issue: value, pages: value });
      assert.deepEqual(
        result.error?.issues.map((issue) => [issue.path.join('.'), issue.message]),
        ['volume', 'issue', 'pages'].map((field) => [field, 'must be a finite number (a JSON number beyond ±1.8e308 reads as infinite)']),
      );
    }
  });
});

describe('normalizeDoi', () => {
  it('strips URL and doi: prefixes, trims and lower-cases', () => {
    assert.equal(normalizeDoi('https://doi.org/10.48550/arXiv.1706.03762'), '10.48550/arxiv.1706.03762');
    assert.equal(normalizeDoi('  DOI:10.1/X '), '10.1/x');
    assert.equal(normalizeDoi('10.1/x'), '10.1/x');
  });
  it('regression: undoes the percent-encoding of a DOI link (10.1000/abc%2Fdef was stored encoded), and only of a link', () => {
    assert.equal(normalizeDoi('http://dx.doi.org/10.1000/abc%2Fdef'), '10.1000/abc/def');
    assert.equal(normalizeDoi('https://doi.org/10.1002/%28SICI%291097-4636'), '10.1002/(sici)1097-4636');
    assert.equal(normalizeDoi('10.1000/100%25'), '10.1000/100%25');
  });
  it('regression: reads the other forms exports write (a record with "DOI: 10.1000/abc4", www.doi.org, urn:doi: or info:doi/ was rejected whole)', () => {
    for (const form of ['DOI: 10.1000/ABC4', 'https://www.doi.org/10.1000/abc4', 'urn:doi:10.1000/abc4', 'info:doi/10.1000/abc4']) {
      assert.equal(normalizeDoi(form), '10.1000/abc4', form);
    }
    assert.equal(accepted(mapRecordToPaper({ id: 'd', abstract: 'A.', doi: 'DOI: 10.1000/abc4' })).doi, '10.1000/abc4');
  });
});
