import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { RunningServer } from '../../src/server.js';
import { buildIndex, cliEntry, makeTempDir, removeDir, repoRoot, request, runCli, samplePapers, startTestServer } from './helpers.js';

const key = 'mcp-integration-key-0123456789';
let workDir: string;
let server: RunningServer;

/** 40 arXiv papers with metadata (years, categories, DOIs) and the 76 seed papers: one index for every test here. */
before(async () => {
  workDir = await makeTempDir();
  const arxiv = (await readFile(join(repoRoot, 'index-data/samples/sample-papers.jsonl'), 'utf8')).split('\n').slice(0, 40).join('\n');
  await writeFile(join(workDir, 'papers.jsonl'), `${arxiv}\n${await readFile(samplePapers, 'utf8')}`);
  await buildIndex(join(workDir, 'index'), join(workDir, 'papers.jsonl'));
  // The stdio server opens its own copy: the HTTP server below writes to the original's log.
  await cp(join(workDir, 'index'), join(workDir, 'index-copy'), { recursive: true });
  server = await startTestServer(join(workDir, 'index'), { API_KEYS: key, SNAPSHOT_INTERVAL_MS: '86400000' });
});

after(async () => {
  await server?.close();
  await removeDir(workDir);
});

/** Passes messages through, keeping each with its direction: the transcript in docs/mcp.md comes from here. */
class RecordingTransport implements Transport {
  readonly messages: { from: 'client' | 'server'; message: JSONRPCMessage }[] = [];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  constructor(private readonly inner: Transport) {}

  start(): Promise<void> {
    this.inner.onmessage = (message) => {
      this.messages.push({ from: 'server', message });
      this.onmessage?.(message);
    };
    this.inner.onclose = () => this.onclose?.();
    this.inner.onerror = (error) => this.onerror?.(error);
    return this.inner.start();
  }

  send(message: JSONRPCMessage): Promise<void> {
    this.messages.push({ from: 'client', message });
    return this.inner.send(message);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The MCP server as an MCP client starts it: `paper-search mcp <args>`, over stdio. */
function stdioTransport(args: string[], env: Record<string, string> = {}): StdioClientTransport {
  return new StdioClientTransport({
    command: process.execPath,
    args: [...cliEntry, 'mcp', ...args],
    env: { ...(process.env as Record<string, string>), LOG_LEVEL: 'info', ...env },
    stderr: 'pipe',
  });
}

async function connect(transport: Transport): Promise<{ client: Client; errors: Error[] }> {
  const client = new Client({ name: 'integration-test', version: '1.0.0' });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(transport);
  return { client, errors };
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function papersOf(result: CallToolResult): { id: string; title: string; score: number; year?: number; categories?: string[] }[] {
  assert.equal(result.isError, undefined, JSON.stringify(result.content[0]));
  return (result.structuredContent as { papers: ReturnType<typeof papersOf> }).papers;
}

function errorOf(result: CallToolResult): { code: string; message: string; details?: unknown } {
  assert.equal(result.isError, true);
  return (JSON.parse((result.content[0] as { text: string }).text) as { error: ReturnType<typeof errorOf> }).error;
}

const readTools = [
  'cite_papers',
  'collection_stats',
  'fetch',
  'find_similar_papers',
  'get_paper',
  'recommend_papers',
  'related_papers',
  'search',
  'search_papers',
];

describe('the MCP server on stdio over an index opened in process (--index)', () => {
  let client: Client;
  let errors: Error[];
  let transport: StdioClientTransport;
  let recording: RecordingTransport;
  let stderr = '';

  before(async () => {
    transport = stdioTransport(['--index', join(workDir, 'index-copy')]);
    transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    recording = new RecordingTransport(transport);
    ({ client, errors } = await connect(recording));
  });

  after(async () => {
    await client.close();
    if (process.env.MCP_TRANSCRIPT) await writeFile(process.env.MCP_TRANSCRIPT, `${JSON.stringify(recording.messages, null, 2)}\n`);
  });

  it('names itself and lists the read tools, no write tools', async () => {
    assert.equal(client.getServerVersion()?.name, 'paper-search');
    assert.match(client.getInstructions() ?? '', /search_papers/);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), readTools);
  });

  it('searches with the real model, filters and modes; bad input is invalid_input', async () => {
    const found = papersOf(await call(client, 'search_papers', { query: 'Gaussian splatting sensor simulation for autonomous driving', k: 3 }));
    assert.equal(found[0]?.id, '2503.11731');
    const filtered = papersOf(
      await call(client, 'search_papers', { query: 'language models', k: 5, mode: 'dense', filter: { categories: { any: ['cs.CL'] } } }),
    );
    assert.equal(filtered.length, 5);
    assert.ok(filtered.every((paper) => paper.categories?.includes('cs.CL')));
    const bad = errorOf(await call(client, 'search_papers', { query: 'x', k: 0, mode: 'fuzzy' }));
    assert.equal(bad.code, 'invalid_input');
    assert.match(bad.message, /^Invalid arguments: arguments\.mode: .*; arguments\.k: Too small/);
  });

  it('finds papers similar to an abstract; a blank one is invalid_input', async () => {
    const similar = papersOf(
      await call(client, 'find_similar_papers', { abstract: 'We simulate camera and lidar sensors for self-driving cars with 3D Gaussian splats.', k: 2 }),
    );
    assert.equal(similar[0]?.id, '2503.11731');
    assert.equal(errorOf(await call(client, 'find_similar_papers', { abstract: ' ' })).code, 'invalid_input');
  });

  it('relates and recommends by id, DOI or arXiv id; unknown papers are paper_not_found', async () => {
    const related = papersOf(await call(client, 'related_papers', { doi: '10.48550/arXiv.2503.11731', k: 4 }));
    assert.equal(related.length, 4);
    assert.ok(!related.some((paper) => paper.id === '2503.11731'));
    assert.equal(errorOf(await call(client, 'related_papers', { arxiv_id: '9999.99999' })).code, 'paper_not_found');
    const recommended = papersOf(await call(client, 'recommend_papers', { positive: ['seed-014', 'seed-027'], k: 3 }));
    assert.equal(recommended.length, 3);
    assert.equal(errorOf(await call(client, 'recommend_papers', { positive: ['seed-014'], negative: ['seed-014'] })).code, 'invalid_input');
  });

  it('gets a paper, and answers the connector tools', async () => {
    const paper = await call(client, 'get_paper', { arxiv_id: '2503.11731' });
    assert.equal((paper.structuredContent as { paper: { id: string } }).paper.id, '2503.11731');
    assert.equal(errorOf(await call(client, 'get_paper', {})).code, 'invalid_input');
    const search = (await call(client, 'search', { query: 'neural video representation' })).structuredContent as { results: { id: string; url: string }[] };
    assert.equal(search.results.length, 10);
    assert.equal(errorOf(await call(client, 'search', { query: 42 })).code, 'invalid_input');
    const fetched = (await call(client, 'fetch', { id: search.results[0]!.id })).structuredContent as { id: string; text: string };
    assert.equal(fetched.id, search.results[0]!.id);
    assert.ok(fetched.text.length > 100);
    assert.equal(errorOf(await call(client, 'fetch', { id: 'nope' })).code, 'paper_not_found');
  });

  it('cites papers named by id, DOI or arXiv id as one BibTeX, RIS or CSL-JSON file, in the order asked, and names those not found', async () => {
    const papers = [{ arxiv_id: '2503.11731' }, { id: 'nope' }, { doi: '10.48550/arXiv.2504.02912' }];
    const cited = await call(client, 'cite_papers', { papers });
    const bibtex = cited.structuredContent as { format: string; text: string; not_found: string[] };
    assert.equal(bibtex.format, 'bibtex');
    assert.deepEqual(
      [...bibtex.text.matchAll(/^@\w+\{([^,]+),/gm)].map((match) => match[1]),
      ['2503.11731', '2504.02912'],
    );
    assert.deepEqual(bibtex.not_found, ['nope']);
    assert.equal((cited.content[0] as { text: string }).text, bibtex.text, 'the file alone, to be saved as it is');
    assert.equal((cited.content[1] as { text: string }).text, 'Not in the collection: nope.');
    const csl = (await call(client, 'cite_papers', { papers, format: 'csl-json' })).structuredContent as { text: string };
    assert.deepEqual(
      (JSON.parse(csl.text) as { id: string }[]).map((item) => item.id),
      ['2503.11731', '2504.02912'],
    );
    assert.equal(errorOf(await call(client, 'cite_papers', { papers: [] })).code, 'invalid_input');
    assert.equal(errorOf(await call(client, 'cite_papers', { papers: [{ id: 'a', doi: '10.1/b' }] })).code, 'invalid_input');
    assert.equal(errorOf(await call(client, 'cite_papers', { papers, format: 'xml' })).code, 'invalid_input');
  });

  it('reports what the collection holds', async () => {
    const stats = (await call(client, 'collection_stats', {})).structuredContent as {
      papers: number;
      years: { year: number; papers: number }[];
      categories: { category: string; papers: number }[];
      papers_without_year: number;
    };
    assert.equal(stats.papers, 116);
    assert.equal(stats.papers_without_year, 76);
    assert.equal(
      stats.years.reduce((sum, year) => sum + year.papers, 0),
      40,
    );
    assert.deepEqual(stats.categories[0], { category: 'cs.CV', papers: 25 });
    assert.equal(errorOf(await call(client, 'collection_stats', { top_categories: 0 })).code, 'invalid_input');
  });

  it('reads a paper as a resource', async () => {
    const { contents } = await client.readResource({ uri: 'paper://2503.11731' });
    assert.match((contents[0] as { text: string }).text, /^# Industrial-Grade Sensor Simulation/);
    const { resources, nextCursor } = await client.listResources();
    assert.equal(resources.length, 100);
    assert.equal((await client.listResources({ cursor: nextCursor! })).resources.length, 16);
  });

  /** `mcp --index` on stdio, initialized, for a test that plays a client going away; its stderr as it grows. */
  async function initializedStdioServer(environment: NodeJS.ProcessEnv = {}) {
    const child = spawn(process.execPath, [...cliEntry, 'mcp', '--index', join(workDir, 'index-copy')], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...environment },
    });
    const stderr = { text: '' };
    child.stderr.on('data', (chunk: Buffer) => (stderr.text += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
    child.stdin.write(`${JSON.stringify(initializeMessage)}\n`);
    await new Promise((resolveAnswer) => child.stdout.once('data', resolveAnswer));
    const callSimilar = (id: number, topic: string) => {
      const abstract = `Text ${id} about ${topic}. `.repeat(30);
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'find_similar_papers', arguments: { abstract } } })}\n`);
    };
    return { child, stderr, exited, callSimilar };
  }

  it('regression: says a key is not used with --index (it was ignored without a word)', async () => {
    const { child, stderr, exited } = await initializedStdioServer({ PAPER_SEARCH_API_KEY: 'a-key-for-a-server-0123456789' });
    child.stdin.end();
    assert.equal(await exited, 0, stderr.text.slice(-2000));
    assert.match(stderr.text, /the API key \(--key or PAPER_SEARCH_API_KEY\) is not used with an index opened here/);
  });

  it('regression: stops cleanly, exit 0, when the client stops reading stdout under model calls (the process aborted in the model add-on)', async () => {
    const { child, stderr, exited, callSimilar } = await initializedStdioServer();
    child.stdout.destroy();
    for (let id = 2; id < 20; id++) callSimilar(id, 'graph neural networks and molecules');
    assert.equal(await exited, 0, stderr.text.slice(-2000));
    assert.doesNotMatch(stderr.text, /terminate called|Napi::Error/);
    assert.match(stderr.text, /"reason":"stdout closed"/);
  });

  it('regression: stops at once when the client goes away with requests under way (it waited out the 60 s grace for answers it could no longer write)', async () => {
    const { child, stderr, exited, callSimilar } = await initializedStdioServer();
    for (let id = 2; id < 6; id++) callSimilar(id, 'speech recognition in noisy rooms');
    // The client process ends: its end of both pipes closes.
    const started = Date.now();
    child.stdin.end();
    child.stdout.destroy();
    assert.equal(await exited, 0, stderr.text.slice(-2000));
    assert.ok(Date.now() - started < 30_000, `stopped after ${Date.now() - started} ms`);
    assert.match(stderr.text, /"reason":"stdin ended"/);
    assert.match(stderr.text, /stopped before every request was answered/);
  });

  it('keeps stdout for the protocol and logs JSON lines on stderr', () => {
    assert.deepEqual(errors, [], 'no line on stdout the client could not read');
    const lines = stderr.trim().split('\n');
    assert.ok(lines.some((line) => /"msg":"model and index loaded"/.test(line)));
    assert.ok(
      lines.every((line) => line.startsWith('{')),
      'only JSON log lines',
    );
  });
});

describe('mcp --index on the folder a server is serving', () => {
  it('regression: leaves the write-ahead log of the server alone (it removed and remade the empty segment the server appends to, and a write acknowledged after was lost)', async () => {
    const walDir = join(workDir, 'index.wal');
    const segments = async () => Promise.all((await readdir(walDir)).sort().map(async (name) => [name, (await stat(join(walDir, name))).ino]));
    const before = await segments();
    assert.ok(before.length > 0, 'the server has its log open');
    const { client } = await connect(stdioTransport(['--index', join(workDir, 'index')]));
    assert.ok(papersOf(await call(client, 'search_papers', { query: 'speech recognition', k: 1 })).length === 1);
    await client.close();
    assert.deepEqual(await segments(), before);
    const written = await request(server.url, '/v1/papers', {
      json: { id: 'wal-after-mcp', abstract: 'A write the server acknowledges after a read-only MCP process came and went.' },
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(written.status, 201);
    const logged = await Promise.all((await readdir(walDir)).map((name) => readFile(join(walDir, name), 'utf8')));
    assert.ok(
      logged.some((text) => text.includes('wal-after-mcp')),
      'the acknowledged write is in a file of the folder',
    );
    assert.equal((await request(server.url, '/v1/papers/wal-after-mcp', { method: 'DELETE', headers: { authorization: `Bearer ${key}` } })).status, 200);
  });

  it('regression: a second server on the folder exits with index_locked, leaving the first its log (it tidied the log under the first)', async () => {
    const second = await runCli('serve', [], { INDEX_DIR: join(workDir, 'index'), API_KEYS: key, PORT: '0', HOST: '127.0.0.1' });
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`index_locked.*in use by process ${process.pid}`, 's'));
    assert.equal((await request(server.url, '/v1/papers/2503.11731')).status, 200);
  });

  it('regression: a second server reaching the folder through a symbolic link, or with another WAL_DIR, exits with index_locked (it started and snapshotted over the first one’s writes)', async () => {
    const link = join(workDir, 'index-link');
    await symlink(join(workDir, 'index'), link);
    const environments: Record<string, string>[] = [{ INDEX_DIR: link }, { INDEX_DIR: join(workDir, 'index'), WAL_DIR: join(workDir, 'another.wal') }];
    for (const environment of environments) {
      const second = await runCli('serve', [], { ...environment, API_KEYS: key, PORT: '0', HOST: '127.0.0.1' });
      assert.equal(second.code, 1, JSON.stringify(environment));
      assert.match(second.stderr, new RegExp(`index_locked.*index folder .* in use by process ${process.pid}`, 's'));
    }
    assert.equal((await request(server.url, '/v1/papers/2503.11731')).status, 200);
  });
});

describe('the MCP server on stdio forwarding to a running server (--url)', () => {
  it('answers as the API does, including its errors, and offers no write tools without a key', async () => {
    const { client, errors } = await connect(stdioTransport(['--url', server.url]));
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), readTools);
    const query = 'speech recognition in noisy rooms';
    const viaMcp = papersOf(await call(client, 'search_papers', { query, k: 5, filter: { year: { gte: 2025 } } }));
    const viaApi = await request<{ hits: { id: string; score: number }[] }>(server.url, '/v1/search', {
      json: { query, k: 5, filter: { year: { gte: 2025 } } },
    });
    assert.deepEqual(
      viaMcp.map((paper) => [paper.id, paper.score]),
      viaApi.body.hits.map((hit) => [hit.id, hit.score]),
    );
    const related = papersOf(await call(client, 'related_papers', { id: '2503.11731', k: 3, filter: { categories: { any: ['cs.CV'] } } }));
    assert.ok(related.length === 3 && related.every((paper) => paper.categories?.includes('cs.CV')));
    const missing = errorOf(await call(client, 'get_paper', { id: 'nope' }));
    assert.deepEqual(missing, (await request(server.url, '/v1/papers/nope')).body.error);
    const cited = (await call(client, 'cite_papers', { papers: [{ id: '2504.02912' }, { arxiv_id: '2503.11731' }], format: 'ris' })).structuredContent as {
      text: string;
    };
    const exported = await fetch(`${server.url}/v1/papers/batch?format=ris`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['2504.02912', 'arxiv:2503.11731'] }),
    });
    assert.equal(cited.text, await exported.text(), 'the same file as the API exports');
    const deep = await call(client, 'search_papers', { query, k: 10, offset: 100 });
    assert.deepEqual([deep.isError, (deep.structuredContent as { papers: unknown[] }).papers], [undefined, []]);
    const stats = (await call(client, 'collection_stats', { top_categories: 100 })).structuredContent as {
      papers: number;
      years: { year: number; papers: number }[];
      categories: { category: string; papers: number }[];
      papers_without_year: number;
    };
    const facets = await request<{ facet_distribution: { year: Record<string, number>; categories: Record<string, number> }; papers: number }>(
      server.url,
      '/v1/facets?facets=year,categories',
    );
    assert.ok(stats.papers >= 116);
    assert.equal(stats.papers, facets.body.papers);
    assert.deepEqual(Object.fromEntries(stats.years.map(({ year, papers }) => [year, papers])), facets.body.facet_distribution.year);
    assert.deepEqual(Object.fromEntries(stats.categories.map(({ category, papers }) => [category, papers])), facets.body.facet_distribution.categories);
    assert.equal(stats.papers_without_year, stats.papers - stats.years.reduce((sum, year) => sum + year.papers, 0));
    assert.deepEqual(errors, []);
    await client.close();
  });

  it('regression: answers related_papers with a filter too long for a URL as --index does (the forwarded GET was refused headers_too_large)', async () => {
    const { client } = await connect(stdioTransport(['--url', server.url]));
    try {
      // 300 ids of 60 characters: some 18 KB of query string, past the server's 16 KiB.
      const excluded = Array.from({ length: 300 }, (_, i) => `10.1234/a.long.journal.article.identifier.${String(i).padStart(16, '0')}`);
      const filter = { exclude_ids: ['2504.16740', ...excluded], year: { gte: 2025 } };
      const result = await call(client, 'related_papers', { id: '2503.11731', k: 5, offset: 2, filter });
      assert.equal(result.isError, undefined, JSON.stringify(result.content));
      const short = await request<{ hits: { id: string; score: number }[] }>(
        server.url,
        '/v1/papers/2503.11731/related?k=5&offset=2&exclude_ids=2504.16740&year_gte=2025',
      );
      assert.deepEqual(
        papersOf(result).map((paper) => [paper.id, paper.score]),
        short.body.hits.map((hit) => [hit.id, hit.score]),
        'the list the same filter gives as a URL (the long ids name no paper)',
      );
      // With a facet there is no other route: the refusal stays the server's.
      assert.equal(errorOf(await call(client, 'related_papers', { id: '2503.11731', facet: 'method', filter })).code, 'headers_too_large');
    } finally {
      await client.close();
    }
  });

  it('regression: takes the server from PAPER_SEARCH_URL, as --key from PAPER_SEARCH_API_KEY (it opened the default index folder instead)', async () => {
    const { client } = await connect(stdioTransport([], { PAPER_SEARCH_URL: server.url, PAPER_SEARCH_API_KEY: key }));
    assert.ok(
      (await client.listTools()).tools.some((tool) => tool.name === 'add_papers'),
      'the write tools: a server, with the key',
    );
    await client.close();
  });

  it('offers the write tools with a key, and writes through the server', async () => {
    const { client } = await connect(stdioTransport(['--url', server.url], { PAPER_SEARCH_API_KEY: key }));
    assert.ok((await client.listTools()).tools.some((tool) => tool.name === 'add_papers'));
    const added = await call(client, 'add_papers', {
      papers: [
        { id: 'mcp-added-1', title: 'Octopus camouflage', abstract: 'How octopuses drive chromatophores to match reef backgrounds.', date: '2025-03-01' },
      ],
    });
    assert.deepEqual(added.structuredContent, { added: [{ id: 'mcp-added-1', title: 'Octopus camouflage' }] });
    const keptThroughServer = await call(client, 'add_papers', {
      papers: [{ id: 'mcp-added-1', title: 'Another title', abstract: 'Not written: the stored paper is kept.' }],
      on_existing: 'keep',
    });
    assert.deepEqual(keptThroughServer.structuredContent, { added: [], kept: ['mcp-added-1'] });
    const found = papersOf(await call(client, 'search_papers', { query: 'octopus skin colour change', k: 1 }));
    assert.equal(found[0]?.id, 'mcp-added-1');
    // The server checks what the tool's schema cannot (a date that does not exist); its path names the argument.
    const badDate = errorOf(await call(client, 'add_papers', { papers: [{ abstract: 'Bad date.', date: '2023-02-30' }] }));
    assert.equal(badDate.code, 'invalid_input');
    assert.deepEqual(
      (badDate.details as { issues: { path: string }[] }).issues.map((issue) => issue.path),
      ['arguments.papers.0.date'],
    );
    const updated = await call(client, 'update_paper', {
      id: 'mcp-added-1',
      changes: { type: 'journal-article', venue: 'Journal of Cephalopod Biology', volume: '12' },
    });
    assert.equal((updated.structuredContent as { paper: { venue: string } }).paper.venue, 'Journal of Cephalopod Biology');
    assert.match((updated.content[0] as { text: string }).text, /^Publication: Journal article, Journal of Cephalopod Biology, vol\. 12$/m);
    assert.equal((await request<{ paper: { volume: string } }>(server.url, '/v1/papers/mcp-added-1')).body.paper.volume, '12');
    // Regression: an assistant adding a paper the collection holds under another id got no hint of it.
    const again = await call(client, 'add_papers', { papers: [{ id: 'mcp-added-again', abstract: 'Octopus camouflage, again.', doi: '10.5/octopus' }] });
    assert.equal(again.structuredContent?.warnings, undefined);
    const twice = await call(client, 'update_paper', { id: 'mcp-added-1', changes: { doi: '10.5/OCTOPUS' } });
    assert.deepEqual(
      (twice.structuredContent as { warnings: { id: string; shared_with: string }[] }).warnings.map(({ id, shared_with }) => [id, shared_with]),
      [['mcp-added-1', 'mcp-added-again']],
    );
    assert.match((twice.content[0] as { text: string }).text, /^Warning: The DOI 10\.5\/octopus of "mcp-added-1" is also that of "mcp-added-again"/m);
    await call(client, 'delete_paper', { id: 'mcp-added-again' });
    assert.deepEqual((await call(client, 'delete_paper', { id: 'mcp-added-1' })).structuredContent, { id: 'mcp-added-1', deleted: true });
    assert.equal((await request(server.url, '/v1/papers/mcp-added-1')).status, 404);
    assert.deepEqual(errorOf(await call(client, 'delete_paper', { id: 'mcp-added-1' })), (await request(server.url, '/v1/papers/mcp-added-1')).body.error);
    await client.close();
  });

  it('regression: answers every request of a client that writes them and closes stdin (it stopped at the end of stdin with get_paper unanswered)', async () => {
    const answers = await pipedAnswers(server.url, [
      initializeMessage,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_paper', arguments: { id: 'seed-001' } } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'search_papers', arguments: { query: 'video compression', k: 2 } } },
    ]);
    assert.deepEqual(answers.map((answer) => answer.id).sort(), [1, 2, 3]);
    assert.ok(answers.every((answer) => answer.result !== undefined && (answer.result as { isError?: boolean }).isError === undefined));
  });

  it('regression: exits soon after stdin ends when a request was cancelled (it waited 60 s for an answer the protocol forbids)', async () => {
    const started = performance.now();
    const answers = await pipedAnswers(server.url, [
      initializeMessage,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search_papers', arguments: { query: `cancelled ${Date.now()}` } } },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2 } },
    ]);
    assert.ok(performance.now() - started < 20_000, `exited after ${Math.round(performance.now() - started)} ms`);
    assert.ok(answers.every((answer) => answer.id === 1 || answer.id === 2));
  });

  it('regression: answers a line that is not JSON (-32700) or not a JSON-RPC message (-32600) with a null id, and goes on (such lines went unanswered)', async () => {
    const answers = await pipedAnswers(server.url, ['{not json', { jsonrpc: '2.0', id: 7, method: 42 }, initializeMessage]);
    assert.deepEqual(
      answers.map((answer) => [answer.id, answer.error?.code ?? 'result']),
      [
        [null, -32700],
        [null, -32600],
        [1, 'result'],
      ],
    );
  });

  it('regression: refuses a message over 32 MiB with -32600 and its id, and answers the requests after it (the server stopped, and they went unanswered)', async () => {
    const oversized = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search_papers', arguments: { query: 'q'.repeat(33 * 1024 * 1024) } } };
    const answers = await pipedAnswers(server.url, [
      initializeMessage,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      oversized,
      { jsonrpc: '2.0', id: 3, method: 'ping' },
    ]);
    assert.deepEqual(
      answers.map((answer) => [answer.id, answer.error?.code ?? 'result']),
      [
        [1, 'result'],
        [2, -32600],
        [3, 'result'],
      ],
    );
    assert.match(answers[1]!.error!.message, /over the limit of 33554432 bytes/);
  });

  it('regression: answers a request whose params do not fit its method with -32602 (it was -32603, Internal error)', async () => {
    const answers = await pipedAnswers(server.url, [
      initializeMessage,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { arguments: { query: 'x' } } },
      { jsonrpc: '2.0', id: 3, method: 'resources/read', params: {} },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'get_paper', arguments: { id: 'seed-001' } } },
    ]);
    assert.deepEqual(
      answers.map((answer) => [answer.id, answer.error?.code ?? 'result']).sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [1, 'result'],
        [2, -32602],
        [3, -32602],
        [4, 'result'],
      ],
    );
    assert.match(answers.find((answer) => answer.id === 2)!.error!.message, /params\.name/);
  });

  it('regression: answers a last request without its newline, after a byte-order mark and blank lines (it went unanswered; blank lines got parse errors)', async () => {
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });
    const answers = await pipedAnswers(server.url, `\uFEFF${JSON.stringify(initializeMessage)}\r\n\n   \n${ping}`);
    assert.deepEqual(
      answers.map((answer) => [answer.id, answer.error?.code ?? 'result']),
      [
        [1, 'result'],
        [2, 'result'],
      ],
    );
  });

  it('reports an unreachable server as a tool error and keeps running', async () => {
    const { client } = await connect(stdioTransport(['--url', 'http://127.0.0.1:9']));
    const failed = errorOf(await call(client, 'search_papers', { query: 'anything' }));
    assert.equal(failed.code, 'server_unreachable');
    assert.match(failed.message, /http:\/\/127\.0\.0\.1:9 cannot be reached/);
    assert.equal((await client.listTools()).tools.length, readTools.length);
    await client.close();
  });

  it('regression: refuses at start a key the server does not accept (with a wrong --key it listed the write tools, and every write failed)', async () => {
    const wrong = await runCli('mcp', ['--url', server.url, '--key', 'not-the-key-0123456789abcdef']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^error \[forbidden\]: .*does not accept this API key/m);
    assert.equal(wrong.stdout, '');
    // A server that cannot be asked yet may still take the key: the write tools are offered.
    const { client } = await connect(stdioTransport(['--url', 'http://127.0.0.1:9'], { PAPER_SEARCH_API_KEY: key }));
    assert.ok((await client.listTools()).tools.some((tool) => tool.name === 'add_papers'));
    await client.close();
  });

  it('regression: refuses at start an address that is no paper-search API (with /mcp appended it started, and every call failed with route_not_found)', async () => {
    const wrongPath = await runCli('mcp', ['--url', `${server.url}/mcp`]);
    assert.equal(wrongPath.code, 1);
    assert.match(wrongPath.stderr, /^error \[config_invalid\]: .*\/mcp is not the address of a paper-search server's API/m);
    assert.equal(wrongPath.stdout, '');
  });

  it('refuses bad flags (exit code 2) and a missing index (exit code 1) with a line on stderr and nothing on stdout', async () => {
    const both = await runCli('mcp', ['--index', workDir, '--url', 'http://127.0.0.1:9']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--url <url>' cannot be used with option '--index <dir>/);
    assert.equal(both.stdout, '');
    const missing = await runCli('mcp', ['--index', join(workDir, 'no-such-index')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error \[index_missing\]/m);
    assert.equal(missing.stdout, '');
  });
});

describe('MCP over Streamable HTTP on the server (/mcp)', () => {
  it('serves the same tools and answers as the REST API', async () => {
    const { client } = await connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
    assert.deepEqual((await client.listTools()).tools.map((tool) => tool.name).sort(), readTools);
    const query = 'implicit neural representations for video';
    const viaMcp = papersOf(await call(client, 'search_papers', { query, k: 3, mode: 'dense' }));
    const viaApi = await request<{ hits: { id: string; score: number }[] }>(server.url, '/v1/search', { json: { query, k: 3, mode: 'dense' } });
    assert.deepEqual(
      viaMcp.map((paper) => [paper.id, paper.score]),
      viaApi.body.hits.map((hit) => [hit.id, hit.score]),
    );
    assert.equal(errorOf(await call(client, 'related_papers', { id: 'nope' })).code, 'paper_not_found');
    assert.equal(errorOf(await call(client, 'search_papers', { query: 'x', filter: { year: { gte: 'recent' } } })).code, 'invalid_input');
    await client.close();
  });

  it("regression: answers without a MaxListenersExceededWarning (every call to /mcp printed one: eleven watchers of the answer, past Node's default ten)", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const { client } = await connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
      await call(client, 'search_papers', { query: 'video compression', k: 2 });
      await client.close();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.filter((warning) => warning.startsWith('MaxListenersExceededWarning')),
      [],
    );
  });

  it('regression: refuses the calls of a batch past its answer budget (100 cite_papers calls of 100 papers each came back as one JSON text of 18 MB, encoded on the main thread while every other request waited about a second)', async () => {
    const listed = await request<{ papers: { id: string }[] }>(server.url, '/v1/papers?limit=100&fields=id');
    const papers = listed.body.papers.map(({ id }) => ({ id }));
    const batch = Array.from({ length: 100 }, (_, id) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'cite_papers', arguments: { papers } },
    }));
    const response = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(batch),
    });
    const text = await response.text();
    assert.equal(response.status, 200);
    // The text of each answer and its structured copy: the budget's 2,000,000 characters, and the calls running when it was reached.
    assert.ok(text.length < 5_000_000, `the answer holds ${text.length} characters`);
    const answers = JSON.parse(text) as { id: number; result: CallToolResult }[];
    assert.deepEqual(
      answers.map((answer) => answer.id),
      batch.map((call) => call.id),
    );
    const cited = answers.filter((answer) => answer.result.isError === undefined);
    const refused = answers.filter((answer) => answer.result.isError === true).map((answer) => errorOf(answer.result));
    assert.ok(cited.length >= 5 && refused.length >= 50, `${cited.length} calls cited, ${refused.length} refused`);
    assert.equal(cited.length + refused.length, 100);
    for (const error of refused) {
      assert.equal(error.code, 'invalid_input');
      assert.match(error.message, /^The answers of this batch already hold [\d,]+ characters \(at most 2,000,000\): send this call in another request\.$/);
    }
  });

  it('adds and deletes papers with a key', async () => {
    const { client } = await connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }),
    );
    const added = await call(client, 'add_papers', {
      papers: [{ id: 'mcp-http-1', abstract: 'Tardigrades survive desiccation by vitrifying their cytoplasm.' }],
    });
    assert.equal(added.isError, undefined);
    assert.equal((await request(server.url, '/v1/papers/mcp-http-1')).status, 200);
    assert.equal(errorOf(await call(client, 'add_papers', { papers: [{ id: 'mcp-http-1', abstract: 'Again.' }] })).code, 'paper_exists');
    const shared = await call(client, 'add_papers', {
      papers: [
        { id: 'mcp-http-2', abstract: 'Tardigrade tun formation.', arxiv_id: '2601.00042' },
        { id: 'mcp-http-3', abstract: 'Tardigrade tun formation.', arxiv_id: 'arXiv:2601.00042v2' },
      ],
    });
    assert.deepEqual(
      (shared.structuredContent as { warnings: { shared_with: string }[] }).warnings.map((warning) => warning.shared_with),
      ['mcp-http-2'],
    );
    assert.match((shared.content[0] as { text: string }).text, /\nWarning: The arXiv id 2601\.00042v2 of "mcp-http-3" is also that of "mcp-http-2"/);
    for (const id of ['mcp-http-2', 'mcp-http-3']) await call(client, 'delete_paper', { id });
    await call(client, 'delete_paper', { id: 'mcp-http-1' });
    await client.close();
  });
});

const initializeMessage = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'pipe', version: '1' } },
};

/**
 * What `mcp --url` answers to these lines (a message is written as its JSON; a string is sent as
 * it is) piped into its stdin and stdin closed, as a script would; the process must exit 0 once
 * it has answered.
 */
async function pipedAnswers(
  url: string,
  lines: readonly (string | object)[] | string,
): Promise<{ id: number | null; result?: unknown; error?: { code: number; message: string } }[]> {
  const child = spawn(process.execPath, [...cliEntry, 'mcp', '--url', url], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
  child.stdin.end(typeof lines === 'string' ? lines : lines.map((line) => `${typeof line === 'string' ? line : JSON.stringify(line)}\n`).join(''));
  assert.equal(await exited, 0);
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: number | null; result?: unknown; error?: { code: number; message: string } });
}
