import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { detectFormat, openRecordSource, type InputFormat, type RawRecord } from '../../src/ingest/record-readers.js';
import { detectInputFormat } from '../../src/ingest/format-detection.js';
import { isAppErrorWithCode } from './support.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paper-search-readers-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeInput(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function readAll(path: string, format: InputFormat): Promise<RawRecord[]> {
  const source = await openRecordSource(path, format);
  const records: RawRecord[] = [];
  for await (const record of source.records()) records.push(record);
  return records;
}

describe('detectFormat', () => {
  const cases: [string, InputFormat][] = [
    ['papers.jsonl', 'jsonl'],
    ['papers.ndjson', 'jsonl'],
    ['papers.json', 'json'],
    ['papers.csv', 'csv'],
    ['PAPERS.JSONL', 'jsonl'],
    ['data/Papers.CSV', 'csv'],
    ['papers.jsonl.gz', 'jsonl'],
    ['papers.json.gz', 'json'],
    ['papers.csv.gz', 'csv'],
    ['/abs/dir.with.dots/papers.ndjson.gz', 'jsonl'],
  ];
  for (const [path, format] of cases) {
    it(`detects ${format} from ${path}`, () => {
      assert.equal(detectFormat(path), format);
    });
  }

  it('uses an explicit format over the extension', () => {
    assert.equal(detectFormat('papers.json', 'csv'), 'csv');
    assert.equal(detectFormat('papers.txt', 'jsonl'), 'jsonl');
    assert.equal(detectFormat('no-extension', 'json'), 'json');
  });

  it('throws input_unreadable for an unknown or missing extension, suggesting --format', () => {
    for (const path of ['papers.txt', 'papers', 'papers.gz', 'papers.tsv.gz']) {
      assert.throws(() => detectFormat(path), isAppErrorWithCode('input_unreadable', /--format/), path);
    }
  });
});

describe('openRecordSource: JSON lines', () => {
  it('yields one record per line, skips blank lines, reports a malformed line as invalid_json with its line number', async () => {
    const path = await writeInput('mixed.jsonl', '{"id":"a","abstract":"x"}\n\n   \n{"id": "b", oops\n{"id":"c","abstract":"z"}\n');
    const records = await readAll(path, 'jsonl');
    assert.equal(records.length, 3);
    assert.deepEqual(records[0], { position: 'line 1', value: { id: 'a', abstract: 'x' } });
    const broken = records[1]!;
    assert.equal(broken.position, 'line 4');
    assert.equal(broken.value, undefined);
    assert.equal(broken.error?.reason, 'invalid_json');
    assert.equal(typeof broken.error?.message, 'string');
    assert.ok(broken.error.message.length > 0);
    assert.deepEqual(records[2], { position: 'line 5', value: { id: 'c', abstract: 'z' } });
  });

  it('passes through valid JSON that is not an object (mapping rejects it later)', async () => {
    const path = await writeInput('scalars.jsonl', '42\n[1,2]\nnull\n"text"\n');
    const records = await readAll(path, 'jsonl');
    assert.deepEqual(
      records.map((record) => record.value),
      [42, [1, 2], null, 'text'],
    );
    assert.ok(records.every((record) => record.error === undefined));
  });

  it('handles CRLF line endings and a last line without a newline', async () => {
    const path = await writeInput('crlf.jsonl', '{"id":1}\r\n\r\n{"id":3}');
    assert.deepEqual(await readAll(path, 'jsonl'), [
      { position: 'line 1', value: { id: 1 } },
      { position: 'line 3', value: { id: 3 } },
    ]);
  });

  it('regression: a raw U+2028 or U+2029 inside a JSON string stays in its record (read as a line break, it rejected valid records)', async () => {
    const path = await writeInput('separators.jsonl', '{"id":"a","abstract":"One.\u2028Two.\u2029Three."}\n{"id":"b"}\n');
    assert.deepEqual(await readAll(path, 'jsonl'), [
      { position: 'line 1', value: { id: 'a', abstract: 'One.\u2028Two.\u2029Three.' } },
      { position: 'line 2', value: { id: 'b' } },
    ]);
  });

  it('yields nothing for an empty file', async () => {
    const path = await writeInput('empty.jsonl', '');
    assert.deepEqual(await readAll(path, 'jsonl'), []);
  });

  it('reports the file size and how much of it was read', async () => {
    const content = '{"id":"a"}\n{"id":"b"}\n';
    const path = await writeInput('progress.jsonl', content);
    const source = await openRecordSource(path, 'jsonl');
    assert.equal(source.format, 'jsonl');
    assert.equal(source.totalBytes, Buffer.byteLength(content));
    assert.equal(source.bytesRead(), 0);
    for await (const record of source.records()) assert.ok(record.value !== undefined);
    assert.equal(source.bytesRead(), source.totalBytes);
  });

  it('reads gzipped JSON lines (.jsonl.gz), measuring progress on the compressed file', async () => {
    const compressed = gzipSync('{"id":"a","abstract":"x"}\n\nnot json\n{"id":"b","abstract":"y"}\n');
    const path = await writeInput('papers.jsonl.gz', compressed);
    const source = await openRecordSource(path, 'jsonl');
    assert.equal(source.totalBytes, compressed.length);
    const records: RawRecord[] = [];
    for await (const record of source.records()) records.push(record);
    assert.deepEqual(records[0], { position: 'line 1', value: { id: 'a', abstract: 'x' } });
    assert.equal(records[1]?.position, 'line 3');
    assert.equal(records[1]?.error?.reason, 'invalid_json');
    assert.deepEqual(records[2], { position: 'line 4', value: { id: 'b', abstract: 'y' } });
    assert.equal(records.length, 3);
    assert.equal(source.bytesRead(), compressed.length);
  });

  // Regression: when the (gzip) stream fails, readline's async
  // iterator rethrows the stream's own error, so the `if (failure) throw new AppError(...)` after
  // the loop is never reached. A truncated or non-gzip .jsonl.gz surfaces as a raw zlib Error
  // (code Z_BUF_ERROR / Z_DATA_ERROR) instead of AppError input_malformed, and the CLI reports an
  // "unexpected failure" with a stack trace (exit 70). The JSON and CSV readers wrap it correctly.
  it('turns a truncated .jsonl.gz into AppError input_malformed', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ id: i, abstract: 'x'.repeat(40) })).join('\n');
    const compressed = gzipSync(lines);
    const path = await writeInput('truncated.jsonl.gz', compressed.subarray(0, compressed.length - 100));
    await assert.rejects(readAll(path, 'jsonl'), isAppErrorWithCode('input_malformed'));
  });

  it('regression: a damaged gzip input names its file and where reading stopped (it said "stopped at line 0: unexpected end of file")', async () => {
    const garbage = await writeInput('garbage.jsonl.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, ...Buffer.from('garbage')]));
    await assert.rejects(
      readAll(garbage, 'jsonl'),
      isAppErrorWithCode('input_malformed', /^Reading stopped before its first line: .*garbage\.jsonl\.gz is not a whole gzip file \(/),
    );
    const compressed = gzipSync(Array.from({ length: 500 }, (_, i) => JSON.stringify({ id: i, abstract: 'x'.repeat(40) })).join('\n'));
    const cut = await writeInput('cut.bib.gz', compressed.subarray(0, compressed.length - 100));
    await assert.rejects(
      readAll(cut, 'bibtex'),
      isAppErrorWithCode('input_malformed', /^Reading stopped after line \d+: .*cut\.bib\.gz is not a whole gzip file/),
    );
  });

  it('says what a JSON input is when a .json file holds objects one after another, not an array', async () => {
    const path = await writeInput('lines.json', '{"id":"a","title":"T","abstract":"A b c."} {"id":"b","title":"U","abstract":"D."}');
    await assert.rejects(
      readAll(path, 'json'),
      (error: Error) =>
        isAppErrorWithCode('input_malformed')(error) &&
        /A JSON input is one array of papers, or one object; one paper per line is --format jsonl/.test(error.message),
    );
  });

  it("regression: reads --format csl-json, the exports' name for it, as a CSL-JSON bibliography (it was refused)", async () => {
    const path = await writeInput('library.json', JSON.stringify([{ id: 'w1', type: 'article', title: 'A working paper', abstract: 'About work.' }]));
    const [item] = await readAll(path, 'csl-json');
    assert.deepEqual(item?.value, { id: 'w1', title: 'A working paper', abstract: 'About work.', type: 'preprint' });
    const [plain] = await readAll(path, 'json');
    assert.equal((plain?.value as { type?: string }).type, 'article', 'without a field only CSL names, --format json reads a paper');
    // One item alone, after a byte-order mark, is a list of one, as a POST body of it is.
    const lone = await writeInput('one-item.json', `\ufeff\n ${JSON.stringify({ id: 'w2', type: 'article-journal', title: 'Alone', abstract: 'One.' })}`);
    assert.deepEqual(
      (await readAll(lone, 'csl-json')).map((record) => record.value),
      [{ id: 'w2', title: 'Alone', abstract: 'One.', type: 'journal-article' }],
    );
  });

  it('turns a .jsonl.gz that is not gzip into AppError input_malformed', async () => {
    const path = await writeInput('plain.jsonl.gz', '{"id":"a","abstract":"x"}\n');
    await assert.rejects(readAll(path, 'jsonl'), isAppErrorWithCode('input_malformed'));
  });

  // Regression: a UTF-8 byte-order mark is not stripped from JSON
  // lines input, so the first record of a BOM-prefixed .jsonl file is rejected as invalid_json.
  // The CSV reader (bom: true) and the JSON array reader both accept a BOM.
  it('accepts a UTF-8 byte-order mark before the first JSON line', async () => {
    const path = await writeInput('bom.jsonl', '\uFEFF{"id":"a"}\n{"id":"b"}\n');
    assert.deepEqual(await readAll(path, 'jsonl'), [
      { position: 'line 1', value: { id: 'a' } },
      { position: 'line 2', value: { id: 'b' } },
    ]);
  });
});

describe('openRecordSource: JSON array', () => {
  it('yields each element with position "record N" (1-based)', async () => {
    const path = await writeInput('papers.json', JSON.stringify([{ id: 'a', abstract: 'x' }, 'not an object', { id: 'c', abstract: 'z' }], null, 2));
    assert.deepEqual(await readAll(path, 'json'), [
      { position: 'record 1', value: { id: 'a', abstract: 'x' } },
      { position: 'record 2', value: 'not an object' },
      { position: 'record 3', value: { id: 'c', abstract: 'z' } },
    ]);
  });

  it('yields nothing for an empty array', async () => {
    const path = await writeInput('empty.json', '[]');
    assert.deepEqual(await readAll(path, 'json'), []);
  });

  it('accepts a UTF-8 byte-order mark', async () => {
    const path = await writeInput('bom.json', '\uFEFF[{"id":"a"}]');
    assert.deepEqual(await readAll(path, 'json'), [{ position: 'record 1', value: { id: 'a' } }]);
  });

  it('throws input_malformed for a truncated array, after yielding the complete records', async () => {
    const path = await writeInput('truncated.json', '[{"id":"a","abstract":"x"},{"id":"b","abstract":"y"},{"id":"c","abs');
    const source = await openRecordSource(path, 'json');
    const seen: RawRecord[] = [];
    await assert.rejects(
      (async () => {
        for await (const record of source.records()) seen.push(record);
      })(),
      isAppErrorWithCode('input_malformed', /truncated\.json/),
    );
    assert.deepEqual(
      seen.map((record) => record.position),
      ['record 1', 'record 2'],
    );
  });

  it('throws input_malformed for malformed JSON inside the array', async () => {
    const path = await writeInput('malformed.json', '[{"id":"a"}, {id: b}]');
    await assert.rejects(readAll(path, 'json'), isAppErrorWithCode('input_malformed'));
  });

  it('throws input_malformed when the top level is neither an array nor an object', async () => {
    const path = await writeInput('number.json', '42');
    await assert.rejects(readAll(path, 'json'), isAppErrorWithCode('input_malformed'));
  });

  it("regression: reads a .json file of one object as a list of one: a paper, an OpenAlex work or a Semantic Scholar paper saved from its API, pretty-printed (it was refused: 'holds one JSON object, not an array')", async () => {
    const paper = { id: 'a', title: 'T', abstract: 'A b c.', data: ['dataset-a', 'dataset-b'], results: [{ trial: 1 }] };
    const work = { id: 'https://openalex.org/W1', title: 'BERT', publication_year: 2019, abstract_inverted_index: { We: [0], introduce: [1], 'BERT.': [2] } };
    const s2 = { paperId: 'df2b0e26', title: 'BERT', abstract: 'We introduce BERT.' };
    for (const [name, value, id] of [
      ['paper.json', paper, 'a'],
      ['work.json', work, 'W1'],
      ['s2.json', s2, 'df2b0e26'],
    ] as const) {
      const path = await writeInput(name, `\uFEFF${JSON.stringify(value, null, 2)}\n`);
      const records = await readAll(path, 'json');
      assert.deepEqual(
        records.map((record) => [record.position, (record.value as Record<string, unknown>).id]),
        [['record 1', id]],
        name,
      );
    }
  });

  it("regression: reads an API page saved whole, pretty-printed, as its list: OpenAlex's {meta, results}, Semantic Scholar's {total, data} (it was refused: 'holds one JSON object, not an array')", async () => {
    const openAlexPage = {
      meta: { count: 2, page: 1 },
      results: [
        { id: 'https://openalex.org/W1', title: 'One', abstract_inverted_index: { First: [0] } },
        { id: 'https://openalex.org/W2', title: 'Two', abstract_inverted_index: { Second: [0] } },
      ],
      group_by: [],
    };
    const s2Page = { total: 1, offset: 0, data: [{ paperId: 'df2b0e26', title: 'BERT', abstract: 'We introduce BERT.' }] };
    const empty = { meta: { count: 0 }, results: [] };
    const read = async (name: string, value: unknown) =>
      (await readAll(await writeInput(name, JSON.stringify(value, null, 2)), 'json')).map((record) => [
        record.position,
        (record.value as Record<string, unknown>).id,
      ]);
    assert.deepEqual(await read('openalex-page.json', openAlexPage), [
      ['record 1', 'W1'],
      ['record 2', 'W2'],
    ]);
    assert.deepEqual(await read('s2-page.json', s2Page), [['record 1', 'df2b0e26']]);
    assert.deepEqual(await read('empty-page.json', empty), []);
  });

  it("regression: reads a JSON array of OpenAlex works or Semantic Scholar Graph API papers, as the APIs answer, pretty-printed (every S2 paper was missing_id, the OpenAlex array each line's invalid_json)", async () => {
    const s2 = {
      paperId: 'df2b0e26',
      corpusId: 52967399,
      externalIds: { ArXiv: '1810.04805' },
      title: 'BERT',
      abstract: 'We introduce BERT.',
      year: 2019,
      authors: [{ name: 'Jacob Devlin' }],
    };
    const openAlex = {
      id: 'https://openalex.org/W2963403868',
      title: 'BERT',
      publication_year: 2019,
      abstract_inverted_index: { We: [0], introduce: [1], 'BERT.': [2] },
    };
    const path = await writeInput('api.json', JSON.stringify([s2, openAlex], null, 2));
    const [paper, work] = (await readAll(path, 'json')).map((record) => record.value as Record<string, unknown>);
    assert.deepEqual(
      [paper?.id, paper?.abstract, paper?.arxiv_id, paper?.authors],
      ['CorpusId:52967399', 'We introduce BERT.', '1810.04805', ['Jacob Devlin']],
    );
    assert.deepEqual([work?.id, work?.abstract, work?.year], ['W2963403868', 'We introduce BERT.', 2019]);
  });

  it("regression: leaves this product's own papers as they are, an OpenAlex id or a corpusId field notwithstanding (their abstract, authors and year were dropped); reads an S2 paper that has only a paperId", async () => {
    const own = [
      { id: 'https://openalex.org/W2963403868', title: 'T', abstract: 'A.', authors: ['Ada Lovelace'], year: 2019 },
      { id: 'p1', corpusId: 52967399, title: 'T', abstract: 'A.', doi: '10.1/x' },
    ];
    const s2 = { paperId: 'df2b0e26', title: 'BERT', abstract: 'We introduce BERT.', authors: [{ name: 'Jacob Devlin' }] };
    const path = await writeInput('own.json', JSON.stringify([...own, s2]));
    const values = (await readAll(path, 'json')).map((record) => record.value);
    assert.deepEqual(values.slice(0, 2), own);
    assert.deepEqual(values[2], { id: 'df2b0e26', title: 'BERT', abstract: 'We introduce BERT.', authors: ['Jacob Devlin'] });
  });

  it(
    'regression: closes every file it opens, gzipped ones too (the first look at each part of a folder left one open: 300 parts failed with EMFILE)',
    { skip: !existsSync('/proc/self/fd') && 'no /proc/self/fd here' },
    async () => {
      const folder = join(dir, 'many-parts');
      await mkdir(folder);
      for (let part = 0; part < 40; part++) {
        await writeFile(join(folder, `part-${String(part).padStart(3, '0')}.json.gz`), gzipSync(JSON.stringify([{ id: `p${part}`, abstract: 'x' }])));
      }
      const openFiles = async () => (await readdir('/proc/self/fd')).length;
      const before = await openFiles();
      assert.equal((await readAll(folder, 'json')).length, 40);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok((await openFiles()) - before < 5, `${(await openFiles()) - before} more files open`);
    },
  );

  it('regression: reads a gzipped file whose name lost its .gz, by its first bytes (it was read as bytes: every line invalid_json)', async () => {
    const lines = await writeInput('papers.jsonl', gzipSync('{"id":"a","abstract":"x"}\n{"id":"b","abstract":"y"}\n'));
    assert.deepEqual(
      (await readAll(lines, 'jsonl')).map((record) => (record.value as { id: string }).id),
      ['a', 'b'],
    );
    const detected = await writeInput('download', gzipSync('TY  - JOUR\nID  - r\nTI  - T\nAB  - A.\nER  - \n'));
    assert.equal(await detectInputFormat(detected), 'ris');
  });

  it('reads a gzipped JSON array (.json.gz)', async () => {
    const path = await writeInput('papers.json.gz', gzipSync('[{"id":"a"},{"id":"b"}]'));
    assert.deepEqual(await readAll(path, 'json'), [
      { position: 'record 1', value: { id: 'a' } },
      { position: 'record 2', value: { id: 'b' } },
    ]);
  });

  it('throws input_malformed for a .json.gz that is not gzip', async () => {
    const path = await writeInput('plain.json.gz', '[{"id":"a"}]');
    await assert.rejects(readAll(path, 'json'), isAppErrorWithCode('input_malformed'));
  });
});

describe('openRecordSource: CSV', () => {
  it('uses the header for field names, keeps quoted commas, positions records by line', async () => {
    const path = await writeInput(
      'papers.csv',
      'id,title,abstract,categories\np1,"Deep, wide nets","An abstract, with commas",cs.LG cs.CV\np2,Plain,"Said ""hi""",\n',
    );
    assert.deepEqual(await readAll(path, 'csv'), [
      { position: 'line 2', value: { id: 'p1', title: 'Deep, wide nets', abstract: 'An abstract, with commas', categories: 'cs.LG cs.CV' } },
      { position: 'line 3', value: { id: 'p2', title: 'Plain', abstract: 'Said "hi"', categories: '' } },
    ]);
  });

  it('skips empty lines but keeps counting them in positions', async () => {
    const path = await writeInput('gaps.csv', 'id,abstract\n\na,x\n\n\nb,y\n');
    assert.deepEqual(await readAll(path, 'csv'), [
      { position: 'line 3', value: { id: 'a', abstract: 'x' } },
      { position: 'line 6', value: { id: 'b', abstract: 'y' } },
    ]);
  });

  it('strips a byte-order mark from the header and handles CRLF', async () => {
    const path = await writeInput('bom.csv', '\uFEFFid,abstract\r\na,x\r\n');
    assert.deepEqual(await readAll(path, 'csv'), [{ position: 'line 2', value: { id: 'a', abstract: 'x' } }]);
  });

  it('tolerates rows with fewer or more columns than the header', async () => {
    const path = await writeInput('ragged.csv', 'id,title,abstract\na,T\nb,T,x\n');
    const records = await readAll(path, 'csv');
    assert.equal(records.length, 2);
    assert.deepEqual(records[0], { position: 'line 2', value: { id: 'a', title: 'T' } });
    assert.deepEqual(records[1], { position: 'line 3', value: { id: 'b', title: 'T', abstract: 'x' } });
  });

  it('throws input_malformed for an unterminated quote', async () => {
    const path = await writeInput('unterminated.csv', 'id,abstract\na,"never closed\n');
    await assert.rejects(readAll(path, 'csv'), isAppErrorWithCode('input_malformed', /unterminated\.csv/));
  });

  it('regression: refuses a header naming a column twice (the last column of the name was kept)', async () => {
    const path = await writeInput('twice.csv', 'id,abstract,title,abstract\na,first,T,second\n');
    await assert.rejects(
      readAll(path, 'csv'),
      isAppErrorWithCode('input_malformed', /twice\.csv is not valid CSV: its header names the column "abstract" twice \(columns 2 and 4\)/),
    );
  });

  it('regression: reads the delimiter from Excel\'s "sep=" line above the header (every row was refused as missing_id, the line taken for the header)', async () => {
    const path = await writeInput('excel-sep.csv', '\uFEFFsep=;\r\nid;title;abstract\r\na;T, with a comma;x\r\n');
    assert.deepEqual(await readAll(path, 'csv'), [{ position: 'line 3', value: { id: 'a', title: 'T, with a comma', abstract: 'x' } }]);
  });

  it('regression: passes over nameless columns, as Excel writes them past the last named one (a header ending ";;" was refused as naming the column "" twice)', async () => {
    const path = await writeInput('excel-trailing.csv', 'id;title;abstract;;\r\na;T;x;;\r\nb;U;y;;note\r\n');
    assert.deepEqual(await readAll(path, 'csv'), [
      { position: 'line 2', value: { id: 'a', title: 'T', abstract: 'x' } },
      { position: 'line 3', value: { id: 'b', title: 'U', abstract: 'y' } },
    ]);
  });

  it('regression: passes over a preamble line when the first record holds an abstract of more than 20 lines (every row was refused as missing_id)', async () => {
    // arXiv's abstracts are wrapped at 80 columns: the record after the header ran past the 20 lines read to find it.
    const abstract = Array.from({ length: 30 }, (_, line) => `line ${line + 1} of the abstract, wrapped`).join('\n');
    const dimensions = await writeInput(
      'dimensions-wrapped.csv',
      '"About the data: Exported on Dec 01, 2026. Criteria: graphs."\r\n' +
        '"Rank","Publication ID","Title","Abstract"\r\n' +
        `"1","pub.1","Graphs","${abstract}"\r\n` +
        '"2","pub.2","Trees","One line."\r\n',
    );
    assert.deepEqual(
      (await readAll(dimensions, 'csv')).map((record) => record.value),
      [
        { Rank: '1', 'Publication ID': 'pub.1', Title: 'Graphs', Abstract: abstract },
        { Rank: '2', 'Publication ID': 'pub.2', Title: 'Trees', Abstract: 'One line.' },
      ],
    );
  });

  it('regression: passes over a preamble line above the header (a Dimensions export was read with "About the data" as its only column)', async () => {
    const dimensions = await writeInput(
      'dimensions.csv',
      '"About the data: Exported on Dec 01, 2026. Criteria: ""graph"" in title; Publication Year is 2020. © 2026 Digital Science."\n' +
        '"Rank","Publication ID","DOI","Title","Abstract"\n' +
        '"1","pub.1","10.1/x","Graphs, again","An abstract, with commas."\n',
    );
    assert.deepEqual(await readAll(dimensions, 'csv'), [
      { position: 'line 3', value: { Rank: '1', 'Publication ID': 'pub.1', DOI: '10.1/x', Title: 'Graphs, again', Abstract: 'An abstract, with commas.' } },
    ]);
    const semicolons = await writeInput('preamble-semicolons.csv', 'Exported 2026-12-01\n\nid;title;abstract\na;T;x, y\n');
    assert.deepEqual(await readAll(semicolons, 'csv'), [{ position: 'line 4', value: { id: 'a', title: 'T', abstract: 'x, y' } }]);
    // A file of one column has no preamble to pass over: its first line is its header.
    const oneColumn = await writeInput('one-column.csv', 'title\n"Graphs, again"\nTrees\n');
    assert.deepEqual(await readAll(oneColumn, 'csv'), [
      { position: 'line 2', value: { title: 'Graphs, again' } },
      { position: 'line 3', value: { title: 'Trees' } },
    ]);
    // Nor has one whose text holds a delimiter outside quotes, or a quoted field over two lines,
    // nor a header whose quoted name runs over a line break (each was taken for a preamble).
    const semicolonText = await writeInput('one-column-semicolon.csv', 'title\nGraphs; again\nTrees\n');
    assert.deepEqual(
      (await readAll(semicolonText, 'csv')).map((record) => record.value),
      [{ title: 'Graphs; again' }, { title: 'Trees' }],
    );
    const multiLine = await writeInput('one-column-lines.csv', 'abstract\n"First line\nsecond, with comma"\n');
    assert.deepEqual(
      (await readAll(multiLine, 'csv')).map((record) => record.value),
      [{ abstract: 'First line\nsecond, with comma' }],
    );
    const headerOverLines = await writeInput('header-lines.csv', '"Abstract\n(full text)",id,title\n"x, y",a,T\n"z",b,U\n');
    assert.deepEqual(
      (await readAll(headerOverLines, 'csv')).map((record) => record.value),
      [
        { 'Abstract\n(full text)': 'x, y', id: 'a', title: 'T' },
        { 'Abstract\n(full text)': 'z', id: 'b', title: 'U' },
      ],
    );
  });

  it('regression: reads a CSV delimited by semicolons or tabs, told by its header (every row of a European Excel file was missing_id)', async () => {
    const semicolons = await writeInput('excel.csv', 'id;title;abstract\r\na;"One, two";"x; y"\r\n');
    assert.deepEqual(await readAll(semicolons, 'csv'), [{ position: 'line 2', value: { id: 'a', title: 'One, two', abstract: 'x; y' } }]);
    const tabs = await writeInput('tabs.csv', 'id\tabstract\na\tx, y; z\n');
    assert.deepEqual(await readAll(tabs, 'csv'), [{ position: 'line 2', value: { id: 'a', abstract: 'x, y; z' } }]);
    // A semicolon inside a quoted header name does not count.
    const quoted = await writeInput('quoted.csv', 'id,"title; short",abstract\na,T,x\n');
    assert.deepEqual(await readAll(quoted, 'csv'), [{ position: 'line 2', value: { id: 'a', 'title; short': 'T', abstract: 'x' } }]);
  });

  it('regression: reads quotes that do not open a field as text, and a tab-delimited file that does not quote its fields (Web of Science) with quotes as text (one stray quote stopped the whole file)', async () => {
    const strayQuote = await writeInput('stray.csv', 'id,title,abstract\na,a 5" review,x\nb,"quoted, as CSV writes it",y\n');
    assert.deepEqual(await readAll(strayQuote, 'csv'), [
      { position: 'line 2', value: { id: 'a', title: 'a 5" review', abstract: 'x' } },
      { position: 'line 3', value: { id: 'b', title: 'quoted, as CSV writes it', abstract: 'y' } },
    ]);
    const webOfScience = await writeInput('savedrecs.txt', 'UT\tTI\tAB\nW1\t"Smart" hydrogels: a 5" review\tabc\nW2\tPlain\tdef\n');
    assert.deepEqual(await readAll(webOfScience, 'csv'), [
      { position: 'line 2', value: { UT: 'W1', TI: '"Smart" hydrogels: a 5" review', AB: 'abc' } },
      { position: 'line 3', value: { UT: 'W2', TI: 'Plain', AB: 'def' } },
    ]);
    // A quote closed by a later field swallowed the records between.
    const swallowing = await writeInput('savedrecs2.txt', 'UT\tTI\tAB\nW1\t"Smart hydrogels\tabc\nW2\tWhy "smart"\tdef\n');
    assert.deepEqual(
      (await readAll(swallowing, 'csv')).map((record) => (record.value as { UT: string }).UT),
      ['W1', 'W2'],
    );
    // A tab-delimited file quoted as Excel writes it keeps its quoting.
    const excelTabs = await writeInput('excel-tabs.txt', 'id\ttitle\tabstract\na\t"A ""quoted""\tword"\tx\n');
    assert.deepEqual(await readAll(excelTabs, 'csv'), [{ position: 'line 2', value: { id: 'a', title: 'A "quoted"\tword', abstract: 'x' } }]);
  });

  it('regression: positions records after a quoted field holding Windows line breaks on their own lines (each \\r\\n counted twice)', async () => {
    const path = await writeInput('windows.csv', 'id,title,abstract\r\na,T,"multi\r\nline"\r\nb,T2,x\r\nc,"x\r\ny\r\nz",w\r\nd,e,f\r\n');
    assert.deepEqual(
      (await readAll(path, 'csv')).map((record) => record.position),
      ['line 3', 'line 4', 'line 7', 'line 8'],
      'a record spanning lines is positioned at its last, as in a file of \\n line breaks',
    );
  });

  it('regression: reads a line of a CSV that is not UTF-8 as Windows-1252 (Excel on Windows; "Café" was stored as "Caf\uFFFD")', async () => {
    const path = await writeInput(
      'latin1.csv',
      Buffer.concat([Buffer.from('id,abstract\na,Caf'), Buffer.from([0xe9, 0x20, 0x80]), Buffer.from('\nb,Müller\n')]),
    );
    assert.deepEqual(await readAll(path, 'csv'), [
      { position: 'line 2', value: { id: 'a', abstract: 'Café €' } },
      { position: 'line 3', value: { id: 'b', abstract: 'Müller' } },
    ]);
  });

  it('reads a gzipped CSV (.csv.gz)', async () => {
    const path = await writeInput('papers.csv.gz', gzipSync('id,abstract\na,"x, y"\n'));
    assert.deepEqual(await readAll(path, 'csv'), [{ position: 'line 2', value: { id: 'a', abstract: 'x, y' } }]);
  });
});

describe('openRecordSource: unreadable inputs', () => {
  it('throws input_unreadable for a missing file', async () => {
    await assert.rejects(openRecordSource(join(dir, 'does-not-exist.jsonl'), 'jsonl'), isAppErrorWithCode('input_unreadable', /does-not-exist\.jsonl/));
  });

  it("regression: refuses a folder of JSON lines and JSON array files, in either order (with the .jsonl first, the array's lines were each rejected as invalid JSON and its papers lost)", async () => {
    for (const [name, first, second] of [
      ['mixed-array-first', 'a.json', 'b.jsonl'],
      ['mixed-lines-first', 'a.jsonl', 'b.json.gz'],
    ] as const) {
      const folder = join(dir, name);
      await mkdir(folder);
      const array = JSON.stringify([{ id: 'x', abstract: 'X.' }], null, 2);
      const lines = `${JSON.stringify({ id: 'y', abstract: 'Y.' })}\n`;
      await writeFile(join(folder, first), first.includes('.jsonl') ? lines : array);
      await writeFile(join(folder, second), second.endsWith('.gz') ? gzipSync(array) : lines);
      for (const format of ['jsonl', 'json'] as const) {
        await assert.rejects(
          readAll(folder, format),
          isAppErrorWithCode(
            'input_malformed',
            /holds both JSON lines files \(a?b?\.jsonl\) and JSON array files \(.*\.json(\.gz)?\).*keep one format per folder/,
          ),
        );
      }
    }
  });

  it('says a file read in another format than its name says is named for its own', async () => {
    const path = await writeInput('papers.jsonl', `${JSON.stringify({ id: 'b', abstract: 'B.' })}\n${JSON.stringify({ id: 'c', abstract: 'C.' })}\n`);
    await assert.rejects(
      readAll(path, 'json'),
      isAppErrorWithCode('input_malformed', /one paper per line is --format jsonl.*Its name says jsonl, but it was read as json/),
    );
  });

  it('throws input_unreadable for a directory where a format takes one file, and for one without data files', async () => {
    const folder = join(dir, 'a-folder.jsonl');
    await mkdir(folder);
    assert.ok((await stat(folder)).isDirectory());
    await assert.rejects(openRecordSource(folder, 'csv'), isAppErrorWithCode('input_unreadable', /not a file/));
    await assert.rejects(openRecordSource(folder, 'jsonl'), isAppErrorWithCode('input_unreadable', /holds no \.jsonl, \.ndjson, \.json or \.gz files/));
  });
});
