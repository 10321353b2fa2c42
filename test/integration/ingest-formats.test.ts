import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import { fixtures, makeTempDir, removeDir, request, runCli, startTestServer } from './helpers.js';

const formats = join(fixtures, 'formats');
let workDir: string;

before(async () => {
  workDir = await makeTempDir();
});

after(async () => {
  await removeDir(workDir);
});

async function topHits(indexDir: string, query: string): Promise<string[]> {
  let server: RunningServer | undefined;
  try {
    server = await startTestServer(indexDir);
    const response = await request<{ hits: { id: string }[] }>(server.url, '/v1/search', { json: { query, k: 3 } });
    assert.equal(response.status, 200);
    return response.body.hits.map((hit) => hit.id);
  } finally {
    await server?.close();
  }
}

interface FormatCase {
  name: string;
  args: string[];
  summary: RegExp;
  rejections: RegExp[];
  query: string;
  expected: string;
}

const cases: FormatCase[] = [
  {
    name: 'a BibTeX library',
    args: ['--input', join(formats, 'library.bib')],
    summary: /read 8, indexed 5, rejected 3 \(missing_abstract: 1, duplicate_id: 1, malformed_record: 1\)/,
    rejections: [
      /rejected entry devlin2019bert \(line 59\): missing_abstract/,
      /rejected entry muller2021attention \(line 66\): duplicate_id/,
      /rejected entry broken2020 \(line 73\): malformed_record/,
    ],
    query: 'forecasting nocturnal bird migration from weather radar',
    expected: 'hinterberger2024migration',
  },
  {
    name: 'a RIS export',
    args: ['--input', join(formats, 'references.ris')],
    summary: /read 7, indexed 4, rejected 3/,
    rejections: [/rejected record notitle-noabstract \(line 37\): missing_abstract/, /rejected record truncated \(line 50\): malformed_record/],
    query: 'volcanic tremor before eruptions',
    expected: 'volcano2018',
  },
  {
    name: 'the arXiv metadata snapshot (JSON lines named .json)',
    args: ['--input', join(formats, 'arxiv-metadata-oai-snapshot.json')],
    summary: /read 7, indexed 4, rejected 3/,
    rejections: [/rejected line 4 \(2204\.00004\): missing_abstract/, /rejected line 5: invalid_json/, /rejected line 6 \(2101\.00001\): duplicate_id/],
    query: 'forecasting ocean surface currents with neural operators',
    expected: '2101.00001',
  },
  {
    name: 'OpenAlex works',
    args: ['--input', join(formats, 'openalex-works.jsonl')],
    summary: /read 6, indexed 4, rejected 2/,
    rejections: [/rejected line 3 \(W2000000003\): missing_abstract/],
    query: 'methane release from thawing permafrost',
    expected: 'W4200000001',
  },
  {
    name: 'Semantic Scholar papers joined to their abstracts',
    args: ['--input', join(formats, 's2-papers.jsonl'), '--abstracts', join(formats, 's2-abstracts.jsonl')],
    summary: /read 5, indexed 3, rejected 2/,
    rejections: [/rejected line 3 \(CorpusId:900003\): missing_abstract/],
    query: 'chess engines in endgames',
    expected: 'CorpusId:900004',
  },
];

describe('npm run ingest: bibliographic and dataset formats', () => {
  for (const [i, format] of cases.entries()) {
    it(`detects and indexes ${format.name}, reports each rejected record, and finds a paper by search`, async () => {
      const indexDir = join(workDir, `format-${i}`);
      const result = await runCli('ingest', [...format.args, '--index', indexDir]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, format.summary);
      for (const rejection of format.rejections) assert.match(result.stderr, rejection);
      assert.equal((await topHits(indexDir, format.query))[0], format.expected);
    });
  }

  it('indexes BibTeX entries without an abstract by their title with --allow-title-only', async () => {
    const indexDir = join(workDir, 'title-only');
    const result = await runCli('ingest', ['--input', join(formats, 'library.bib'), '--index', indexDir, '--allow-title-only']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /read 8, indexed 6, rejected 2/);
    const papers = (await readFile(join(indexDir, 'papers.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      papers.find((paper) => paper.id === 'devlin2019bert'),
      {
        id: 'devlin2019bert',
        title: 'Bert: Pre-training of deep bidirectional transformers for language understanding',
        abstract: '',
        authors: ['Jacob Devlin', 'Ming-Wei Chang', 'Kenton Lee', 'Kristina Toutanova'],
        year: 2018,
        arxiv_id: '1810.04805',
        type: 'preprint',
      },
    );
    assert.equal((await topHits(indexDir, 'pre-training bidirectional transformers for language understanding'))[0], 'devlin2019bert');
  });

  it('refuses --abstracts without the semantic-scholar format, and the abstracts dataset given as --input', async () => {
    const misplaced = await runCli('ingest', [
      '--input',
      join(formats, 'library.bib'),
      '--abstracts',
      join(formats, 's2-abstracts.jsonl'),
      '--index',
      join(workDir, 'never'),
    ]);
    assert.equal(misplaced.code, 1);
    assert.match(misplaced.stderr, /config_invalid.*--abstracts goes with the semantic-scholar format/);
    const swapped = await runCli('ingest', ['--input', join(formats, 's2-abstracts.jsonl'), '--index', join(workDir, 'never')]);
    assert.equal(swapped.code, 1);
    assert.match(swapped.stderr, /input_unreadable.*abstracts dataset/);
  });
});
