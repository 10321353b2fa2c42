import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { loadConfig } from '../../src/config/config.js';
import { SearchService } from '../../src/search/search-service.js';
import { ServiceState } from '../../src/service-state.js';
import type { EmbeddedStorage } from '../../src/storage/embedded/embedded-storage.js';
import { WriteService } from '../../src/writes/write-service.js';
import { buildFakeIndex, FakeEmbedder, openFakeStorage } from './fake-collection.js';
import { startApp, type TestApp } from './http-support.js';

const key = 'unit-test-key-0123456789';
const embedder = new FakeEmbedder();
let root: string;
let storage: EmbeddedStorage;
let search: SearchService;
let writes: WriteService;
const apps: TestApp[] = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'paper-search-mcp-http-'));
  await buildFakeIndex(join(root, 'index'), embedder);
  storage = await openFakeStorage(join(root, 'index'), embedder);
  search = new SearchService(storage, embedder);
  writes = new WriteService(storage, embedder);
});

after(async () => {
  for (const app of apps) await app.close();
  await writes.close();
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

/** The app on a random port with these settings and keys; ready unless `ready` is false. */
async function serve(options: { environment?: Record<string, string>; apiKeys?: string[]; ready?: boolean } = {}): Promise<string> {
  const state = new ServiceState();
  if (options.ready ?? true) state.markReady(search, writes);
  const app = await startApp({
    state,
    apiKeys: options.apiKeys ?? [key],
    environment: { MAX_BODY_BYTES: '2048', WRITE_MAX_BODY_BYTES: '65536', ...options.environment },
  });
  apps.push(app);
  return app.base;
}

async function mcpClient(base: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'unit-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }));
  return client;
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** One raw POST /mcp, as a browser or a misconfigured client might send it (node:http: fetch will not send another Host). */
interface McpAnswer {
  jsonrpc?: string;
  id?: unknown;
  error?: { code: number; message: string; data?: { code: string; message: string } };
}

/** The API error an HTTP-level refusal of /mcp carries, checked to be a JSON-RPC error without an id whose message is the API's. */
function apiErrorOf(answer: { body: McpAnswer | undefined }): { code: string; message: string } {
  const { jsonrpc, id, error } = answer.body ?? {};
  assert.deepEqual([jsonrpc, id, error?.code], ['2.0', null, -32000], JSON.stringify(answer.body));
  assert.equal(error?.message, error?.data?.message);
  return error!.data!;
}

function post(base: string, headers: Record<string, string>, body: string | Buffer = JSON.stringify(initialize)) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: McpAnswer | undefined }>((resolve, reject) => {
    const sent = httpRequest(`${base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body), ...headers },
    });
    sent.on('response', async (response) => {
      let text = '';
      for await (const chunk of response) text += String(chunk);
      resolve({ status: response.statusCode!, headers: response.headers, body: text ? JSON.parse(text) : undefined });
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

describe('MCP over HTTP at /mcp', () => {
  let base: string;
  before(async () => {
    base = await serve();
  });

  it('offers the read tools without a key, and the write tools with a valid one', async () => {
    const reader = await mcpClient(base);
    const readTools = (await reader.listTools()).tools.map((tool) => tool.name);
    assert.ok(readTools.includes('search_papers') && !readTools.includes('add_papers'));
    const found = await reader.callTool({ name: 'search_papers', arguments: { query: 'protein folding', k: 1 } });
    assert.equal((found.structuredContent as { papers: { id: string }[] }).papers[0]?.id, 'protein-1');
    await reader.close();

    const writer = await mcpClient(base, { authorization: `Bearer ${key}` });
    const writeTools = (await writer.listTools()).tools.map((tool) => tool.name);
    assert.ok(writeTools.includes('add_papers') && writeTools.includes('delete_paper'));
    const added = await writer.callTool({ name: 'add_papers', arguments: { papers: [{ id: 'http-1', abstract: 'Coral reef bleaching.' }] } });
    assert.deepEqual(added.structuredContent, { added: [{ id: 'http-1', title: '' }] });
    await writer.callTool({ name: 'delete_paper', arguments: { id: 'http-1' } });
    await writer.close();
  });

  it('refuses a wrong key (403 forbidden) and a malformed one (401), as the write API does', async () => {
    const wrong = await post(base, { authorization: 'Bearer not-the-right-key-at-all' });
    assert.equal(wrong.status, 403);
    // Regression: refusals of /mcp had the REST API's shape, and the Python SDK showed only "Server returned an error response".
    assert.equal(apiErrorOf(wrong).code, 'forbidden');
    const malformed = await post(base, { authorization: 'Basic abc' });
    assert.equal(malformed.status, 401);
    assert.equal(malformed.headers['www-authenticate'], 'Bearer realm="paper-search"');
  });

  it('refuses a Host or Origin outside the allowed hosts (DNS rebinding), before reading the body', async () => {
    const rebound = await post(base, { host: 'attacker.example:8080' }, '{not json');
    assert.equal(rebound.status, 403);
    assert.equal(apiErrorOf(rebound).code, 'host_not_allowed');
    const crossSite = await post(base, { origin: 'http://attacker.example' });
    assert.equal(crossSite.status, 403);
    assert.equal(apiErrorOf(crossSite).code, 'host_not_allowed');
    assert.equal((await post(base, { origin: 'null' })).status, 403);
    assert.equal((await post(base, { origin: 'http://localhost:6274' })).status, 200, 'a local web client');
    assert.equal((await post(base, { host: 'localhost:1234' })).status, 200);
  });

  it('answers the hosts it is configured for, or any with *', async () => {
    const named = await serve({ environment: { MCP_ALLOWED_HOSTS: 'papers.example.org' } });
    assert.equal((await post(named, { host: 'papers.example.org' })).status, 200);
    assert.equal((await post(named, {})).status, 403, '127.0.0.1 is not in the list');
    const any = await serve({ environment: { MCP_ALLOWED_HOSTS: '*' } });
    assert.equal((await post(any, { host: 'whatever.example', origin: 'https://elsewhere.example' })).status, 200);
  });

  it('gives a client of 2025-03-26 (the MCP-Protocol-Version header, or none) results without resource links or structured content', async () => {
    const call = JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'search_papers', arguments: { query: 'volcano eruption', k: 2 } },
    });
    for (const [version, structured] of [
      ['2025-03-26', false],
      [undefined, false],
      ['2025-06-18', true],
    ] as const) {
      const answer = await post(base, version === undefined ? {} : { 'mcp-protocol-version': version }, call);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const result = (answer.body as { result: { content: { type: string }[]; structuredContent?: unknown } }).result;
      assert.equal(
        result.content.some((item) => item.type === 'resource_link'),
        structured,
        String(version),
      );
      assert.equal(result.structuredContent !== undefined, structured, String(version));
    }
  });

  it('allows only POST (stateless: no stream to GET, no session to DELETE)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${base}/mcp`, { method });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'POST');
      assert.equal(apiErrorOf({ body: (await response.json()) as McpAnswer }).code, 'method_not_allowed');
    }
  });

  it('refuses a body that is not JSON (415), and one over the read limit (413) unless the key allows writes', async () => {
    const text = await fetch(`${base}/mcp`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    assert.equal(text.status, 415);
    assert.equal(apiErrorOf({ body: (await text.json()) as McpAnswer }).code, 'unsupported_media_type');
    // Regression: a body without Content-Type was said to be "not undefined".
    const untyped = await new Promise<string>((resolveText, reject) => {
      const body = JSON.stringify(initialize);
      const sent = httpRequest(`${base}/mcp`, { method: 'POST', headers: { 'content-length': Buffer.byteLength(body) } }, async (response) => {
        let answer = '';
        for await (const chunk of response) answer += String(chunk);
        resolveText(answer);
      });
      sent.on('error', reject);
      sent.end(body);
    });
    assert.match(untyped, /must be application\/json, not a body without Content-Type/);
    const large = JSON.stringify({ ...initialize, params: { ...initialize.params, clientInfo: { name: 'x'.repeat(4_000), version: '1' } } });
    const refused = await post(base, {}, large);
    assert.equal(refused.status, 413);
    assert.equal(apiErrorOf(refused).code, 'payload_too_large');
    assert.equal((await post(base, { authorization: `Bearer ${key}` }, large)).status, 200);
  });

  it("regression: answers a request whose params do not fit its method with -32602, naming the problem (it was -32603, Internal error, with the validator's dump)", async () => {
    const cases = [
      { method: 'tools/call', params: {}, problem: /params\.name: .*expected string/ },
      { method: 'tools/call', params: undefined, problem: /params: .*expected object/ },
      { method: 'resources/read', params: { uri: 5 }, problem: /params\.uri: .*expected string/ },
      { method: 'initialize', params: {}, problem: /params\.protocolVersion/ },
    ];
    for (const { method, params, problem } of cases) {
      const answer = await post(base, {}, JSON.stringify({ jsonrpc: '2.0', id: 9, method, ...(params === undefined ? {} : { params }) }));
      assert.equal(answer.status, 200);
      const { id, error } = answer.body as unknown as { id: number; error: { code: number; message: string } };
      assert.equal(id, 9);
      assert.equal(error.code, -32602, `${method}: ${error.message}`);
      assert.match(error.message, problem);
    }
    const batch = await post(
      base,
      {},
      JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'ping' },
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: {} },
      ]),
    );
    const answers = batch.body as unknown as { id: number; result?: unknown; error?: { code: number } }[];
    assert.deepEqual(
      answers.map((answer) => [answer.id, answer.error?.code ?? 'result']),
      [
        [1, 'result'],
        [2, -32602],
      ],
    );
  });

  it('regression: answers JSON that is not a JSON-RPC message with -32600 and its id (it was a -32700 parse error without the id)', async () => {
    for (const [body, id] of [
      [{ jsonrpc: '2.0', id: 1 }, 1],
      [{ jsonrpc: '1.0', id: 'a', method: 'ping' }, 'a'],
      [{ jsonrpc: '2.0', id: { a: 1 }, method: 'ping' }, null],
      [{ jsonrpc: '2.0', id: 1.5, method: 'ping' }, null],
      [{}, null],
    ] as const) {
      const answer = await post(base, {}, JSON.stringify(body));
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.deepEqual(answer.body, {
        jsonrpc: '2.0',
        id,
        error: { code: -32600, message: 'Invalid request: the body is not a JSON-RPC 2.0 request, notification or response.' },
      });
    }
  });

  it("regression: answers a body that is not JSON with JSON-RPC's -32700 parse error (it was the REST API's invalid_json)", async () => {
    for (const body of ['{"jsonrpc":', '{} trailing']) {
      const answer = await post(base, {}, body);
      assert.equal(answer.status, 400, body);
      assert.deepEqual(answer.body, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the body is not JSON.' } });
    }
  });

  it('regression: answers JSON that is neither an object nor an array with -32600 (it was a -32700 parse error)', async () => {
    for (const body of ['null', '"text"', '42']) {
      const answer = await post(base, {}, body);
      assert.equal(answer.status, 400, body);
      assert.deepEqual(answer.body, {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'Invalid request: the body is JSON, but neither a JSON-RPC message (an object) nor a batch (an array).' },
      });
    }
  });

  it('regression: refuses a batch holding two requests with one id, or something not JSON-RPC, with -32600, running none of it (both requests ran and one was answered; a bad element made the whole batch a -32700 parse error)', async () => {
    const ping = (id: number) => ({ jsonrpc: '2.0', id, method: 'ping' });
    const twice = await post(base, {}, JSON.stringify([ping(1), ping(1), ping(2)]));
    assert.equal(twice.status, 400);
    assert.deepEqual(twice.body, {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Invalid request: two requests of the batch have the id 1, and each needs its own; nothing in it was run.' },
    });
    const stray = await post(base, {}, JSON.stringify([ping(1), { foo: 1 }, 5]));
    assert.equal(stray.status, 400);
    assert.match((stray.body as { error: { code: number; message: string } }).error.message, /message 1 of the batch is not a JSON-RPC 2\.0/);
    const fine = await post(base, {}, JSON.stringify([ping(1), ping(2)]));
    assert.equal(fine.status, 200);
  });

  it('regression: answers a body that is not valid UTF-8 with -32700 (its bad bytes were read as U+FFFD)', async () => {
    const body = Buffer.concat([Buffer.from(JSON.stringify(initialize).slice(0, -2)), Buffer.from([0xff]), Buffer.from('"}')]);
    const answer = await post(base, {}, body);
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, {
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32700,
        message: 'Parse error: The request body is not valid UTF-8 (JSON is UTF-8; declare another Unicode charset in Content-Type if the body is in one).',
      },
    });
  });

  it('regression: answers a client that accepts JSON, any type or says nothing (the SDK answered 406 unless Accept also listed text/event-stream)', async () => {
    // Media types are case-insensitive: Application/JSON was refused.
    for (const accept of ['*/*', 'application/json', 'application/*', 'Application/JSON', 'APPLICATION/JSON, TEXT/EVENT-STREAM']) {
      const answer = await post(base, { accept });
      assert.equal(answer.status, 200, accept);
      assert.equal((answer.body as { result?: { serverInfo?: { name: string } } }).result?.serverInfo?.name, 'paper-search', accept);
    }
    const withoutAccept = await post(base, { accept: '' });
    assert.equal(withoutAccept.status, 200);
    const htmlOnly = await post(base, { accept: 'text/html' });
    assert.equal(htmlOnly.status, 406);
    // Regression: a client that refuses JSON with q=0 was answered JSON.
    for (const accept of ['application/json;q=0', 'application/json;q=0, text/event-stream']) assert.equal((await post(base, { accept })).status, 406, accept);
    // Regression: the SDK's words said both types were needed; JSON alone is.
    assert.deepEqual(htmlOnly.body, {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000, message: 'Not Acceptable: this endpoint answers application/json; send Accept: application/json.' },
    });
  });

  it('regression: counts each message of a batch toward the rate limit (a batch of 100 tool calls counted as one request), and /mcp/ is limited as /mcp is', async () => {
    const limited = await serve({ environment: { RATE_LIMIT_REQUESTS: '5', RATE_LIMIT_WINDOW_MS: '60000' } });
    const pings = (count: number, from = 1) => JSON.stringify(Array.from({ length: count }, (_, i) => ({ jsonrpc: '2.0', id: from + i, method: 'ping' })));
    const four = await post(limited, {}, pings(4));
    assert.equal(four.status, 200);
    assert.equal((four.body as unknown as unknown[]).length, 4);
    const over = await post(limited, {}, pings(3, 10));
    assert.equal(over.status, 429);
    assert.equal(apiErrorOf(over).code, 'rate_limited');
    assert.ok(Number(over.headers['retry-after']) >= 1);
    const slashed = await serve({ environment: { RATE_LIMIT_REQUESTS: '1', RATE_LIMIT_WINDOW_MS: '60000' } });
    const statuses = [];
    for (const path of ['/mcp', '/mcp/', '/MCP']) {
      const answer = await fetch(`${slashed}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      statuses.push(answer.status);
    }
    assert.deepEqual(statuses, [200, 429, 429]);
  });

  it('regression: answers an empty batch with one -32600 error (it answered 202 and nothing)', async () => {
    const answer = await post(base, {}, '[]');
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid request: an empty batch.' } });
  });

  it('regression: answers a batch holding one request with an array, as JSON-RPC answers every batch (the lone answer came as an object)', async () => {
    const ping = { jsonrpc: '2.0', id: 7, method: 'ping' };
    for (const batch of [[ping], [ping, { jsonrpc: '2.0', method: 'notifications/initialized' }]]) {
      const answer = await post(base, {}, JSON.stringify(batch));
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, [{ jsonrpc: '2.0', id: 7, result: {} }], JSON.stringify(batch));
    }
    const single = await post(base, {}, JSON.stringify(ping));
    assert.deepEqual(single.body, { jsonrpc: '2.0', id: 7, result: {} }, 'a message alone is answered alone');
    const notifications = await post(base, {}, JSON.stringify([{ jsonrpc: '2.0', method: 'notifications/initialized' }]));
    assert.deepEqual([notifications.status, notifications.body], [202, undefined], 'a batch of notifications has no answer');
  });

  it('needs a key for reads too with AUTH_READS', async () => {
    const closed = await serve({ environment: { AUTH_READS: 'true' } });
    const anonymous = await post(closed, {});
    assert.equal(anonymous.status, 401);
    assert.equal(apiErrorOf(anonymous).code, 'unauthorized');
    const client = await mcpClient(closed, { authorization: `Bearer ${key}` });
    assert.ok((await client.listTools()).tools.length > 0);
    await client.close();
    // Regression: OAuth discovery answered 401, and clients went looking for an authorization server.
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-authorization-server']) {
      const discovery = await fetch(`${closed}${path}`);
      assert.equal(discovery.status, 404, path);
      assert.equal(((await discovery.json()) as { error: { code: string } }).error.code, 'route_not_found', path);
    }
  });

  it('ignores a key where none are configured: reads stay open, writes are not offered', async () => {
    const keyless = await serve({ apiKeys: [] });
    const client = await mcpClient(keyless, { authorization: `Bearer ${key}` });
    assert.ok(!(await client.listTools()).tools.some((tool) => tool.name === 'add_papers'));
    // Regression: the refusal told a client that had sent a key to connect with one.
    await assert.rejects(
      client.callTool({ name: 'add_papers', arguments: { papers: [{ abstract: 'x' }] } }),
      /this server takes no writes \(it has no API_KEYS\)/,
    );
    await client.close();
  });

  it('answers 503 not_ready while the model and index load', async () => {
    const starting = await serve({ ready: false });
    const response = await post(starting, {});
    assert.equal(response.status, 503);
    assert.equal(apiErrorOf(response).code, 'not_ready');
  });
});

describe('MCP_ALLOWED_HOSTS', () => {
  it('defaults to the loopback names and takes a comma-separated list or *', () => {
    assert.deepEqual(loadConfig({}).MCP_ALLOWED_HOSTS, ['localhost', '127.0.0.1', '[::1]']);
    assert.deepEqual(loadConfig({ MCP_ALLOWED_HOSTS: 'Papers.Example.org, localhost' }).MCP_ALLOWED_HOSTS, ['papers.example.org', 'localhost']);
    assert.deepEqual(loadConfig({ MCP_ALLOWED_HOSTS: '*' }).MCP_ALLOWED_HOSTS, ['*']);
    assert.throws(() => loadConfig({ MCP_ALLOWED_HOSTS: 'localhost:8080' }), /MCP_ALLOWED_HOSTS/);
  });
});
