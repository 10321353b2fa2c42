import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import { writeZip } from '../unit/format-support.js';
import { fixtures, makeTempDir, removeDir, repoRoot, request, runCli, samplePapers, startCli, startTestServer } from './helpers.js';

let workDir: string;

before(async () => {
  workDir = await makeTempDir();
});

after(async () => {
  await removeDir(workDir);
});

async function readPapers(indexDir: string): Promise<Record<string, unknown>[]> {
  return (await readFile(join(indexDir, 'papers.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('paper-search ingest', () => {
  it('indexes the good records of a JSONL file and reports each bad one with its line and reason (with --json, also as one object on stdout)', async () => {
    const indexDir = join(workDir, 'mixed');
    const result = await runCli('ingest', ['--input', join(fixtures, 'ingest-mixed.jsonl'), '--index', indexDir, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /read 9, indexed 3, rejected 6/);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual(
      { ...summary, seconds: typeof summary.seconds },
      {
        input: join(fixtures, 'ingest-mixed.jsonl'),
        index: indexDir,
        model: 'all-MiniLM-L6-v2',
        read: 9,
        indexed: 3,
        rejected: 6,
        rejected_by_reason: { missing_abstract: 1, missing_id: 1, duplicate_id: 1, invalid_field: 1, invalid_json: 1, not_an_object: 1 },
        rejection_examples: (summary.rejection_examples as unknown[]).slice(),
        shared_identifiers: 0,
        seconds: 'number',
      },
    );
    assert.deepEqual(
      (summary.rejection_examples as { position: string; reason: string }[]).map(({ position, reason }) => [position, reason]),
      [
        ['line 4', 'missing_abstract'],
        ['line 5', 'missing_id'],
        ['line 6', 'duplicate_id'],
        ['line 7', 'invalid_field'],
        ['line 8', 'invalid_json'],
        ['line 9', 'not_an_object'],
      ],
    );
    for (const expected of [
      /line 4: missing_abstract/,
      /line 5: missing_id/,
      /line 6: duplicate_id/,
      /line 7: invalid_field: field "authors"/,
      /line 8: invalid_json/,
      /line 9: not_an_object/,
    ]) {
      assert.match(result.stderr, expected);
    }
    const manifest = JSON.parse(await readFile(join(indexDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.count, 3);
    assert.equal((manifest.model as { id: string }).id, 'all-MiniLM-L6-v2');
    assert.equal((manifest.model as { onnxSha256: string }).onnxSha256, 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1');
    const papers = await readPapers(indexDir);
    assert.deepEqual(
      papers.map((paper) => paper.id),
      ['p1', 'p2', '6'],
    );
    assert.deepEqual(papers[0], {
      id: 'p1',
      title: 'Sparse attention for long documents',
      abstract: 'We propose a sparse attention pattern that scales linearly with sequence length.',
      authors: ['Ada Lovelace', 'Alan Turing'],
      categories: ['cs.CL'],
      year: 2024,
      date: '2024-03-01',
      doi: '10.1000/xyz123',
    });
    const files = await readdir(workDir);
    assert.ok(!files.some((file) => file.includes('.building-')), 'no staging folder is left behind');
  });

  it('stops at the first bad record with --strict and leaves no index', async () => {
    const indexDir = join(workDir, 'strict');
    const result = await runCli('ingest', ['--input', join(fixtures, 'ingest-mixed.jsonl'), '--index', indexDir, '--strict']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /input_rejected.*line 4.*missing_abstract/s);
    await assert.rejects(readdir(indexDir), { code: 'ENOENT' });
  });

  it('reads CSV with mapped field names', async () => {
    const indexDir = join(workDir, 'csv');
    const result = await runCli('ingest', [
      '--input',
      join(fixtures, 'ingest-papers.csv'),
      '--index',
      indexDir,
      '--id-field',
      'paper_id',
      '--abstract-field',
      'summary',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /read 3, indexed 2, rejected 1 \(missing_abstract: 1\)/);
    const papers = await readPapers(indexDir);
    assert.equal(papers[0]!.title, 'Diffusion models, explained');
    assert.deepEqual(papers[0]!.authors, ['Jane Doe', 'John Roe']);
    assert.deepEqual(papers[0]!.categories, ['cs.CV', 'cs.LG']);
    assert.equal(papers[1]!.abstract, 'Language models answer better when they retrieve "relevant" passages first.');
  });

  it('reads a JSON array in BEIR layout (_id, text) and the result is searchable', async () => {
    const indexDir = join(workDir, 'json');
    const result = await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir]);
    assert.equal(result.code, 0, result.stderr);
    let server: RunningServer | undefined;
    try {
      server = await startTestServer(indexDir);
      const response = await request<{ hits: { id: string }[] }>(server.url, '/v1/search', { json: { query: 'automatic speech recognition', k: 2 } });
      assert.equal(response.body.hits[0]!.id, 'j2');
    } finally {
      await server?.close();
    }
  });

  it('embeds long abstracts as overlapping windows with --long-passages windows, and serves them alike', async () => {
    const indexDir = join(workDir, 'windows');
    const result = await runCli('ingest', ['--input', samplePapers, '--index', indexDir, '--long-passages', 'windows']);
    assert.equal(result.code, 0, result.stderr);
    const manifest = JSON.parse(await readFile(join(indexDir, 'manifest.json'), 'utf8')) as { model: { longPassages: string } };
    assert.equal(manifest.model.longPassages, 'windows:127');
    const paper = (await readPapers(indexDir)).find((candidate) => candidate.id === 'seed-015')!;
    let server: RunningServer | undefined;
    try {
      server = await startTestServer(indexDir);
      // The abstract is longer than one window; embedded the same way as at ingestion, it finds itself.
      const response = await request<{ hits: { id: string; score: number }[] }>(server.url, '/v1/similar', {
        json: { abstract: paper.abstract, title: paper.title, k: 1, mode: 'dense' },
      });
      assert.equal(response.body.hits[0]!.id, 'seed-015');
      assert.ok(response.body.hits[0]!.score > 0.99999, `score ${response.body.hits[0]!.score}`);
    } finally {
      await server?.close();
    }
  });

  it("adds each title embedded alone at --title-weight (MiniLM's 0.3 by default), records it, and the server embeds abstracts with the index's own weight", async () => {
    const paper = { title: 'Speech recognition with transformers', abstract: 'Transformer encoders transcribe speech with fewer errors.' };
    for (const [name, flags, weight] of [
      ['default-title-weight', [], 0.3],
      ['no-title-weight', ['--title-weight', '0'], 0],
    ] as const) {
      const indexDir = join(workDir, name);
      // Each text in a model run of its own (the default) on both sides, so the vectors match bit for bit (see docs/search-quality.md, "Vector determinism").
      const result = await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir, ...flags]);
      assert.equal(result.code, 0, result.stderr);
      const manifest = JSON.parse(await readFile(join(indexDir, 'manifest.json'), 'utf8')) as { model: { titleWeight: number } };
      assert.equal(manifest.model.titleWeight, weight);
      let server: RunningServer | undefined;
      try {
        server = await startTestServer(indexDir);
        const stats = await request<{ model: { titleWeight: number } }>(server.url, '/v1/stats');
        assert.equal(stats.body.model.titleWeight, weight);
        // Embedded as the stored paper was (with or without its title added), the paper finds itself at cosine 1.
        const response = await request<{ hits: { id: string; score: number }[] }>(server.url, '/v1/similar', { json: { ...paper, k: 1, mode: 'dense' } });
        assert.equal(response.body.hits[0]!.id, 'j2');
        assert.ok(response.body.hits[0]!.score > 0.99999, `${name}: ${response.body.hits[0]!.score}`);
      } finally {
        await server?.close();
      }
    }
  });

  it('regression: warns before rebuilding an index whose write-ahead log holds writes not in it (they were set aside at the next start without a word here)', async () => {
    const indexDir = join(workDir, 'with-writes');
    assert.equal((await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir])).code, 0);
    const server = await startTestServer(indexDir, { API_KEYS: 'a-key-of-sixteen-characters', SNAPSHOT_INTERVAL_MS: '86400000' });
    try {
      for (const id of ['w1', 'w2']) {
        const written = await request(server.url, '/v1/papers', {
          json: { id, abstract: 'Written through the API.' },
          headers: { authorization: 'Bearer a-key-of-sixteen-characters' },
        });
        assert.equal(written.status, 201);
      }
    } finally {
      await server.close();
    }
    const rebuilt = await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir]);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(
      rebuilt.stderr,
      /has 2 write request\(s\) made through the API since its last snapshot \(each one paper or a batch of up to 1,000\): the new build will not hold them/,
    );
    // Kept with its log, which replays onto it: the writes can be had back.
    assert.match(rebuilt.stderr, /took 2 write\(s\) through the API after it was built, which the input does not hold: it was kept as /);
    assert.equal((await readdir(workDir)).filter((name) => name.startsWith('with-writes.previous-')).length, 1);
    // The log is the earlier build's until a server sets it aside: a second rebuild keeps nothing more (it kept a copy each time).
    const second = await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir]);
    assert.doesNotMatch(second.stderr, /write( request)?\(s\)/);
    assert.equal((await readdir(workDir)).filter((name) => name.startsWith('with-writes.previous-')).length, 1);
    const again = await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', join(workDir, 'without-writes')]);
    assert.doesNotMatch(again.stderr, /made through the API/);
  });

  it('regression: keeps the index it replaces when a snapshot had folded writes into it (a rebuild deleted papers written through the API)', async () => {
    const parent = join(workDir, 'snapshotted-writes');
    const indexDir = join(parent, 'index');
    assert.equal((await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir])).code, 0);
    const key = 'a-key-of-sixteen-characters';
    const server = await startTestServer(indexDir, { API_KEYS: key, SNAPSHOT_INTERVAL_MS: '86400000' });
    try {
      const written = await request(server.url, '/v1/papers', {
        json: { id: 'w1', abstract: 'Written through the API.' },
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(written.status, 201);
      assert.equal((await request(server.url, '/v1/snapshots', { method: 'POST', headers: { authorization: `Bearer ${key}` } })).status, 200);
    } finally {
      await server.close();
    }
    const rebuilt = await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir]);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const kept = (await readdir(parent)).filter((name) => name.startsWith('index.previous-'));
    assert.equal(kept.length, 1, `kept folders: ${kept.join(', ')}`);
    assert.match(
      rebuilt.stderr,
      new RegExp(`took 1 write\\(s\\) through the API after it was built, which the input does not hold: it was kept as .*${kept[0]}`),
    );
    assert.deepEqual((await readPapers(join(parent, kept[0]!))).map((paper) => paper.id).sort(), ['j1', 'j2', 'w1']);
    assert.deepEqual(
      (await readPapers(indexDir)).map((paper) => paper.id),
      ['j1', 'j2'],
    );
    // The new build took no writes: rebuilding it again keeps nothing more.
    assert.equal((await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir])).code, 0);
    assert.equal((await readdir(parent)).filter((name) => name.startsWith('index.previous-')).length, 1);
  });

  it('regression: refuses a second build of a folder while one runs, naming its process (the one finishing last replaced the other without a word)', async () => {
    const parent = join(workDir, 'two-builds');
    const indexDir = join(parent, 'index');
    await mkdir(parent, { recursive: true });
    // The larger sample, a few at a time: still building while the second loads its model.
    const papers = join(repoRoot, 'index-data/samples/sample-papers.jsonl');
    const first = startCli(['ingest', '--input', papers, '--index', indexDir, '--group-size', '8']);
    for (let tries = 0; tries < 600 && !(await readdir(parent)).includes('index.build.lock'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const second = await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir]);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`error \\[index_locked\\]: The index folder .*index is being built by process ${first.child.pid}`));
    const built = await first.result;
    assert.equal(built.code, 0, built.stderr);
    assert.equal((await readPapers(indexDir)).length, (await readFile(papers, 'utf8')).trim().split('\n').length, "the first build's papers");
    assert.deepEqual(await readdir(parent), ['index'], 'no lock or staging folder left');
  });

  const interruptedBuilds = [
    {
      signal: 'SIGINT',
      bug: 'stops on Ctrl-C, removing its partial build and leaving the index it was to replace (it died mid-build, leaving a partial collection in Weaviate)',
    },
    {
      signal: 'SIGHUP',
      bug: 'a closed terminal (SIGHUP) stops a build as Ctrl-C does (it had no handler: the process died at once, its staging folder and lock left behind)',
    },
  ] as const;
  for (const { signal, bug } of interruptedBuilds) {
    it(`regression: ${bug}`, async () => {
      const parent = join(workDir, `interrupted-${signal}`);
      const indexDir = join(parent, 'index');
      assert.equal((await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir])).code, 0);
      const { child, result } = startCli(['ingest', '--input', samplePapers, '--index', indexDir, '--group-size', '8']);
      // Interrupted once its build has begun: its staging folder exists.
      for (let tries = 0; tries < 600 && !(await readdir(parent)).some((name) => name.startsWith('.index.building-')); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child.kill(signal);
      const { code, stderr } = await result;
      assert.equal(code, 1, stderr);
      assert.match(stderr, new RegExp(`error \\[interrupted\\]: Stopped by ${signal} after \\d+ papers: the new build was abandoned`));
      assert.deepEqual(await readdir(parent), ['index'], 'no staging folder left');
      assert.deepEqual(
        (await readPapers(indexDir)).map((paper) => paper.id),
        ['j1', 'j2'],
        'the previous index is untouched',
      );
    });
  }

  it('reads the papers from standard input with --input -, named so in its manifest and errors, and leaves no copy behind', async () => {
    const indexDir = join(workDir, 'from-stdin');
    const tmp = join(workDir, 'stdin-tmp');
    await mkdir(tmp);
    const bibtex = [
      '@article{stdin1, title={Tidal heating of icy moons}, author={Rossi, Paola}, year={2023}, abstract={Tidal forces heat the interiors of icy moons.}}',
      '@article{stdin2, title={Ocean worlds and habitability}, author={Okafor, Chidi}, year={2022}, abstract={Subsurface oceans may host life.}}',
      '',
    ].join('\n');
    const result = await runCli('ingest', ['--input', '-', '--index', indexDir], { TMPDIR: tmp }, bibtex);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      (await readPapers(indexDir)).map((paper) => paper.id),
      ['stdin1', 'stdin2'],
    );
    const manifest = JSON.parse(await readFile(join(indexDir, 'manifest.json'), 'utf8')) as { source: { input: string } };
    assert.equal(manifest.source.input, 'standard input');
    // tsx and the runtime keep files of their own there.
    const copies = async () => (await readdir(tmp)).filter((name) => name.startsWith('paper-search-'));
    assert.deepEqual(await copies(), [], 'the copy of standard input is removed');

    const unknown = await runCli('ingest', ['--input', '-', '--index', join(workDir, 'from-stdin-unknown')], { TMPDIR: tmp }, 'id,title\n');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Cannot tell the format of standard input; pass --format/);
    const empty = await runCli('ingest', ['--input', '-', '--index', join(workDir, 'from-stdin-empty')], { TMPDIR: tmp }, '');
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /error \[input_unreadable\]: Standard input is empty/);
    assert.deepEqual(await copies(), []);
  });

  it('regression: removes its copy of standard input when a signal ends it before a build starts (it was left in TMPDIR)', async () => {
    const tmp = join(workDir, 'stdin-signal-tmp');
    await mkdir(tmp);
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `s${i}`, title: `Title ${i}`, abstract: `Abstract ${i}.` })).join('\n');
    const input = `${lines}\n`;
    const { child, result } = startCli(['ingest', '--input', '-', '--index', join(workDir, 'from-stdin-signal')], { TMPDIR: tmp }, input);
    const copies = async () => (await readdir(tmp)).filter((name) => name.startsWith('paper-search-'));
    // Signalled once the copy is whole: while the model loads, before the build's own handling of signals.
    const copied = async () => {
      const [dir] = await copies();
      return dir !== undefined && (await stat(join(tmp, dir, 'standard-input')).catch(() => undefined))?.size === Buffer.byteLength(input);
    };
    for (let waited = 0; !(await copied()); waited += 10) {
      assert.ok(waited < 20_000, 'the copy of standard input was made');
      await sleep(10);
    }
    child.kill('SIGINT');
    const ended = await result;
    // Died of the signal while the model loaded; on a slow machine the build may have begun, and stops as it does on Ctrl-C.
    assert.ok(ended.signal === 'SIGINT' || (ended.code === 1 && /error \[interrupted\]/.test(ended.stderr)), `${ended.code} ${ended.signal} ${ended.stderr}`);
    assert.deepEqual(await copies(), []);
  });

  it('replaces an existing index only when the new one is complete', async () => {
    const indexDir = join(workDir, 'replace');
    assert.equal((await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir])).code, 0);
    const failed = await runCli('ingest', ['--input', join(fixtures, 'ingest-malformed.json'), '--index', indexDir]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /input_malformed/);
    assert.deepEqual(
      (await readPapers(indexDir)).map((paper) => paper.id),
      ['j1', 'j2'],
      'the previous index is untouched',
    );
    assert.equal(
      (await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.csv'), '--index', indexDir, '--id-field', 'paper_id', '--abstract-field', 'summary']))
        .code,
      0,
    );
    assert.deepEqual(
      (await readPapers(indexDir)).map((paper) => paper.id),
      ['c1', 'c2'],
    );
  });

  it('verifies a built index file by file, and names a damaged file with exit code 1', async () => {
    const indexDir = join(workDir, 'verified');
    assert.equal((await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir])).code, 0);
    const intact = await runCli('verify', ['--index', indexDir]);
    assert.equal(intact.code, 0, intact.stderr);
    assert.match(intact.stdout, /^ok +papers\.jsonl$/m);
    assert.doesNotMatch(intact.stdout, /DAMAGED/);
    const papers = await readFile(join(indexDir, 'papers.jsonl'), 'utf8');
    await writeFile(join(indexDir, 'papers.jsonl'), papers.replace('"j1"', '"j9"'));
    const damaged = await runCli('verify', ['--index', indexDir]);
    assert.equal(damaged.code, 1);
    assert.match(damaged.stdout, /^DAMAGED papers\.jsonl: its SHA-256 differs/m);
    assert.match(damaged.stderr, /error \[index_corrupt\].*rebuild it/);
  });

  it('regression: names the files of a folder input it does not read (a .bib beside a .jsonl was left out without a word)', async () => {
    const folder = join(workDir, 'library');
    await mkdir(folder);
    await writeFile(join(folder, 'a.jsonl'), '{"id":"a","abstract":"About volcanoes."}\n');
    await writeFile(join(folder, 'b.bib'), '@article{b, title={B}, abstract={About glaciers.}}\n');
    const result = await runCli('ingest', ['--input', folder, '--index', join(workDir, 'library-index')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /b\.bib in .*library is not read: a folder's files are read as parts of one jsonl input/);
    assert.match(result.stderr, /read 1, indexed 1/);
  });

  it('refuses to build over a folder of other files, and leaves them alone', async () => {
    const folder = join(workDir, 'not-an-index');
    await mkdir(folder);
    await writeFile(join(folder, 'important.txt'), 'keep me');
    const result = await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', folder]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /config_invalid.*holds other files.*important\.txt/s);
    assert.equal(await readFile(join(folder, 'important.txt'), 'utf8'), 'keep me');
  });

  it('regression: says in its last line why no record could be indexed (only a log line above it did)', async () => {
    const input = join(workDir, 'unusable.jsonl');
    await writeFile(input, '{"id":"a"}\n{"id":"b"}\n');
    const result = await runCli('ingest', ['--input', input, '--index', join(workDir, 'never')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /could be indexed \(2 records read; the first, at line 1: no abstract or text field \(missing_abstract\)\)/);
    // And what lets such records in (it did not say).
    assert.match(result.stderr, /--allow-title-only indexes records without an abstract by their title/);
    const one = join(workDir, 'unusable-one.jsonl');
    await writeFile(one, '{"paper_id":"a","abstract":"x"}\n');
    const single = await runCli('ingest', ['--input', one, '--index', join(workDir, 'never')]);
    assert.match(
      single.stderr,
      /\(1 record read; the first, at line 1: no id, _id, lens id, publication id or eid field \(it has paper_id, abstract\) \(missing_id\)\).*--id-field <name>/,
    );
  });

  it('regression: with --allow-title-only, a record with neither abstract nor title is named so, and the flag is not offered again', async () => {
    const input = join(workDir, 'no-text.jsonl');
    await writeFile(input, '{"id":"a","year":2020}\n');
    const result = await runCli('ingest', ['--input', input, '--index', join(workDir, 'never'), '--allow-title-only']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /at line 1: no abstract or text field, and no title, article title or document title field \(missing_abstract\)/);
    assert.doesNotMatch(result.stderr, /--allow-title-only indexes/);
  });

  const failures: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'a missing file', args: ['--input', 'no/such/file.jsonl'], message: /input_unreadable.*no such file/ },
    { name: 'an unknown extension', args: ['--input', 'README.md'], message: /input_unreadable.*--format/ },
    { name: 'a malformed JSON array', args: ['--input', join(fixtures, 'ingest-malformed.json')], message: /input_malformed.*after record 1/ },
  ];
  for (const failure of failures) {
    it(`fails clearly, without a stack trace, on ${failure.name}`, async () => {
      const result = await runCli('ingest', [...failure.args, '--index', join(workDir, 'never')]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, failure.message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  }

  const usageErrors: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'no --input', args: [], message: /required option '--input <path>' not specified.*--help/s },
    { name: 'an unknown flag', args: ['--input', 'x.jsonl', '--colour', 'blue'], message: /unknown option '--colour'/ },
    { name: 'a negative --title-weight', args: ['--input', 'x.jsonl', '--title-weight', '-1'], message: /--title-weight must be 0\.\.10/ },
    { name: 'an unknown model', args: ['--input', 'x.jsonl', '--model', 'gpt-9'], message: /'gpt-9' is invalid.*all-MiniLM-L6-v2, bge-small-en-v1\.5/s },
  ];
  for (const failure of usageErrors) {
    it(`exits 2 (usage) with the reason on ${failure.name}`, async () => {
      const result = await runCli('ingest', [...failure.args, '--index', join(workDir, 'never')]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, failure.message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  }
});

describe('paper-search add', () => {
  const key = 'a-key-of-sixteen-characters';
  /** A server taking writes with `key`, on an index of the ingestion fixture built in `name`. */
  async function serverTakingWrites(name: string): Promise<RunningServer> {
    const indexDir = join(workDir, name);
    assert.equal((await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir])).code, 0);
    return startTestServer(indexDir, { API_KEYS: key });
  }

  it("regression: waits as long as a rate-limited server's Retry-After says before trying a write again (it retried after 1, 2, 4, 8 and 16 s whatever the server said, and gave up inside a 45 s window)", async () => {
    const indexDir = join(workDir, 'add-rate-limited');
    assert.equal((await runCli('ingest', ['--input', join(fixtures, 'ingest-papers.json'), '--index', indexDir])).code, 0);
    const server = await startTestServer(indexDir, { API_KEYS: key, RATE_LIMIT_REQUESTS: '1', RATE_LIMIT_WINDOW_MS: '10000' });
    try {
      const lines = join(workDir, 'rate-limited.jsonl');
      await writeFile(lines, '{"id":"patient","title":"Waiting in turn","abstract":"A write sent again once the window allows it."}\n');
      // The window's one request, so that the command's first try is refused.
      assert.equal((await request(server.url, '/v1/stats', { headers: { authorization: `Bearer ${key}` } })).status, 200);
      const added = await runCli('add', ['--input', lines, '--url', server.url, '--key', key]);
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stderr, /added 1,/);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^paper_search_rate_limited_total 1$/m, 'one try refused, the next one sent once the window allowed it');
    } finally {
      await server.close();
    }
  });

  it('adds the papers of exports in other formats to a running server, keeping or replacing those stored, and reports the rejected (nothing added to a collection from the command line)', async () => {
    const server = await serverTakingWrites('add-target');
    try {
      const bib = join(workDir, 'library.bib');
      await writeFile(
        bib,
        [
          '@article{glaciers2024, title={Glacier retreat in the Alps}, author={M{\\"u}ller, Anna}, year={2024}, abstract={Alpine glaciers lose mass every summer.}}',
          '@article{noabstract, title={A title alone}}',
          '',
        ].join('\n'),
      );
      const added = await runCli('add', ['--input', bib, '--url', server.url, '--key', key]);
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stderr, /read 2, added 1, replaced 0, already stored and kept 0, rejected 1 \(missing_abstract: 1\)/);
      const stored = await request<{ paper: { title: string; authors: string[] } }>(server.url, '/v1/papers/glaciers2024');
      assert.deepEqual([stored.body.paper.title, stored.body.paper.authors], ['Glacier retreat in the Alps', ['Anna Müller']]);
      const titleOnly = await runCli('add', ['--input', bib, '--url', server.url, '--key', key, '--allow-title-only']);
      assert.equal(titleOnly.code, 0, titleOnly.stderr);
      assert.match(titleOnly.stderr, /read 2, added 1, replaced 0, already stored and kept 1 \(--replace replaces them\), rejected 0/);
      assert.deepEqual((await request<{ paper: unknown }>(server.url, '/v1/papers/noabstract')).body.paper, {
        id: 'noabstract',
        title: 'A title alone',
        abstract: '',
        type: 'journal-article',
      });

      const lines = join(workDir, 'more.jsonl');
      await writeFile(lines, '{"id":"j1","title":"Renamed","abstract":"A new abstract."}\n{"id":"fresh","abstract":"Volcanic ash in the stratosphere."}\n');
      const kept = await runCli('add', ['--input', lines, '--url', server.url, '--key', key]);
      assert.match(kept.stderr, /read 2, added 1, replaced 0, already stored and kept 1 \(--replace replaces them\), rejected 0/);
      // Regression: a different paper under a stored id (a citation key two libraries share) was kept without a word.
      assert.match(
        kept.stderr,
        /1 of the papers kept is another paper than the one stored under its id \(another title or DOI\): give it other ids \(--id-field\), or --replace to overwrite the stored ones\n {2}j1: stored "Contrastive learning of visual representations".*, given "Renamed"/,
      );
      assert.doesNotMatch(titleOnly.stderr, /another paper/, 'the same paper read again is not another');
      assert.equal(
        (await request<{ paper: { title: string } }>(server.url, '/v1/papers/j1')).body.paper.title,
        'Contrastive learning of visual representations',
      );
      const replaced = await runCli('add', ['--input', lines, '--url', server.url, '--key', key, '--replace']);
      assert.match(replaced.stderr, /read 2, added 0, replaced 2, already stored and kept 0, rejected 0/);
      assert.equal((await request<{ paper: { title: string } }>(server.url, '/v1/papers/j1')).body.paper.title, 'Renamed');

      const refused = await runCli('add', ['--input', lines, '--url', server.url]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /error \[unauthorized\]: .*Give the key with --key \(or PAPER_SEARCH_API_KEY\)\./);

      // A paper refused leaves out that paper only (it stopped the whole run); an id that names a
      // DOI is refused as it is read, as the server would refuse it.
      const mixed = join(workDir, 'mixed.jsonl');
      await writeFile(mixed, '{"id":"doi:10.1000/abc","abstract":"An id the write API refuses."}\n{"id":"kept-going","abstract":"Added all the same."}\n');
      const partly = await runCli('add', ['--input', mixed, '--url', server.url, '--key', key]);
      assert.equal(partly.code, 0, partly.stderr);
      assert.match(partly.stderr, /read 2, added 1, .*rejected 1 \(invalid_field: 1\)/);
      assert.match(partly.stderr, /rejected line 1: invalid_field: an id may not start with "doi:"/);
      assert.equal((await request(server.url, '/v1/papers/kept-going')).status, 200);
      // Regression: the same reference under another citation key was stored twice without a word.
      const rekeyed = join(workDir, 'rekeyed.bib');
      await writeFile(
        rekeyed,
        '@article{alps-again, title={Glacier retreat in the Alps}, doi={10.1/ALPS}, year={2024}, abstract={Alpine glaciers lose mass.}}\n',
      );
      await writeFile(
        join(workDir, 'alps.bib'),
        '@article{alps, title={Glacier retreat in the Alps}, doi={10.1/alps}, year={2024}, abstract={Alpine glaciers lose mass.}}\n',
      );
      assert.doesNotMatch((await runCli('add', ['--input', join(workDir, 'alps.bib'), '--url', server.url, '--key', key])).stderr, /DOI/);
      const twice = await runCli('add', ['--input', rekeyed, '--url', server.url, '--key', key]);
      assert.equal(twice.code, 0, twice.stderr);
      assert.match(
        twice.stderr,
        /added 1, .*\n1 paper written with the DOI or arXiv id of another paper \(the same paper under two ids\?\):\n {2}The DOI 10\.1\/alps of "alps-again" is also that of "alps"/,
      );
      // Nothing added: a failure, with what would let the records in.
      const noIds = join(workDir, 'no-ids.jsonl');
      await writeFile(noIds, '{"paper_id":"p1","abstract":"x"}\n');
      const none = await runCli('add', ['--input', noIds, '--url', server.url, '--key', key]);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /error \[input_rejected\]: No paper of .* could be added \(1 record read\)\. --id-field <name>/);
      // Regression: a file of no record (empty, or read in the wrong format) exited 0 with "read 0, added 0".
      const empty = join(workDir, 'empty.bib');
      await writeFile(empty, '');
      for (const args of [
        ['--input', empty],
        ['--input', bib, '--format', 'ris'],
      ]) {
        const nothing = await runCli('add', [...args, '--url', server.url, '--key', key]);
        assert.equal(nothing.code, 1, nothing.stderr);
        assert.match(nothing.stderr, /error \[input_rejected\]: .* holds no record of the (bibtex|ris) format: nothing was added\. Is --format right\?/);
      }
    } finally {
      await server.close();
    }
  });

  it('regression: joins the Semantic Scholar abstracts (--abstracts was unknown to add), and tells what was added before the input broke off (it said only the error)', async () => {
    const server = await serverTakingWrites('add-partial');
    try {
      const s2 = await runCli('add', [
        '--input',
        join(fixtures, 'formats/s2-papers.jsonl'),
        '--abstracts',
        join(fixtures, 'formats/s2-abstracts.jsonl'),
        '--url',
        server.url,
        '--key',
        key,
      ]);
      assert.equal(s2.code, 0, s2.stderr);
      assert.match(s2.stderr, /read \d+, added [1-9]/);

      // A full batch of 1,000 is sent, then the gzip breaks off.
      const lines = Array.from({ length: 1_100 }, (_, i) => JSON.stringify({ id: `cut-${i}`, title: `T${i}`, abstract: `A${i}.` })).join('\n');
      const whole = gzipSync(`${lines}\n`);
      const cut = join(workDir, 'cut.jsonl.gz');
      await writeFile(cut, whole.subarray(0, whole.length - 200));
      const partial = await runCli('add', ['--input', cut, '--url', server.url, '--key', key]);
      assert.equal(partial.code, 1);
      assert.match(partial.stderr, /read 1\d\d\d, added 1000, [^\n]*\n(.*\n)*error \[input_malformed\]/);
    } finally {
      await server.close();
    }
  });

  it('regression: counts the papers read but not sent when the input breaks off (read 1,1xx and added 1,000, the rest counted nowhere)', async () => {
    const server = await serverTakingWrites('add-not-sent');
    try {
      // A full batch of 1,000 is sent; the next records are read, then the gzip breaks off before they are.
      const lines = Array.from({ length: 1_200 }, (_, i) => JSON.stringify({ id: `unsent-${i}`, title: `T${i}`, abstract: `A${i}.` })).join('\n');
      const whole = gzipSync(`${lines}\n`);
      const cut = join(workDir, 'unsent.jsonl.gz');
      await writeFile(cut, whole.subarray(0, whole.length - 200));
      const partial = await runCli('add', ['--input', cut, '--url', server.url, '--key', key, '--json']);
      assert.equal(partial.code, 1);
      const summary = JSON.parse(partial.stdout) as { read: number; added: number; kept: number; rejected: number; not_sent: number };
      assert.equal(summary.added, 1000);
      assert.ok(summary.not_sent > 0, partial.stdout);
      assert.equal(summary.added + summary.kept + summary.rejected + summary.not_sent, summary.read);
      assert.match(partial.stderr, new RegExp(`${summary.not_sent} papers read after the last write were not sent`));
    } finally {
      await server.close();
    }
  });

  it('adds gzipped JSON lines piped to --input -, told by their content, and with --json prints its summary as one object', async () => {
    const server = await serverTakingWrites('add-stdin');
    try {
      const lines = ['piped-1', 'piped-2', 'piped-3'].map((id) => JSON.stringify({ id, title: `Title ${id}`, abstract: `An abstract of ${id}.` }));
      const added = await runCli('add', ['--input', '-', '--url', server.url, '--key', key, '--json'], {}, gzipSync(`${lines.join('\n')}\n`));
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stderr, /read 3, added 3/);
      assert.deepEqual(JSON.parse(added.stdout), {
        input: 'standard input',
        server: server.url,
        read: 3,
        added: 3,
        replaced: 0,
        kept: 0,
        kept_other_papers: 0,
        not_sent: 0,
        rejected: 0,
        rejected_by_reason: {},
        rejection_examples: [],
        shared_identifiers: 0,
      });
      assert.equal((await request<{ paper: { title: string } }>(server.url, '/v1/papers/piped-2')).body.paper.title, 'Title piped-2');

      const blank = await runCli('add', ['--input', '-', '--format', 'jsonl', '--url', server.url, '--key', key], {}, '\n');
      assert.equal(blank.code, 1);
      assert.match(blank.stderr, /standard input holds no record of the jsonl format/);

      // One paper as a JSON object, and a zip of JSON lines: told by their content, as named files are by their names.
      const one = await runCli(
        'add',
        ['--input', '-', '--url', server.url, '--key', key],
        {},
        JSON.stringify({ id: 'piped-4', title: 'Alone', abstract: 'One object.' }, null, 2),
      );
      assert.equal(one.code, 0, one.stderr);
      assert.match(one.stderr, /read 1, added 1/);
      const zip = join(workDir, 'piped.zip');
      await writeZip(zip, { 'papers.jsonl': `${JSON.stringify({ id: 'piped-5', title: 'Zipped', abstract: 'In a zip.' })}\n` });
      const zipped = await runCli('add', ['--input', '-', '--url', server.url, '--key', key], {}, await readFile(zip));
      assert.equal(zipped.code, 0, zipped.stderr);
      assert.equal((await request<{ paper: { title: string } }>(server.url, '/v1/papers/piped-5')).body.paper.title, 'Zipped');
    } finally {
      await server.close();
    }
  });
});
