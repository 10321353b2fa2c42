import assert from 'node:assert/strict';
import { createReadStream, existsSync } from 'node:fs';
import { cp, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { setImmediate, setTimeout } from 'node:timers/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { getModel } from '../../src/embedding/model-registry.js';
import { errorCatalog } from '../../src/errors.js';
import type { RunningServer } from '../../src/server.js';
import { writeCollectionPointer } from '../../src/storage/weaviate/collection-pointer.js';
import { buildIndex, cliEntry, makeTempDir, removeDir, repoRoot, runCli, samplePapers, startCli, startTestServer, type CliResult } from './helpers.js';

let workDir: string;
let indexDir: string;
let server: RunningServer;

before(async () => {
  workDir = await makeTempDir();
  indexDir = join(workDir, 'index');
  await buildIndex(indexDir);
  server = await startTestServer(indexDir);
});

after(async () => {
  await server?.close();
  await removeDir(workDir);
});

interface HitLine {
  id: string;
  title: string;
  score: number;
}

function jsonLines<Line>(result: CliResult): Line[] {
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  return lines.map((line) => JSON.parse(line) as Line);
}

describe('paper-search search, against an index folder and a server', () => {
  it('prints one JSON object per hit, the same from --index and from --url', async () => {
    const [local, remote] = await Promise.all([
      runCli('search', ['implicit neural representations for video', '-k', '5', '--index', indexDir, '--json']),
      runCli('search', ['implicit neural representations for video', '-k', '5', '--url', server.url, '--json']),
    ]);
    const localHits = jsonLines<HitLine>(local);
    const remoteHits = jsonLines<HitLine>(remote);
    assert.equal(localHits.length, 5);
    for (const hit of localHits) {
      assert.equal(typeof hit.id, 'string');
      assert.equal(typeof hit.title, 'string');
      assert.equal(typeof hit.score, 'number');
    }
    assert.deepEqual(
      localHits.map((hit) => [hit.id, hit.score]),
      remoteHits.map((hit) => [hit.id, hit.score]),
    );
    assert.ok(
      localHits.slice(0, 3).some((hit) => /video/i.test(hit.title)),
      'a video paper is among the first three',
    );
  });

  it('writes JSON lines when stdout is not a terminal even without --json, and keeps stdout for data', async () => {
    const result = await runCli('search', ['speech recognition', '-k', '2', '--fields', 'title', '--url', server.url]);
    const hits = jsonLines<Record<string, unknown>>(result);
    assert.equal(hits.length, 2);
    for (const hit of hits) assert.deepEqual(Object.keys(hit).sort(), ['id', 'score', 'title']);
  });

  it('passes the filters and the mode', async () => {
    const hits = jsonLines<HitLine & { categories?: string[] }>(
      await runCli('search', ['video', '--mode', 'lexical', '--exclude', 'seed-027', '-k', '10', '--url', server.url]),
    );
    assert.ok(hits.length > 0);
    assert.ok(!hits.some((hit) => hit.id === 'seed-027'));
  });
});

describe('paper-search similar, related, recommend, get', () => {
  it('regression: similar with an empty abstract says so in its own terms, exit 2 (it passed on the API\'s "body.abstract must not be empty")', async () => {
    const empty = await runCli('similar', ['--url', server.url], {}, ' \n');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /The abstract is empty: standard input gave no text\./);
    assert.doesNotMatch(empty.stderr, /body\.abstract/);
  });

  it('similar reads the abstract from a file or from standard input', async () => {
    const abstract = 'We compress videos by fitting a neural network to each video and storing its weights.';
    const file = join(workDir, 'abstract.txt');
    await writeFile(file, abstract);
    const fromFile = jsonLines<HitLine>(await runCli('similar', ['--file', file, '-k', '3', '--url', server.url]));
    const fromStdin = jsonLines<HitLine>(await runCli('similar', ['-k', '3', '--url', server.url], {}, abstract));
    assert.equal(fromFile.length, 3);
    assert.deepEqual(
      fromFile.map((hit) => hit.id),
      fromStdin.map((hit) => hit.id),
    );
  });

  it('regression: related --facet relates on one facet, the same from --index, from --url and over HTTP (the command had no --facet, and --index dropped it)', async () => {
    const overHttp = (await (await fetch(`${server.url}/v1/papers/seed-014/related?k=5&facet=method`)).json()) as { hits: { id: string; score: number }[] };
    const plain = (await (await fetch(`${server.url}/v1/papers/seed-014/related?k=5`)).json()) as { hits: { id: string; score: number }[] };
    assert.notDeepEqual(
      overHttp.hits.map((hit) => [hit.id, hit.score]),
      plain.hits.map((hit) => [hit.id, hit.score]),
      'the facet changes the list',
    );
    for (const target of [
      ['--url', server.url],
      ['--index', indexDir],
    ]) {
      const hits = jsonLines<HitLine>(await runCli('related', ['seed-014', '-k', '5', '--facet', 'method', ...target]));
      assert.deepEqual(
        hits.map((hit) => [hit.id, hit.score]),
        overHttp.hits.map((hit) => [hit.id, hit.score]),
        target[0],
      );
    }
    assert.equal((await runCli('related', ['seed-014', '--facet', 'colour', '--index', indexDir])).code, 2);
  });

  it('related leaves the paper out; recommend leaves the inputs out; get prints the paper', async () => {
    const related = jsonLines<HitLine>(await runCli('related', ['seed-014', '-k', '4', '--index', indexDir]));
    assert.equal(related.length, 4);
    assert.ok(!related.some((hit) => hit.id === 'seed-014'));
    const recommended = jsonLines<HitLine>(
      await runCli('recommend', ['--positive', 'seed-014,seed-027', '--negative', 'seed-074', '-k', '4', '--url', server.url]),
    );
    assert.equal(recommended.length, 4);
    assert.ok(!recommended.some((hit) => ['seed-014', 'seed-027', 'seed-074'].includes(hit.id)));
    const [paper] = jsonLines<{ id: string; title: string; abstract: string }>(await runCli('get', ['seed-014', '--url', server.url]));
    assert.equal(paper!.id, 'seed-014');
    assert.match(paper!.title, /HNeRV/);
    for (const target of [
      ['--url', server.url],
      ['--index', indexDir],
    ]) {
      const [chosen] = jsonLines<Record<string, unknown>>(await runCli('get', ['seed-014', '--fields', 'title,abstract', ...target]));
      assert.deepEqual(Object.keys(chosen!).sort(), ['abstract', 'id', 'title'], target[0]);
      // Regression: the id alone, as the API's fields=id (the flag refused "id").
      const [bare] = jsonLines<Record<string, unknown>>(await runCli('get', ['seed-014', '--fields', 'id', ...target]));
      assert.deepEqual(bare, { id: 'seed-014' }, target[0]);
      const unknown = await runCli('get', ['seed-014', '--fields', 'colour', ...target]);
      assert.equal(unknown.code, 2, target[0]);
      // Named as the flag's error, before any request (it passed on the API's "query.fields.1").
      assert.match(
        unknown.stderr,
        /--fields <list>' argument 'colour' is invalid\. It names an unknown field, "colour"; the fields are id, title, abstract/,
        target[0],
      );
    }
  });
});

describe('paper-search --format', () => {
  it("writes a list or a paper as a BibTeX, RIS or CSL-JSON file, the same from --index and --url as the server's own export", async () => {
    const exported = async (path: string, format: string, body?: unknown): Promise<string> => {
      const response = await fetch(`${server.url}${path}${path.includes('?') ? '&' : '?'}format=${format}`, {
        method: body ? 'POST' : 'GET',
        ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      });
      assert.equal(response.status, 200, path);
      return response.text();
    };
    const query = 'implicit neural representations for video';
    const cases: [args: string[], path: string, body?: unknown][] = [
      [['search', query, '-k', '4'], '/v1/search', { query, k: 4 }],
      [['related', 'seed-014', '-k', '3'], '/v1/papers/seed-014/related?k=3'],
      [['get', 'seed-014'], '/v1/papers/seed-014'],
      [['get', 'seed-027', 'seed-014'], '/v1/papers/batch', { ids: ['seed-027', 'seed-014'] }],
    ];
    for (const format of ['bibtex', 'ris', 'csl-json']) {
      for (const [[command, ...args], path, body] of cases) {
        const expected = await exported(path, format, body);
        for (const target of [
          ['--url', server.url],
          ['--index', indexDir],
        ]) {
          const result = await runCli(command!, [...args, '--format', format, ...target]);
          assert.equal(result.code, 0, result.stderr);
          assert.equal(result.stdout, expected, `${command} ${format} ${target[0]}`);
        }
      }
    }
    assert.match(await exported('/v1/papers/seed-014', 'bibtex'), /^@misc\{seed-014,/);
    const withFields = await runCli('search', [query, '--format', 'bibtex', '--fields', 'title', '--url', server.url]);
    assert.equal(withFields.code, 2);
    assert.match(withFields.stderr, /'--format <format>' cannot be used with option '--fields <list>'/);
  });
});

describe('the server or the index', () => {
  it('regression: --index wins over PAPER_SEARCH_URL in the environment (exporting it made every --index a usage error); both flags typed are one', async () => {
    const fromIndex = await runCli('search', ['video', '-k', '1', '--json', '--index', indexDir], { PAPER_SEARCH_URL: 'http://127.0.0.1:1' });
    assert.equal(fromIndex.code, 0, fromIndex.stderr);
    assert.equal(fromIndex.stdout.trim().split('\n').length, 1);
    const fromEnvironment = await runCli('search', ['video', '-k', '1', '--json'], { PAPER_SEARCH_URL: server.url });
    assert.equal(fromEnvironment.code, 0, fromEnvironment.stderr);
    assert.equal(JSON.parse(fromEnvironment.stdout).id, JSON.parse(fromIndex.stdout).id);
    const both = await runCli('search', ['video', '--url', server.url, '--index', indexDir]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /option '--url <url>' cannot be used with option '--index <dir>'/);
  });

  it("regression: says what a command line must change when the server refuses it (the server's words named a request body and a header the user never wrote)", async () => {
    const withPath = await runCli('search', ['video', '--url', `${server.url}/v1`]);
    assert.equal(withPath.code, 1);
    assert.match(
      withPath.stderr,
      /error \[route_not_found\]: .* Is --url the server's base address\? It has a path \(\/v1\), which only a server behind a proxy at that path has\./,
    );
    const noHits = await runCli('search', ['video', '-k', '0', '--url', server.url]);
    assert.equal(noHits.code, 2);
    assert.match(noHits.stderr, /'-k, --k <n>' argument '0' is invalid\. It must be from 1 to 100\./);
    assert.match(noHits.stderr, /^error \[usage\]: option '-k/);
    const noPositive = await runCli('recommend', ['--negative', 'seed-074', '--url', server.url]);
    assert.equal(noPositive.code, 2);
    assert.match(noPositive.stderr, /recommend needs --positive \(papers to find more of\), or --query/);
  });
});

describe('paper-search get with several papers', () => {
  it('prints the papers in the order given; one not found is named on stderr and fails the command after the others are printed', async () => {
    for (const target of [
      ['--url', server.url],
      ['--index', indexDir],
    ]) {
      const found = jsonLines<{ id: string; title: string }>(await runCli('get', ['seed-027', 'seed-014', '--fields', 'title', ...target]));
      assert.deepEqual(
        found.map((paper) => Object.keys(paper).sort()),
        [
          ['id', 'title'],
          ['id', 'title'],
        ],
      );
      assert.deepEqual(
        found.map((paper) => paper.id),
        ['seed-027', 'seed-014'],
        target[0],
      );
      const partly = await runCli('get', ['seed-027', 'no-such-paper', ...target]);
      assert.equal(partly.code, 1, target[0]);
      assert.deepEqual(
        partly.stdout
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { id: string }).id),
        ['seed-027'],
      );
      assert.match(partly.stderr, /paper_not_found.*no-such-paper/);
    }
  });
});

describe('a client of a running server', () => {
  it('regression: a server setting left in the environment (PORT=abc) stopped search --url with config_invalid', async () => {
    const hits = jsonLines<HitLine>(await runCli('search', ['video', '-k', '2', '--url', server.url, '--json'], { PORT: 'abc', EMBED_THREADS: 'many' }));
    assert.equal(hits.length, 2);
    const badLevel = await runCli('search', ['video', '--url', server.url], { LOG_LEVEL: 'loud' });
    assert.equal(badLevel.code, 1);
    assert.match(badLevel.stderr, /config_invalid.*LOG_LEVEL/);
  });
});

describe('a command that opens an index here', () => {
  it("regression: a server's setting left in the environment (PORT=abc, API_KEYS too short) stopped search --index and verify with config_invalid", async () => {
    const serverSettings = { PORT: 'abc', HOST: '', API_KEYS: 'short', CORS_ORIGINS: 'not a url', RATE_LIMIT_WINDOW_MS: '-1' };
    const hits = jsonLines<HitLine>(await runCli('search', ['video', '-k', '2', '--index', indexDir, '--json'], serverSettings));
    assert.equal(hits.length, 2);
    const verify = await runCli('verify', ['--index', indexDir], serverSettings);
    assert.equal(verify.code, 0, verify.stderr);
    // A setting of its own process is still checked.
    const badThreads = await runCli('search', ['video', '--index', indexDir], { EMBED_THREADS: 'many' });
    assert.equal(badThreads.code, 1);
    assert.match(badThreads.stderr, /config_invalid.*EMBED_THREADS/);
    // A server reads them all: its bad PORT is still refused.
    const serve = await runCli('serve', ['--index', indexDir], { PORT: 'abc' });
    assert.equal(serve.code, 1);
    assert.match(serve.stderr, /config_invalid.*PORT/);
  });

  it("regression: run from another folder, a command uses the package's model (it fetched the model again into a models/ folder there)", async () => {
    const elsewhere = join(workDir, 'elsewhere');
    await mkdir(elsewhere);
    const environment = { ...process.env };
    delete environment.MODEL_DIR;
    // Any fetch would fail: the only hub named is a closed port, and Maven is not asked.
    // tsx named by its location: a bare `--import tsx` resolves from the working directory.
    const entry = ['--import', import.meta.resolve('tsx'), ...cliEntry.slice(2)];
    const child = spawn(process.execPath, [...entry, 'search', 'video', '-k', '2', '--index', indexDir, '--json'], {
      cwd: elsewhere,
      env: { ...environment, LOG_LEVEL: 'warn', MODEL_SOURCES: 'hub', HF_ENDPOINT: 'http://127.0.0.1:9' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolveCode) => child.on('close', resolveCode));
    assert.equal(code, 0, stderr);
    assert.equal(stdout.trim().split('\n').length, 2);
    assert.deepEqual(await readdir(elsewhere), []);
  });
});

describe('exit codes', () => {
  const cases: { name: string; args: string[]; code: number; message: RegExp }[] = [
    { name: 'a missing query (usage)', args: ['search'], code: 2, message: /missing required argument 'query'/ },
    {
      name: 'regression: an unknown flag (usage, in the documented form: it was commander\'s "error: unknown option")',
      args: ['search', 'x', '--colour'],
      code: 2,
      message: /^error \[usage\]: unknown option '--colour'\n\(see paper-search search --help for its usage\)/,
    },
    {
      name: 'regression: k out of range (usage, said in the flag\'s terms: it was the server\'s "body.k")',
      args: ['search', 'x', '-k', '500', '--url', 'SERVER'],
      code: 2,
      message: /^error \[usage\]: option '-k, --k <n>' argument '500' is invalid\. It must be from 1 to 100\./,
    },
    { name: 'a bad mode (usage)', args: ['search', 'x', '--mode', 'fuzzy'], code: 2, message: /'fuzzy' is invalid/ },
    {
      name: 'regression: a query over 10,000 characters, said in the command\'s terms (it was the API\'s "body.query: Too big")',
      args: ['search', 'x'.repeat(10_001), '--url', 'SERVER'],
      code: 2,
      message:
        /^error \[usage\]: The query is 10,001 characters long, over the 10,000 a search takes: give its key words, or find papers like a whole text with paper-search similar\./,
    },
    {
      name: "regression: a query over 10,000 characters searched in an index folder (the process died of a segmentation fault: ONNX Runtime overflowed the model worker's stack on a command line over about 15 KB)",
      args: ['search', 'x'.repeat(40_000), '--index', 'INDEX'],
      code: 2,
      message: /^error \[usage\]: The query is 40,000 characters long, over the 10,000 a search takes/,
    },
    {
      name: 'regression: an id no paper can have, from an index folder as from a server (it was paper_not_found, exit 1, where --url refused it, exit 2)',
      args: ['get', '..', '--index', 'INDEX'],
      code: 2,
      message: /^error \[invalid_input\]: .*A paper id cannot be "\." or "\.\."/,
    },
    {
      name: 'regression: an id over 512 characters, from an index folder as from a server (it was paper_not_found)',
      args: ['get', 'x'.repeat(513), '--index', 'INDEX'],
      code: 2,
      message: /^error \[invalid_input\]: .*params\.id: Too big/,
    },
    {
      name: 'regression: a papers file given as the index folder (it was index_corrupt, ENOTDIR)',
      args: ['search', 'x', '--index', 'SAMPLE'],
      code: 1,
      message: /^error \[config_invalid\]: The index .*seed-papers\.jsonl is a file, not a folder/,
    },
    {
      name: "regression: eval without its flags, naming each in one usage line (it printed zod's lines of schema paths)",
      args: ['eval'],
      code: 2,
      message: /^error \[usage\]: --corpus is required; --queries is required; --qrels is required\.\n$/,
    },
    {
      name: 'regression: eval with an unknown flag (it was a stack trace)',
      args: ['eval', '--', '--bogus'],
      code: 2,
      message: /^error \[usage\]: Unknown option '--bogus'/,
    },
    {
      name: 'regression: an empty query, said in the command\'s terms (it was "Invalid request body: body.query")',
      args: ['search', ' ', '--url', 'SERVER'],
      code: 2,
      message: /^error \[usage\]: The query is empty/,
    },
    {
      name: 'regression: a year range that runs backwards (usage; it printed nothing and exited 0)',
      args: ['related', 'seed-014', '--year-from', '2026', '--year-to', '2025', '--url', 'SERVER'],
      code: 2,
      message: /--year-from 2026 is after --year-to 2025/,
    },
    {
      name: 'regression: an empty category (usage; it was dropped and every paper came back)',
      args: ['search', 'x', '--category', '', '--url', 'SERVER'],
      code: 2,
      message: /--category .*must name at least one value/,
    },
    { name: 'an empty author (usage)', args: ['search', 'x', '--author', ' ', '--url', 'SERVER'], code: 2, message: /--author .*must not be empty/ },
    {
      name: 'regression: an empty --index (usage; it searched index-data/default)',
      args: ['search', 'x', '--index', ''],
      code: 2,
      message: /--index .*must not be empty/,
    },
    {
      name: 'regression: an empty --negative (usage; it was dropped)',
      args: ['recommend', '--positive', 'seed-014', '--negative', '', '--url', 'SERVER'],
      code: 2,
      message: /--negative .*must name at least one value/,
    },
    {
      name: 'regression: an empty --input (usage; it failed as a missing file)',
      args: ['ingest', '--input', ''],
      code: 2,
      message: /--input .*must not be empty/,
    },
    { name: 'an unknown paper (failure)', args: ['get', 'no-such-paper', '--url', 'SERVER'], code: 1, message: /paper_not_found.*no-such-paper/ },
    {
      name: 'a server that is not there (failure)',
      args: ['search', 'x', '--url', 'http://127.0.0.1:9'],
      code: 1,
      message: /server_unreachable.*Cannot reach http:\/\/127\.0\.0\.1:9/,
    },
    { name: 'an index that is not there (failure)', args: ['search', 'x', '--index', 'NOWHERE'], code: 1, message: /index_missing/ },
    {
      name: 'a server URL with credentials (usage; it failed as "unexpected" with a TypeError)',
      args: ['search', 'x', '--url', 'http://user:secret@127.0.0.1:9'],
      code: 2,
      message: /--url.*base URL, without a user name, password, query or fragment/,
    },
    {
      name: 'a server URL with a query (usage; it was sent to /)',
      args: ['search', 'x', '--url', 'http://127.0.0.1:9/?x=1'],
      code: 2,
      message: /--url.*query/,
    },
    {
      name: 'regression: an index folder that cannot be made (failure; it was "internal" with a stack trace)',
      args: ['ingest', '--input', 'SAMPLE', '--index', '/proc/paper-search-cli-test'],
      code: 1,
      message: /^error \[config_invalid\]: Cannot build the index folder \/proc\/paper-search-cli-test: .*Point --index/m,
    },
    {
      name: 'no abstract file (failure)',
      args: ['similar', '--file', 'NOWHERE/abstract.txt', '--url', 'SERVER'],
      code: 1,
      message: /input_unreadable.*no such file/,
    },
    {
      name: 'regression: an abstract file that is a folder (failure; it said "EISDIR: illegal operation on a directory, read")',
      args: ['similar', '--file', 'INDEX', '--url', 'SERVER'],
      code: 1,
      message: /^error \[input_unreadable\]: Cannot read .*: it is a folder; give the file of the abstract\.$/m,
    },
  ];
  for (const failure of cases) {
    it(`exits ${failure.code} on ${failure.name}, with one line and no stack trace`, async () => {
      const args = failure.args.map((arg) =>
        arg.replace('SERVER', server.url).replace('NOWHERE', join(workDir, 'nowhere')).replace('SAMPLE', samplePapers).replace('INDEX', indexDir),
      );
      const result = await runCli(args[0]!, args.slice(1));
      assert.equal(result.code, failure.code, result.stderr);
      assert.match(result.stderr, failure.message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
      assert.equal(result.stdout, '');
    });
  }

  it('regression: refuses an abstract from a source without end (/dev/zero, an endless pipe) once past the limit (it read on until memory ran out: 2.8 GB in a minute)', async () => {
    const endless = async (args: string[], feed: boolean): Promise<CliResult> => {
      const child = spawn(process.execPath, [...cliEntry, 'similar', ...args, '--url', server.url], {
        cwd: repoRoot,
        env: { ...process.env, LOG_LEVEL: 'warn' },
        stdio: [feed ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      if (feed) {
        const words = Buffer.from('words of an abstract that never ends '.repeat(1000));
        const more = () => {
          while (child.stdin!.write(words));
          child.stdin!.once('drain', more);
        };
        child.stdin!.on('error', () => {});
        more();
      }
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const cutOff = globalThis.setTimeout(() => child.kill('SIGKILL'), 60_000);
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((closed) => child.on('close', (exit, sig) => closed([exit, sig])));
      clearTimeout(cutOff);
      return { code, signal, stdout: '', stderr };
    };
    const fromDevice = await endless(['--file', '/dev/zero'], false);
    assert.equal(fromDevice.code, 2, fromDevice.stderr);
    assert.match(fromDevice.stderr, /^error \[usage\]: The abstract is more than 300,002 bytes long, over the 100,000 characters a search takes/m);
    const fromPipe = await endless([], true);
    assert.equal(fromPipe.code, 2, fromPipe.stderr);
    assert.match(fromPipe.stderr, /^error \[usage\]: The abstract is more than 300,002 bytes long/m);
  });

  it('regression: refuses an abstract file that is no text (it searched the bytes of a binary file), and reads one saved as Windows-1252 or UTF-16', async () => {
    const binary = join(workDir, 'abstract.pdf');
    await writeFile(binary, Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0xff, 0xfe]));
    const refused = await runCli('similar', ['--file', binary, '--url', server.url]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /^error \[input_malformed\]: .*abstract\.pdf is not plain text \(it holds NUL bytes/);
    const windows = join(workDir, 'abstract-1252.txt');
    await writeFile(windows, Buffer.from('Caf\xe9 talk: implicit neural representations for video compression', 'latin1'));
    const hits = jsonLines<HitLine>(await runCli('similar', ['--file', windows, '-k', '3', '--url', server.url, '--json']));
    assert.equal(hits.length, 3);
    // Notepad's "Unicode": UTF-16 after its byte-order mark, NUL bytes and all, is text.
    const utf16 = join(workDir, 'abstract-utf16.txt');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Implicit neural representations for video compression', 'utf16le')]));
    assert.equal(jsonLines<HitLine>(await runCli('similar', ['--file', utf16, '-k', '3', '--url', server.url, '--json'])).length, 3);
  });

  it('regression: stops quietly (exit 0) when the reader closes the pipe early, as `| head` does (it died with a stack trace)', async () => {
    const child = spawn(process.execPath, [...cliEntry, 'search', 'video', '-k', '100', '--url', server.url], {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((closed) => child.on('close', closed));
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
  });

  it("regression: leaves no copy of the index's write-ahead log in the temporary folder when the reader closes the pipe or Ctrl-C stops the command (each left one, whole papers in it)", async () => {
    const temporary = join(workDir, 'tmp-read-only');
    await mkdir(temporary, { recursive: true });
    const start = (args: string[]) =>
      spawn(process.execPath, [...cliEntry, ...args, '--index', indexDir], {
        cwd: repoRoot,
        env: { ...process.env, MODEL_DIR: join(repoRoot, 'models'), LOG_LEVEL: 'warn', TMPDIR: temporary },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    const copies = async () => (await readdir(temporary)).filter((name) => name.startsWith('paper-search-read-only-'));
    const piped = start(['search', 'video', '-k', '100']);
    piped.stdout.once('data', () => piped.stdout.destroy());
    assert.equal(await new Promise<number | null>((closed) => piped.on('close', closed)), 0);
    assert.deepEqual(await copies(), []);
    // Waiting for an abstract on standard input, its copy made.
    const waiting = start(['similar', '--file', '-']);
    while ((await copies()).length === 0) await setTimeout(50);
    waiting.kill('SIGINT');
    const [, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((closed) => waiting.on('close', (code, sig) => closed([code, sig])));
    assert.equal(signal, 'SIGINT');
    assert.deepEqual(await copies(), []);
  });

  it('regression: leaves no copy when Ctrl-C comes the moment the copy appears (made on a thread of the pool, it was there before its removal was arranged: 19 runs of 20 left one)', async () => {
    const temporary = join(workDir, 'tmp-read-only-at-once');
    await mkdir(temporary, { recursive: true });
    const copies = async () => (await readdir(temporary)).filter((name) => name.startsWith('paper-search-read-only-'));
    for (let run = 0; run < 3; run++) {
      const waiting = spawn(process.execPath, [...cliEntry, 'similar', '--file', '-', '--index', indexDir], {
        cwd: repoRoot,
        env: { ...process.env, MODEL_DIR: join(repoRoot, 'models'), LOG_LEVEL: 'warn', TMPDIR: temporary },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      while ((await copies()).length === 0) await setImmediate();
      waiting.kill('SIGINT');
      const [, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((closed) => waiting.on('close', (code, sig) => closed([code, sig])));
      assert.equal(signal, 'SIGINT');
      assert.deepEqual(await copies(), [], `run ${run}`);
    }
  });

  it(
    'regression: says disk_full in one line (exit 1) when its output cannot be written (it died with a stack trace)',
    { skip: !existsSync('/dev/full') && 'no /dev/full here' },
    async () => {
      const output = await open('/dev/full', 'w');
      try {
        const child = spawn(process.execPath, [...cliEntry, 'search', 'video', '-k', '5', '--url', server.url], {
          cwd: repoRoot,
          env: { ...process.env, LOG_LEVEL: 'warn' },
          stdio: ['ignore', output.fd, 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const code = await new Promise<number | null>((closed) => child.on('close', closed));
        assert.equal(code, 1, stderr);
        assert.match(stderr, /^error \[disk_full\]: Cannot write the output: ENOSPC/);
        assert.doesNotMatch(stderr, /\n\s+at /);
      } finally {
        await output.close();
      }
    },
  );

  it('regression: output that cannot be written for another reason than a full disk is said with a code of the error catalog (it said output_failed, which the catalog lacked)', async () => {
    const readOnly = await open(join(repoRoot, 'package.json'), 'r');
    try {
      const child = spawn(process.execPath, [...cliEntry, '--version'], { cwd: repoRoot, stdio: ['ignore', readOnly.fd, 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((closed) => child.on('close', closed));
      assert.equal(code, 1, stderr);
      const printed = /^error \[(\w+)\]: Cannot write the output: EBADF/.exec(stderr);
      assert.ok(printed, stderr);
      assert.ok(printed[1]! in errorCatalog, `${printed[1]} is not a code of the error catalog`);
    } finally {
      await readOnly.close();
    }
  });

  it('--help exits 0 with examples (every command: test/unit/cli-program.test.ts); no command at all is a usage error', async () => {
    const help = await runCli('search', ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: paper-search search \[options\] <query>[\s\S]*Examples:\n\s+\$ paper-search search/);
    const nothing = await runCli('', []);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /Usage: paper-search/);
  });
});

describe('paper-search doctor', () => {
  it('checks the model, the index, its files and log, the disk, the port and the page, one JSON line each', async () => {
    const result = await runCli('doctor', ['--index', indexDir, '--json'], { PORT: '0' });
    const checks = jsonLines<{ check: string; status: string; message: string; fix?: string }>(result);
    assert.deepEqual(
      checks.map((check) => check.check),
      ['node', 'model', 'index', 'index files', 'write-ahead log', 'disk', 'port', 'page'],
    );
    for (const check of checks) assert.equal(check.status, 'ok', `${check.check}: ${check.message}`);
    assert.match(checks.find((check) => check.check === 'model')!.message, /all-MiniLM-L6-v2: files present, ONNX checksum matches/);
    assert.match(checks.find((check) => check.check === 'index')!.message, /76 papers/);
  });

  it('regression: fails for a folder serve refuses: a file cut short, a damaged log, an embedded folder with BACKEND=weaviate (it said every check was ok)', async () => {
    const folder = join(workDir, 'doctor-damaged');
    await cp(indexDir, folder, { recursive: true });
    const checksOf = async (environment: Record<string, string> = {}) => {
      const result = await runCli('doctor', ['--index', folder, '--json'], { PORT: '0', ...environment });
      assert.equal(result.code, 1, result.stdout);
      return result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { check: string; status: string; message: string });
    };
    const papersFile = join(folder, 'papers.jsonl');
    const whole = await readFile(papersFile);
    await writeFile(papersFile, whole.subarray(0, whole.length - 100));
    const files = (await checksOf()).find((check) => check.check === 'index files')!;
    assert.equal(files.status, 'fail');
    assert.match(files.message, /papers\.jsonl: \d+ bytes, \d+ recorded/);
    await writeFile(papersFile, whole);
    // Regression: a byte changed in a file serve checks as it loads, not by hash at start (doctor said ok, serve refused it).
    const lexicalFile = join(folder, 'lexical.bm25');
    const lexical = await readFile(lexicalFile);
    const flipped = Buffer.from(lexical);
    const middle = flipped.length >> 1;
    flipped.writeUInt8(flipped.readUInt8(middle) ^ 0xff, middle);
    await writeFile(lexicalFile, flipped);
    const lexicalCheck = (await checksOf()).find((check) => check.check === 'index files')!;
    assert.equal(lexicalCheck.status, 'fail');
    assert.match(lexicalCheck.message, /lexical\.bm25: its SHA-256 differs/);
    await writeFile(lexicalFile, lexical);
    await mkdir(`${folder}.wal`, { recursive: true });
    await writeFile(join(`${folder}.wal`, 'wal-000000000001.log'), 'not a record\nnor this\n');
    const log = (await checksOf()).find((check) => check.check === 'write-ahead log')!;
    assert.equal(log.status, 'fail');
    assert.match(log.message, /damaged at byte 0/);
    // Regression: a query with --index named the private copy of the log it replays, gone once it exited.
    const search = await runCli('search', ['video', '--index', folder]);
    assert.equal(search.code, 1);
    assert.ok(search.stderr.includes(`The write-ahead log ${join(`${folder}.wal`, 'wal-000000000001.log')} is damaged at byte 0`), search.stderr);
    await rm(`${folder}.wal`, { recursive: true });
    const index = (await checksOf({ BACKEND: 'weaviate', WEAVIATE_URL: 'http://127.0.0.1:9' })).find((check) => check.check === 'index')!;
    assert.equal(index.status, 'fail');
    assert.match(index.message, /embedded index folder, but BACKEND is weaviate/);
  });

  it('regression: fails the writes check for a WAL_DIR nothing can be made in, even for root (it said ok where serve refused)', async () => {
    const result = await runCli('doctor', ['--index', indexDir, '--json'], {
      PORT: '0',
      API_KEYS: 'doctor-test-key-0123456789',
      WAL_DIR: '/sys/kernel/paper-search-wal',
    });
    assert.equal(result.code, 1, result.stdout);
    const writes = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { check: string; status: string; message: string })
      .find((check) => check.check === 'writes')!;
    assert.equal(writes.status, 'fail');
    assert.match(writes.message, /\/sys\/kernel \((permission denied|the file system is read-only)\) cannot be written/);
  });

  it('fails with the fix when the index is missing and the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const result = await runCli('doctor', ['--index', join(workDir, 'nowhere'), '--json'], { PORT: String(port), HOST: '127.0.0.1' });
      assert.equal(result.code, 1);
      const checks = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { check: string; status: string; fix?: string });
      const index = checks.find((check) => check.check === 'index')!;
      assert.equal(index.status, 'fail');
      assert.match(index.fix!, /paper-search ingest --input/);
      const portCheck = checks.find((check) => check.check === 'port')!;
      assert.equal(portCheck.status, 'fail');
      assert.match(portCheck.fix!, /--port/);
    } finally {
      taken.close();
    }
  });
});

describe('commands on an index folder a crash left set aside between the two renames of a swap', () => {
  /** A copy of the test index, moved where a snapshot killed between its renames leaves it (the process id is not running). */
  async function setAsideCopy(name: string): Promise<{ folder: string; createdAt: string }> {
    const folder = join(workDir, name);
    await cp(indexDir, folder, { recursive: true });
    await rename(folder, join(workDir, `.${name}.old-999999999-0a1b2c3d`));
    return { folder, createdAt: await createdAtOf(join(workDir, `.${name}.old-999999999-0a1b2c3d`)) };
  }
  const createdAtOf = async (folder: string) => (JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as { createdAt: string }).createdAt;

  it('regression: doctor and verify restore it and check it (they said "no index")', async () => {
    for (const command of ['verify', 'doctor']) {
      const { folder, createdAt } = await setAsideCopy(`set-aside-${command}`);
      const result = await runCli(command, ['--index', folder, ...(command === 'doctor' ? ['--json'] : [])], { PORT: '0' });
      assert.doesNotMatch(result.stdout + result.stderr, /no index/i, command);
      assert.equal(await createdAtOf(folder), createdAt, `${command} restored the folder`);
      if (command === 'verify') assert.equal(result.code, 0, result.stderr);
      else {
        const checks = result.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { check: string; status: string });
        assert.equal(checks.find((check) => check.check === 'index')!.status, 'ok');
      }
    }
  });

  it('regression: start serves the index instead of replacing it with the sample papers', async () => {
    const { folder, createdAt } = await setAsideCopy('set-aside-start');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      // The port is taken, so start stops once it would serve: after it has looked for an index.
      const result = await runCli('start', ['--index', folder, '--port', String((taken.address() as AddressInfo).port), '--host', '127.0.0.1']);
      assert.equal(result.code, 1);
      assert.doesNotMatch(result.stderr, /no index yet/);
      assert.equal(await createdAtOf(folder), createdAt);
    } finally {
      taken.close();
    }
  });
});

describe('paper-search start stopped while it indexes the sample', () => {
  it('regression: stops cleanly on SIGTERM, leaving no half-built folder, and does not go on to serve (it was killed mid-build, as docker stop does on a first start)', async () => {
    const parent = join(workDir, 'start-interrupted');
    await mkdir(parent, { recursive: true });
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as AddressInfo).port);
      const { child, result } = startCli(['start', '--index', join(parent, 'index'), '--port', port, '--host', '127.0.0.1']);
      // Signalled once its build has begun: its staging folder exists.
      while (!(await readdir(parent)).some((name) => name.startsWith('.index.building-'))) await setTimeout(50);
      child.kill('SIGTERM');
      const { code, stderr } = await result;
      assert.equal(code, 1, stderr);
      // Stopped during the embedding (the build abandoned) or, on a fast machine, as the folder was written (kept).
      assert.match(
        stderr,
        /error \[interrupted\]: Stopped by SIGTERM (after \d+ papers: the new build was abandoned|as the sample index was written: it is kept)/,
      );
      assert.doesNotMatch(stderr, /port_unavailable/, 'it did not go on to serve');
      assert.deepEqual(
        (await readdir(parent)).filter((name) => name !== 'index'),
        [],
        'no staging folder left',
      );
    } finally {
      taken.close();
    }
  });
});

describe('paper-search doctor and verify on a Weaviate collection folder', () => {
  it('regression: name the collection the folder points at (they said "format version 1; this version reads version 2. Rebuild it")', async () => {
    const folder = join(workDir, 'weaviate-pointer');
    await writeCollectionPointer(folder, {
      alias: 'Papers',
      collection: 'Papers_20260101_abcdef',
      model: { id: 'all-MiniLM-L6-v2', longPassages: 'truncate', titleWeight: 0.3 },
      createdAt: '2026-01-01T00:00:00.000Z',
      count: 3,
    });
    const verify = await runCli('verify', ['--index', folder]);
    assert.match(verify.stdout + verify.stderr, /Weaviate collection Papers_20260101_abcdef/);
    // Regression: verify passed such a folder whatever BACKEND was, where doctor fails it.
    assert.equal(verify.code, 1, 'served with BACKEND=embedded, it needs BACKEND=weaviate');
    assert.match(verify.stderr, /error \[config_invalid\].*BACKEND=weaviate/);
    const doctor = await runCli('doctor', ['--index', folder, '--json'], { PORT: '0' });
    assert.equal(doctor.code, 1);
    const index = doctor.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { check: string; status: string; message: string; fix?: string })
      .find((check) => check.check === 'index')!;
    assert.match(index.message, /Weaviate collection Papers_20260101_abcdef/);
    assert.equal(index.status, 'fail', 'served with BACKEND=embedded, it needs BACKEND=weaviate');
    assert.match(index.fix!, /BACKEND=weaviate/);
  });
});

describe('paper-search model fetch', () => {
  let hub: Server;
  let hubUrl: string;

  before(async () => {
    // A stand-in for the Hugging Face hub on loopback, serving the installed model's files.
    const installed = join(repoRoot, 'models', getModel('all-MiniLM-L6-v2').hubId);
    hub = createServer((request, response) => {
      const file = /^\/Xenova\/all-MiniLM-L6-v2\/resolve\/main\/(.+)$/.exec(request.url ?? '')?.[1];
      if (!file) return void response.writeHead(404).end();
      const path = join(installed, file);
      stat(path).then(
        (info) => {
          response.writeHead(200, { 'content-length': info.size });
          createReadStream(path).pipe(response);
        },
        () => response.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  });

  after(() => hub.close());

  it('downloads the files, checks the checksum, and prints where they are', async () => {
    const modelDir = join(workDir, 'fetched-models');
    await mkdir(modelDir);
    const result = await runCli('model fetch', ['--model', 'all-MiniLM-L6-v2'], { MODEL_DIR: modelDir, HF_ENDPOINT: hubUrl, MODEL_SOURCES: 'hub' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `all-MiniLM-L6-v2: ${join(modelDir, 'Xenova/all-MiniLM-L6-v2')}\n`);
    const onnx = await readFile(join(modelDir, 'Xenova/all-MiniLM-L6-v2', getModel('all-MiniLM-L6-v2').onnxFile));
    assert.equal(onnx.length, getModel('all-MiniLM-L6-v2').onnxBytes);
  });
});

describe('paper-search mcp', () => {
  it('serves MCP until its input closes when the build has the MCP server, and says so clearly when it has not', async () => {
    const result = await runCli('mcp', ['--index', indexDir], {}, '');
    if (existsSync(join(repoRoot, 'src/mcp/stdio.ts'))) {
      assert.equal(result.code, 0, result.stderr);
    } else {
      assert.equal(result.code, 1);
      assert.match(result.stderr, /command_unavailable.*MCP server is not part of this build/);
    }
  });
});
