import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { detectInputFormat, formatOfContent } from '../../src/ingest/format-detection.js';
import { detectFormat, openRecordSource, type InputFormat } from '../../src/ingest/record-readers.js';
import { formatFixtures, readRecords, writeZip } from './format-support.js';
import { isAppErrorWithCode, temporaryRoot } from './support.js';

const root = temporaryRoot('paper-search-detect-');

describe('detectFormat (extension)', () => {
  const cases: [string, InputFormat][] = [
    ['library.bib', 'bibtex'],
    ['library.BIB', 'bibtex'],
    ['library.biblatex', 'bibtex'],
    ['library.bib.gz', 'bibtex'],
    ['references.ris', 'ris'],
    ['references.ris.zip', 'ris'],
    ['papers.jsonl.zip', 'jsonl'],
  ];
  for (const [path, format] of cases) {
    it(`detects ${format} from ${path}`, () => assert.equal(detectFormat(path), format));
  }
});

describe('formatOfContent', () => {
  const cases: [string, string, InputFormat | undefined][] = [
    ['an arXiv snapshot line', '{"id":"0704.0001","title":"T","abstract":"A","versions":[],"authors_parsed":[]}\n', 'arxiv-snapshot'],
    ['an OpenAlex work', '{"id":"https://openalex.org/W1","abstract_inverted_index":null}\n', 'openalex'],
    ['an OpenAlex API page', '{"meta":{"count":1},"results":[]}\n', 'openalex'],
    ['a Semantic Scholar paper', '{"corpusid":1,"title":"T","externalids":{}}\n', 'semantic-scholar'],
    ['a plain JSON-lines paper', '{"id":"p1","title":"T","abstract":"A"}\n', undefined],
    ['RIS', '\nTY  - JOUR\nTI  - T\n', 'ris'],
    ['BibTeX after comments', '% Encoding: UTF-8\n\n@article{k,\n title={T}}\n', 'bibtex'],
    ['a JSON array', '[\n  {"id": "a"}\n]\n', undefined],
    ['Markdown', '# Title\n\nText with an email a@b.org.\n', undefined],
  ];
  for (const [name, head, format] of cases) {
    it(`recognises ${name}`, () => assert.equal(formatOfContent(head), format));
  }

  it('sends the Semantic Scholar abstracts dataset back with a hint', () => {
    assert.throws(() => formatOfContent('{"corpusid":1,"openaccessinfo":{},"abstract":"A"}\n'), isAppErrorWithCode('input_unreadable', /--abstracts/));
  });
});

describe('detectInputFormat', () => {
  it('prefers --format, then .bib/.ris/.csv, then the content, then the extension', async () => {
    assert.equal(await detectInputFormat(join(formatFixtures, 'library.bib'), 'jsonl'), 'jsonl');
    assert.equal(await detectInputFormat(join(formatFixtures, 'library.bib')), 'bibtex');
    assert.equal(await detectInputFormat(join(formatFixtures, 'arxiv-metadata-oai-snapshot.json')), 'arxiv-snapshot');
    assert.equal(await detectInputFormat(join(formatFixtures, 'openalex-works.jsonl')), 'openalex');
    assert.equal(await detectInputFormat(join(formatFixtures, 's2-papers.jsonl')), 'semantic-scholar');
    assert.equal(await detectInputFormat(join(formatFixtures, '../ingest-mixed.jsonl')), 'jsonl');
    assert.equal(await detectInputFormat(join(formatFixtures, '../ingest-papers.json')), 'json');
  });

  it('regression: reads papers a line each as JSON lines whatever the name (papers.json was read as one array and refused); one object alone, or pretty-printed, stays JSON', async () => {
    const cases = [
      ['lines.json', '{"id":"a","abstract":"A"}\n\n{"id":"b","abstract":"B"}\n', 'jsonl'],
      ['lines.txt', '{"id":"a","abstract":"A"}\n{"id":"b","abstract":"B"}', 'jsonl'],
      ['one.json', '{"id":"a","abstract":"A"}\n', 'json'],
      ['pretty.json', '{\n  "id": "a",\n  "abstract": "A"\n}\n', 'json'],
      ['array.json', '[{"id":"a","abstract":"A"},\n{"id":"b","abstract":"B"}]\n', 'json'],
    ] as const;
    for (const [name, text, format] of cases) {
      const path = join(root(), name);
      await writeFile(path, text);
      assert.equal(await detectInputFormat(path), format, name);
    }
    // A second line longer than what is read to tell the format (an abstract of 20,000 characters, gzipped).
    const long = join(root(), 'long.json.gz');
    await writeFile(long, gzipSync(`{"id":"a","abstract":"A"}\n{"id":"b","abstract":"${'x'.repeat(20_000)}"}\n`));
    assert.equal(await detectInputFormat(long), 'jsonl');
  });

  it('regression: reads a MEDLINE file (PubMed\'s .nbib) as MEDLINE, also named .ris or .txt (it was "Cannot tell the format", or 0 RIS records read)', async () => {
    const medline = 'PMID- 31452104\nOWN - NLM\nTI  - A title.\nAB  - An abstract.\nFAU - Smith, John\n\nPMID- 31452105\nTI  - Another.\n';
    for (const name of ['pubmed.nbib', 'pubmed.ris', 'pubmed.txt']) {
      const path = join(root(), name);
      await writeFile(path, medline);
      assert.equal(await detectInputFormat(path), 'medline', name);
    }
    // Some tools write the record's other tags before its PMID.
    const ownFirst = join(root(), 'own-first.txt');
    await writeFile(ownFirst, `OWN - NLM\nSTAT- MEDLINE\n${medline}`);
    assert.equal(await detectInputFormat(ownFirst), 'medline');
    const ris = join(root(), 'real.ris');
    await writeFile(ris, 'TY  - JOUR\nTI  - T\nAB  - A.\nER  - \n');
    assert.equal(await detectInputFormat(ris), 'ris');
  });

  it('regression: tells UTF-16 files by their first lines (Web of Science\'s "Tab delimited (Win)" export, RIS and MEDLINE named .txt were "Cannot tell the format")', async () => {
    const utf16 = (text: string, bigEndian = false) => {
      const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
      return bigEndian ? Buffer.from(le).swap16() : le;
    };
    const cases = [
      ['savedrecs-tab.txt', 'PT\tAU\tTI\tAB\tUT\r\nJ\tSmith, J\tA title\tAn abstract.\tWOS:000000000000001\r\n', 'web-of-science'],
      ['savedrecs-plain.txt', 'FN Clarivate Analytics Web of Science\r\nVR 1.0\r\nPT J\r\nTI A title\r\nUT WOS:1\r\nER\r\n', 'web-of-science'],
      ['references.txt', 'TY  - JOUR\r\nTI  - A title\r\nAB  - An abstract.\r\nER  - \r\n', 'ris'],
      ['pubmed.txt', 'PMID- 31452104\r\nOWN - NLM\r\nTI  - A title.\r\nAB  - An abstract.\r\n', 'medline'],
    ] as const;
    for (const [name, text, format] of cases) {
      for (const bigEndian of [false, true]) {
        const path = join(root(), `${bigEndian ? 'be' : 'le'}-${name}`);
        await writeFile(path, utf16(text, bigEndian));
        assert.equal(await detectInputFormat(path), format, path);
      }
    }
    // JSON is read as UTF-8 only: refused with what to do, rather than every line rejected as invalid_json.
    const lines = join(root(), 'utf16.jsonl');
    await writeFile(lines, utf16('{"id":"a","abstract":"A"}\r\n{"id":"b","abstract":"B"}\r\n'));
    await assert.rejects(detectInputFormat(lines), isAppErrorWithCode('input_unreadable', /utf16\.jsonl is UTF-16 text .* save it as UTF-8/));
  });

  it('regression: takes the format of a zip from the name of the file inside it (one.zip holding papers.jsonl was refused)', async () => {
    for (const [member, content, format] of [
      ['papers.jsonl', '{"id":"a","title":"T","abstract":"A"}\n', 'jsonl'],
      ['papers.json', '[{"id":"a","title":"T","abstract":"A"}]\n', 'json'],
      ['papers.csv', 'id,title,abstract\na,T,A\n', 'csv'],
    ] as const) {
      const zip = join(root(), `one-${format}.zip`);
      await writeZip(zip, { [member]: content });
      assert.equal(await detectInputFormat(zip), format, member);
    }
  });

  it(
    'regression: reads the head of a file whose first line is long in linear time (a one-line 264 KB JSON array took minutes before a record was read)',
    { timeout: 20_000 },
    async () => {
      const papers = Array.from({ length: 12_000 }, (_, i) => ({ id: `m${i}`, title: 'P', abstract: `Short abstract ${i}.` }));
      const array = join(root(), 'one-line.json');
      await writeFile(array, JSON.stringify(papers));
      assert.equal(await detectInputFormat(array), 'json');
      const longFirst = join(root(), 'long-first.jsonl');
      await writeFile(longFirst, `${JSON.stringify({ id: 'a', abstract: 'word '.repeat(200_000) })}\n{"id":"b","abstract":"B"}\n`);
      assert.equal(await detectInputFormat(longFirst), 'jsonl');
    },
  );

  it('regression: tells OpenAlex by a first line of over a megabyte (an API page of 200 works, a work with thousands of authors was read as plain JSON lines, every record rejected)', async () => {
    const authorships = Array.from({ length: 5_000 }, (_, i) => ({
      author: { display_name: `Author ${i}` },
      institutions: [{ display_name: `Department ${i}, A University With A Long Name, Somewhere In The World` }],
    }));
    const work = { id: 'https://openalex.org/W1', title: 'Many authors', authorships, abstract_inverted_index: { Many: [0] } };
    const page = join(root(), 'page.jsonl');
    const line = JSON.stringify({ meta: { count: 2 }, results: [work, work] });
    assert.ok(line.length > 1 << 20);
    await writeFile(page, `${line}\n`);
    assert.equal(await detectInputFormat(page), 'openalex');
  });

  it('looks inside .gz and .zip files and folders of parts', async () => {
    const gz = join(root(), 'part_000.gz');
    await writeFile(gz, gzipSync('{"id":"https://openalex.org/W1","title":"T"}\n'));
    assert.equal(await detectInputFormat(gz), 'openalex');
    const zip = join(root(), 'archive.zip');
    await writeZip(zip, { 'arxiv-metadata-oai-snapshot.json': '{"id":"0704.0001","abstract":"A","update_date":"2008-11-13"}\n' });
    assert.equal(await detectInputFormat(zip), 'arxiv-snapshot');
    const folder = join(root(), 's2');
    await mkdir(folder);
    await writeFile(join(folder, 'papers-0.jsonl'), '{"corpusid":1,"title":"T"}\n');
    assert.equal(await detectInputFormat(folder), 'semantic-scholar');
  });

  it('regression: reads a folder of JSON lines or JSON array files in name order, positions naming each file (it could not tell the format, and --format jsonl said "is not a file")', async () => {
    const lines = join(root(), 'batches');
    await mkdir(join(lines, 'later'), { recursive: true });
    await writeFile(join(lines, 'a.jsonl'), '{"id":"a1","abstract":"x"}\n{"id":"a2","abstract":"y"}\n');
    await writeFile(join(lines, 'later', 'b.jsonl.gz'), gzipSync('{"id":"b1","abstract":"z"}\n'));
    // Regression: a gzipped file of another format was read as JSON, and the whole folder failed.
    await writeFile(join(lines, 'refs.ris.gz'), gzipSync('TY  - JOUR\nTI  - T\nER  - \n'));
    assert.equal(await detectInputFormat(lines), 'jsonl');
    const records = await readRecords(lines, 'jsonl');
    assert.deepEqual(
      records.map((record) => [record.position, (record.value as { id: string }).id]),
      [
        ['a.jsonl line 1', 'a1'],
        ['a.jsonl line 2', 'a2'],
        ['later/b.jsonl.gz line 1', 'b1'],
      ],
    );
    const arrays = join(root(), 'arrays');
    await mkdir(arrays);
    await writeFile(join(arrays, '1.json'), '[{"id":"c1","abstract":"x"}]');
    await writeFile(join(arrays, '2.json'), '[{"id":"c2","abstract":"y"}]');
    assert.equal(await detectInputFormat(arrays), 'json');
    const items = await readRecords(arrays, 'json');
    assert.deepEqual(
      items.map((record) => record.position),
      ['1.json record 1', '2.json record 1'],
    );
  });

  it('fails with input_unreadable, naming --format, when neither content nor extension tell', async () => {
    const path = join(root(), 'notes.txt');
    await writeFile(path, 'just text\n');
    await assert.rejects(
      detectInputFormat(path),
      isAppErrorWithCode(
        'input_unreadable',
        /--format jsonl\|json\|csl-json\|csv\|bibtex\|ris\|medline\|web-of-science\|arxiv-snapshot\|openalex\|semantic-scholar/,
      ),
    );
    await assert.rejects(detectInputFormat(join(root(), 'missing.json')), isAppErrorWithCode('input_unreadable', /no such file/));
  });
});

describe('inputs in .zip archives', () => {
  it('reads the one file of a zip, with progress up to the archive size', async () => {
    const path = join(root(), 'papers.jsonl.zip');
    await writeZip(path, {
      'folder/': '',
      'papers.jsonl': '{"id":"a","abstract":"x"}\n{"id":"b","abstract":"y"}\n',
      '__MACOSX/._papers.jsonl': 'resource fork',
    });
    const source = await openRecordSource(path, 'jsonl');
    const values: unknown[] = [];
    for await (const record of source.records()) values.push(record.value);
    assert.deepEqual(values, [
      { id: 'a', abstract: 'x' },
      { id: 'b', abstract: 'y' },
    ]);
    assert.equal(source.bytesRead(), source.totalBytes);
  });

  it('refuses a zip of several files, naming them', async () => {
    const path = join(root(), 'several.zip');
    await writeZip(path, { 'a.bib': '@misc{a}', 'b.bib': '@misc{b}' });
    await assert.rejects(readRecords(path, 'bibtex'), isAppErrorWithCode('input_unreadable', /holds 2 files \(a\.bib, b\.bib\)/));
  });

  it('refuses a file that is not a zip with input_unreadable', async () => {
    const path = join(root(), 'fake.zip');
    await writeFile(path, 'not a zip');
    await assert.rejects(readRecords(path, 'jsonl'), isAppErrorWithCode('input_unreadable', /zip/));
  });
});
