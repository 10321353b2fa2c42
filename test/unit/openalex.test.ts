import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { abstractFromInvertedIndex, openAlexWorkToRecord } from '../../src/ingest/formats/openalex.js';
import { htmlToText } from '../../src/ingest/formats/markup-text.js';
import { formatFixtures, readRecords } from './format-support.js';
import { temporaryRoot } from './support.js';

describe('abstractFromInvertedIndex', () => {
  it('orders words by position, whatever order the index lists them in', () => {
    assert.equal(abstractFromInvertedIndex({ world: [1], hello: [0], again: [3], '!': [2] }), 'hello world ! again');
  });

  it('repeats a word at each of its positions', () => {
    assert.equal(abstractFromInvertedIndex({ the: [0, 3], cat: [1], saw: [2], dog: [4] }), 'the cat saw the dog');
  });

  it('keeps the first word listed when two claim one position, and a word listed twice at one position once', () => {
    assert.equal(abstractFromInvertedIndex({ a: [0], first: [1], second: [1], b: [2, 2] }), 'a first b');
  });

  it('skips gaps in the positions', () => {
    assert.equal(abstractFromInvertedIndex({ start: [0], middle: [5], end: [1000] }), 'start middle end');
  });

  it('ignores positions that are not whole non-negative numbers, and values that are not lists', () => {
    assert.equal(abstractFromInvertedIndex({ ok: [0], bad: [-1, 1.5, '2', null], odd: 'x', fine: [1] }), 'ok fine');
  });

  it('is undefined for a missing, empty or non-object index', () => {
    for (const index of [null, undefined, {}, [], 'text', { word: [] }]) assert.equal(abstractFromInvertedIndex(index), undefined, JSON.stringify(index));
  });
});

describe('openAlexWorkToRecord', () => {
  it('maps a work: short id, DOI URL, authors, dates, topic levels, landing page', () => {
    const record = openAlexWorkToRecord({
      id: 'https://openalex.org/W42',
      doi: 'https://doi.org/10.5555/ABC',
      display_name: 'Display <i>Name</i> &amp; More',
      publication_year: 2022,
      publication_date: '2022-08-30',
      authorships: [{ author: { display_name: 'Дмитрий Иванов' } }, { author: {}, raw_author_name: 'Raw Name' }, { author: { display_name: null } }],
      primary_topic: { display_name: 'Topic', subfield: { display_name: 'Subfield' }, field: { display_name: 'Field' }, domain: { display_name: 'Domain' } },
      primary_location: { landing_page_url: 'https://example.org/landing' },
      abstract_inverted_index: { Text: [0], here: [1] },
    });
    assert.deepEqual(record, {
      id: 'W42',
      title: 'Display Name & More',
      abstract: 'Text here',
      authors: ['Дмитрий Иванов', 'Raw Name'],
      categories: ['Field', 'Subfield', 'Topic'],
      year: 2022,
      date: '2022-08-30',
      doi: 'https://doi.org/10.5555/ABC',
      url: 'https://example.org/landing',
    });
  });

  it("takes the venue from the primary location's source (host_venue in older snapshots), and volume, issue and pages from biblio", () => {
    const record = openAlexWorkToRecord({
      id: 'https://openalex.org/W7',
      primary_location: { source: { display_name: 'Nature' } },
      biblio: { volume: '521', issue: '7553', first_page: '436', last_page: '444' },
    }) as Record<string, unknown>;
    assert.deepEqual([record.venue, record.volume, record.issue, record.pages], ['Nature', '521', '7553', '436-444']);
    const older = openAlexWorkToRecord({ id: 'W8', host_venue: { display_name: 'Science' }, biblio: { first_page: 'e12', last_page: 'e12' } }) as Record<
      string,
      unknown
    >;
    assert.deepEqual([older.venue, older.pages], ['Science', 'e12']);
    const preprint = openAlexWorkToRecord({
      id: 'W9',
      primary_location: { source: { display_name: 'arXiv (Cornell University)', type: 'repository' } },
      biblio: { volume: '2' },
    }) as Record<string, unknown>;
    assert.deepEqual([preprint.venue, preprint.volume], [undefined, undefined], 'a repository is where a preprint is, not a venue');
  });

  it("takes the type from Crossref's type, else OpenAlex's; an article in a repository is a preprint, one at a conference a conference paper", () => {
    const typeOf = (work: Record<string, unknown>) => (openAlexWorkToRecord({ id: 'W1', ...work }) as Record<string, unknown>).type;
    assert.equal(typeOf({ type: 'article', type_crossref: 'proceedings-article' }), 'conference-paper');
    assert.equal(typeOf({ type: 'article', primary_location: { source: { display_name: 'Nature', type: 'journal' } } }), 'journal-article');
    assert.equal(typeOf({ type: 'article', primary_location: { source: { display_name: 'arXiv (Cornell University)', type: 'repository' } } }), 'preprint');
    assert.equal(typeOf({ type: 'article', primary_location: { source: { display_name: 'ICML', type: 'conference' } } }), 'conference-paper');
    assert.equal(typeOf({ type: 'preprint' }), 'preprint');
    assert.equal(typeOf({ type: 'dissertation' }), 'thesis');
    assert.equal(typeOf({ type: 'book-chapter' }), 'book-chapter');
    assert.equal(typeOf({ type: 'paratext' }), undefined);
    assert.equal(typeOf({}), undefined);
  });

  it('falls back to concepts scored at least 0.5 when there is no primary topic', () => {
    const record = openAlexWorkToRecord({
      id: 'https://openalex.org/W1',
      concepts: [
        { display_name: 'Kept', score: 0.5 },
        { display_name: 'Dropped', score: 0.49 },
        { display_name: 'Kept', score: 0.9 },
      ],
    }) as Record<string, unknown>;
    assert.deepEqual(record.categories, ['Kept']);
  });

  it("finds the arXiv id in an arXiv location or arXiv's DOI", () => {
    const fromLocation = openAlexWorkToRecord({
      id: 'W1',
      locations: [{ landing_page_url: 'https://doi.org/10.1/x' }, { pdf_url: 'http://arxiv.org/pdf/2208.09999v1' }],
    });
    assert.equal((fromLocation as Record<string, unknown>).arxiv_id, '2208.09999v1');
    const fromDoi = openAlexWorkToRecord({ id: 'W2', doi: 'https://doi.org/10.48550/arxiv.2305.04567' });
    assert.equal((fromDoi as Record<string, unknown>).arxiv_id, '2305.04567');
  });

  it("leaves out the abstract of a work without an inverted index, and the URL falls back to the work's page", () => {
    const record = openAlexWorkToRecord({ id: 'https://openalex.org/W3', title: 'T', abstract_inverted_index: null }) as Record<string, unknown>;
    assert.equal(record.abstract, undefined);
    assert.equal(record.url, 'https://openalex.org/W3');
  });
});

describe('htmlToText', () => {
  it('regression: decodes numeric character references (&#8217; and &#x27; were kept as written), each once', () => {
    assert.equal(htmlToText('it&#8217;s &#x27;q&#X27; &#x2013; caf&#233; &amp;#39; &#0; &#xD800;'), "it\u2019s 'q' \u2013 caf\u00e9 &#39; &#0; &#xD800;");
  });

  it('regression: decodes every HTML named entity, with its semicolon (&deg; was kept as written)', () => {
    assert.equal(htmlToText('<i>E. coli</i> growth at 37&deg;C &ndash; &alpha;&hellip; &notation &amp;deg;'), 'E. coli growth at 37°C – α… &notation &deg;');
  });

  it('removes inline markup, decodes entities, leaves other angle brackets', () => {
    assert.equal(htmlToText('H<sub>2</sub>O in <i>E. coli</i> &lt;5&gt; &amp; <jats:italic>x</jats:italic>, p &lt; 0.05'), 'H2O in E. coli <5> & x, p < 0.05');
  });

  it('regression: ends a word at a block, as a structured abstract has them ("MethodsWe conducted" was stored, which no search for methods found)', () => {
    assert.equal(
      htmlToText(
        '<jats:title>Abstract</jats:title><jats:sec><jats:title>Background</jats:title><jats:p>Sepsis is common.</jats:p></jats:sec><jats:sec><jats:title>Methods</jats:title><jats:p>We conducted a trial.<br/>Twice.</jats:p></jats:sec><jats:list><jats:list-item>One</jats:list-item></jats:list>',
      ),
      'Abstract Background Sepsis is common. Methods We conducted a trial. Twice. One',
    );
  });
});

describe('readOpenAlex', () => {
  it('reads works and saved API pages, positioned by line, result and id', async () => {
    const records = await readRecords(join(formatFixtures, 'openalex-works.jsonl'), 'openalex');
    assert.deepEqual(
      records.map((record) => record.position),
      [
        'line 1 (W4200000001)',
        'line 2 (W3100000002)',
        'line 3 (W2000000003)',
        'line 4 result 1 (W1000000004)',
        'line 4 result 2 (W1000000005)',
        'line 5 (W3100000002)',
      ],
    );
    const first = records[0]!.value as Record<string, unknown>;
    assert.equal(first.title, 'Methane Emissions from Thawing Permafrost Lakes');
    assert.equal(first.arxiv_id, '2208.09999');
    assert.match(String(first.abstract), /^Permafrost thaw releases methane from Arctic lakes\. We measure fluxes with eddy/);
  });

  const root = temporaryRoot('paper-search-openalex-');
  it('reads a snapshot folder of gzipped parts in name order, naming the part in positions', async () => {
    const folder = join(root(), 'works');
    await mkdir(join(folder, 'updated_date=2024-01-02'), { recursive: true });
    await mkdir(join(folder, 'updated_date=2024-01-01'), { recursive: true });
    const work = (id: string) => JSON.stringify({ id: `https://openalex.org/${id}`, title: id, abstract_inverted_index: { text: [0] } });
    await writeFile(join(folder, 'updated_date=2024-01-02', 'part_000.gz'), gzipSync(`${work('W3')}\n`));
    await writeFile(join(folder, 'updated_date=2024-01-01', 'part_001.gz'), gzipSync(`${work('W2')}\n`));
    await writeFile(join(folder, 'updated_date=2024-01-01', 'part_000.gz'), gzipSync(`${work('W1')}\n{broken\n`));
    await writeFile(join(folder, 'manifest'), '{"entries": []}');
    const records = await readRecords(folder, 'openalex');
    assert.deepEqual(
      records.map((record) => [record.position, record.error?.reason ?? 'ok']),
      [
        ['updated_date=2024-01-01/part_000.gz line 1 (W1)', 'ok'],
        ['updated_date=2024-01-01/part_000.gz line 2', 'invalid_json'],
        ['updated_date=2024-01-01/part_001.gz line 1 (W2)', 'ok'],
        ['updated_date=2024-01-02/part_000.gz line 1 (W3)', 'ok'],
      ],
    );
  });
});
