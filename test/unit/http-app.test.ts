import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { paperSchema } from '../../src/papers/paper.js';
import { SearchService } from '../../src/search/search-service.js';
import type { ServiceState } from '../../src/service-state.js';
import type { EmbeddedStorage } from '../../src/storage/embedded/embedded-storage.js';
import { WriteService } from '../../src/writes/write-service.js';
import { buildFakeIndex, FakeEmbedder, openFakeStorage, topicPapers } from './fake-collection.js';
import { startApp, type CallInit, type TestApp } from './http-support.js';
import { isAppErrorWithCode } from './support.js';

const key = 'unit-test-key-0123456789';
const embedder = new FakeEmbedder();
let root: string;
let storage: EmbeddedStorage;
let app: TestApp;
let state: ServiceState;
const call = (path: string, init?: CallInit) => app.call(path, init);

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'paper-search-http-app-'));
  await buildFakeIndex(join(root, 'index'), embedder);
  storage = await openFakeStorage(join(root, 'index'), embedder);
  app = await startApp({ apiKeys: [key], storage: () => storage });
  state = app.state;
});

after(async () => {
  await app.close();
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

describe('createApp before the service is ready', () => {
  it('answers health at once, and 503 not_ready on readiness and the API', async () => {
    assert.equal((await call('/healthz')).status, 200);
    const ready = await call('/readyz');
    assert.deepEqual([ready.status, ready.body], [503, { status: 'starting' }]);
    const search = await call('/v1/search', { json: { query: 'volcano' } });
    assert.equal(search.status, 503);
    assert.equal(search.body!.error.code, 'not_ready');
    // Regression: the one 503 without a Retry-After, as shutting_down was.
    assert.equal(search.headers.get('retry-after'), '5');
  });
});

describe('request bodies held at once', () => {
  it('regression: refuses a body with 503 overloaded while the bodies being read hold the budget (each connection held a body at its limit: 2,000 unfinished gzip bodies of 1 KB, inflating to 1 MB each, held 1.1 GB)', async () => {
    // MAX_BODY_BYTES 4096 and WRITE_MAX_BODY_BYTES 8192: a budget of 64 KiB, sixteen compressed bodies at the read limit.
    const app = await startApp();
    const { port } = new URL(app.base);
    const gzipped = gzipSync(JSON.stringify({ query: 'x'.repeat(4_000) }));
    const holders: Socket[] = [];
    try {
      for (let i = 0; i < 16; i++) {
        const socket = connect(Number(port), '127.0.0.1');
        socket.on('error', () => undefined);
        socket.write(
          `POST /v1/search HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${gzipped.length}\r\n\r\n`,
        );
        // Never finished: the server waits for the rest.
        socket.write(gzipped.subarray(0, gzipped.length - 8));
        holders.push(socket);
      }
      let refused = await app.call('/v1/search', { json: { query: 'volcano' } });
      for (let tries = 0; refused.body?.error.code !== 'overloaded' && tries < 50; tries++) {
        await sleep(20);
        refused = await app.call('/v1/search', { json: { query: 'volcano' } });
      }
      assert.equal(refused.status, 503);
      assert.equal(refused.body!.error.code, 'overloaded');
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal(refused.headers.get('connection'), 'close', 'the body is not read: the connection goes');
      assert.equal((await app.call('/healthz')).status, 200, 'requests without a body are answered');
    } finally {
      for (const socket of holders) socket.destroy();
    }
    let after = await app.call('/v1/search', { json: { query: 'volcano' } });
    for (let tries = 0; after.body?.error.code === 'overloaded' && tries < 50; tries++) {
      await sleep(20);
      after = await app.call('/v1/search', { json: { query: 'volcano' } });
    }
    assert.equal(after.body!.error.code, 'not_ready', 'the room comes back once those connections are gone');
    await app.close();
  });
});

describe('createApp settings', () => {
  it("regression: refuses a TRUST_PROXY Express cannot take as config_invalid naming it (Express's TypeError stopped start-up with a stack trace)", async () => {
    for (const value of ['maybe', '-1', '10.0.0.0/33', 'loopback/8']) {
      await assert.rejects(
        startApp({ environment: { TRUST_PROXY: value } }),
        isAppErrorWithCode('config_invalid', /^Invalid configuration: TRUST_PROXY: /),
        value,
      );
    }
    for (const value of ['true', 'false', '2', 'loopback, 10.0.0.0/8, ::1', '10.0.0.0/255.0.0.0', 'fe80::/10']) {
      const started = await startApp({ environment: { TRUST_PROXY: value } });
      await started.close();
    }
  });
});

describe('client addresses behind a proxy', () => {
  it("regression: takes the entry the nearest trusted proxy appended to X-Forwarded-For, not the client's own entries before it (a client on the proxy's own network, whose address the proxy appended, passed for any address it wrote)", async () => {
    const app = await startApp({ environment: { TRUST_PROXY: 'loopback, 10.0.0.0/8' } });
    try {
      // nginx's $proxy_add_x_forwarded_for: what the client sent, then the address nginx saw.
      for (const [forwarded, client] of [
        ['198.51.100.9', '198.51.100.9'],
        ['203.0.113.7, 127.0.0.1', '127.0.0.1'],
        ['203.0.113.7, 10.1.2.3', '10.1.2.3'],
        ['203.0.113.7, 198.51.100.9', '198.51.100.9'],
      ] as const) {
        const requestId = `forwarded-${client}-${app.logs.length}`;
        await app.call('/healthz', { headers: { 'x-forwarded-for': forwarded, 'x-request-id': requestId } });
        const line = app.logs.find((entry) => (entry.req as { id?: string } | undefined)?.id === requestId);
        assert.equal((line?.req as { remoteAddress?: string } | undefined)?.remoteAddress, client, forwarded);
      }
    } finally {
      await app.close();
    }
  });
});

describe('createApp when ready', () => {
  before(() => {
    state.markReady(new SearchService(storage, embedder), new WriteService(storage, embedder));
  });

  it('reports readiness with the index it serves', async () => {
    const ready = await call('/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body!.index.papers, 8);
  });

  it('regression: answers readiness at once when the storage does not answer, with the figures it last had (it waited as long as the storage: 30 s on a failing cluster, past any probe)', async () => {
    const stats = storage.stats.bind(storage);
    storage.stats = () => new Promise(() => undefined);
    try {
      const started = performance.now();
      const ready = await call('/readyz');
      assert.equal(ready.status, 200);
      assert.equal(ready.body!.index.papers, 8);
      assert.ok(performance.now() - started < 5_000);
    } finally {
      storage.stats = stats;
    }
  });

  it('searches, and carries a request id', async () => {
    const response = await call('/v1/search', { json: { query: 'volcano eruption', k: 2, mode: 'dense', fields: ['title'] } });
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body!.hits[0]).sort(), ['id', 'score', 'title']);
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('names a service-side invalid field where the client sent it: body for POST, query for GET', async () => {
    const hybrid = await call('/v1/search', { json: { query: 'volcano', k: 10, offset: 95, mode: 'hybrid' } });
    assert.equal(hybrid.status, 400);
    assert.equal(hybrid.body!.error.details.issues[0].path, 'body.offset');
    // Regression: in a batch, the query at fault went unnamed (body.offset).
    const batch = await call('/v1/search/batch', { json: { queries: [{ query: 'fine' }, { query: 'volcano', k: 10, offset: 95 }] } });
    assert.equal(batch.status, 400);
    assert.equal(batch.body!.error.details.issues[0].path, 'body.queries.1.offset');
    const cursor = await call('/v1/papers?cursor=bm9wZQ');
    assert.equal(cursor.status, 400);
    assert.equal(cursor.body!.error.details.issues[0].path, 'query.cursor');
    // Regression: an empty cursor was said to be "not issued by this index".
    const empty = await call('/v1/papers?cursor=');
    assert.equal(empty.status, 400);
    assert.match(empty.body!.error.message, /query\.cursor: is empty: leave cursor out for the first page/);
  });

  it('names the paper of a batch write whose field is invalid', async () => {
    const response = await call('/v1/papers', {
      json: { papers: [{ abstract: 'fine' }, { abstract: 'bad date', date: '2024-99' }] },
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(response.status, 400);
    assert.equal(response.body!.error.details.issues[0].path, 'body.papers.1.date');
  });

  it('regression: says how to send a BibTeX or RIS file or a CSL-JSON array sent as plain JSON (the messages were "Unexpected token \'@\'" and "expected object, received array")', async () => {
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const bibtex = await call('/v1/papers', { body: '\n@article{k, title={T}}', headers });
    assert.equal(bibtex.status, 400);
    assert.equal(bibtex.body!.error.code, 'invalid_json');
    assert.match(bibtex.body!.error.message, /It reads as BibTeX: send it to POST \/v1\/papers with Content-Type: application\/x-bibtex\.$/);
    const ris = await call('/v1/papers', { body: 'TY  - JOUR\nTI  - T\nER  - \n', headers });
    assert.match(ris.body!.error.message, /It reads as RIS: .*application\/x-research-info-systems/);
    const csl = await call('/v1/papers', { body: JSON.stringify([{ id: 'c', type: 'article-journal', title: 'T' }]), headers });
    assert.equal(csl.status, 400);
    assert.equal(csl.body!.error.code, 'invalid_input');
    assert.match(csl.body!.error.message, /\{"papers": \[\.\.\.\]\}.*application\/vnd\.citationstyles\.csl\+json/);
  });

  it('maps each kind of bad request to its status and code, in the one error shape', async () => {
    const cases: [ReturnType<typeof call>, number, string][] = [
      [call('/nowhere'), 404, 'route_not_found'],
      [call('/v1/search'), 405, 'method_not_allowed'],
      [call('/v1/search', { body: 'query=x', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type'],
      [call('/v1/search', { body: '{"query":', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json'],
      [call('/v1/search', { json: { query: 'x'.repeat(5000) } }), 413, 'payload_too_large'],
      // Regression: every route under /v1/papers read bodies up to the write limit, without a key.
      [call('/v1/papers/volcano-1/related', { method: 'POST', json: { pad: 'x'.repeat(5000) } }), 413, 'payload_too_large'],
      [call('/v1/papers/volcano-1', { method: 'POST', json: { pad: 'x'.repeat(5000) } }), 413, 'payload_too_large'],
      // A write: the key is checked before the body is read.
      [call('/v1/papers/volcano-1', { method: 'PATCH', json: { pad: 'x'.repeat(5000) } }), 401, 'unauthorized'],
      [call('/v1/search', { json: { query: 'x', unknown: 1 } }), 400, 'invalid_input'],
      // Regression: a query of control characters alone passed as not blank.
      [call('/v1/search', { json: { query: '\u0000\u001b ' } }), 400, 'invalid_input'],
      // Regression: a query of zero-width characters alone passed as not blank.
      [call('/v1/search', { json: { query: '\u200b\u200d ' } }), 400, 'invalid_input'],
      [call('/v1/papers/nope'), 404, 'paper_not_found'],
      [call('/v1/papers/%E0%A4%A'), 400, 'invalid_input'],
      [call('/v1/papers', { json: { abstract: 'x' } }), 401, 'unauthorized'],
      [call('/v1/papers', { json: { abstract: 'x' }, headers: { authorization: 'Bearer wrong-key-wrong-key-0000' } }), 403, 'forbidden'],
      [call('/v1/snapshots', { method: 'GET' }), 405, 'method_not_allowed'],
    ];
    for (const [pending, status, code] of cases) {
      const response = await pending;
      assert.equal(response.status, status, code);
      assert.deepEqual(Object.keys(response.body!), ['error']);
      assert.equal(response.body!.error.code, code);
      assert.equal(typeof response.body!.error.message, 'string');
    }
  });

  it('regression: refuses query parameters a POST or PUT route does not read (POST /v1/search?k=1 answered with the default k)', async () => {
    const refused = await call('/v1/search?k=1', { json: { query: 'volcano eruption', mode: 'dense' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body!.error.code, 'invalid_input');
    assert.match(refused.body!.error.message, /POST \/v1\/search reads only format from the query; its parameters go in the JSON body \(unrecognized: "k"\)/);
    assert.deepEqual(refused.body!.error.details.issues, [{ path: 'query', message: 'Unrecognized key: "k"', code: 'unrecognized_keys' }]);
    const cases: [string, CallInit][] = [
      ['/v1/similar?mode=dense', { json: { abstract: 'Lava flows.' } }],
      ['/v1/recommend?positive=a', { json: { positive: ['volcano-1'] } }],
      ['/v1/search/batch?format=ris', { json: { queries: [{ query: 'lava' }] } }],
      ['/v1/papers?upsert=1', { json: { abstract: 'x' }, headers: { authorization: `Bearer ${key}` } }],
      ['/v1/papers/q-1?dry_run=1', { method: 'PUT', json: { abstract: 'x' }, headers: { authorization: `Bearer ${key}` } }],
    ];
    for (const [path, init] of cases) {
      const answer = await call(path, init);
      assert.equal(answer.status, 400, path);
      assert.equal(answer.body!.error.details.issues[0].code, 'unrecognized_keys', path);
    }
    assert.equal((await call('/v1/search?format=ris', { json: { query: 'volcano eruption', k: 1 } })).status, 200);
  });

  it('regression: refuses query parameters on DELETE and POST /v1/snapshots, which read none (DELETE /v1/papers/x?dry_run=true deleted the paper)', async () => {
    const auth = { authorization: `Bearer ${key}` };
    const deleted = await call('/v1/papers/volcano-2?dry_run=true', { method: 'DELETE', headers: auth });
    assert.equal(deleted.status, 400);
    assert.match(deleted.body!.error.message, /DELETE \/v1\/papers\/volcano-2 reads nothing from the query \(unrecognized: "dry_run"\)/);
    assert.equal((await call('/v1/papers/volcano-2')).status, 200, 'the paper is still there');
    const snapshot = await call('/v1/snapshots?now=1', { method: 'POST', headers: auth });
    assert.equal(snapshot.status, 400);
    assert.doesNotMatch(snapshot.body!.error.message, /JSON body/);
  });

  it('regression: refuses query parameters on GET /v1/stats and /v1/map, which read none (they were ignored)', async () => {
    const refused = await call('/v1/stats?verbose=1');
    assert.equal(refused.status, 400);
    assert.equal(refused.body!.error.message, 'Invalid request query: GET /v1/stats reads nothing from the query (unrecognized: "verbose")');
    assert.equal((await call('/v1/map?x=1')).status, 400);
    assert.equal((await call('/v1/stats')).status, 200);
  });

  it('regression: reads a JSON body whose charset is named utf8 or US-ASCII (415: only names starting utf- were read)', async () => {
    for (const charset of ['utf8', 'UTF8', '"utf8"', 'us-ascii', 'US-ASCII']) {
      const answer = await call('/v1/search', { body: '{"query":"volcano","k":1}', headers: { 'content-type': `application/json; charset=${charset}` } });
      assert.equal(answer.status, 200, charset);
    }
    const latin1 = await call('/v1/search', { body: '{"query":"volcano"}', headers: { 'content-type': 'application/json; charset=latin1' } });
    assert.equal(latin1.status, 415);
  });

  it('regression: says a parameter of one value given twice must be given once (it said "expected string, received array", or that both formats were invalid)', async () => {
    for (const path of [
      '/v1/papers/volcano-1/related?k=1&k=2',
      '/v1/papers/volcano-1/related?score_threshold=0.1&score_threshold=0.2',
      '/v1/papers/volcano-1/related?explain=true&explain=false',
      '/v1/papers/volcano-1/related?format=ris&format=bibtex',
      '/v1/papers?limit=1&limit=2',
    ]) {
      const refused = await call(path);
      assert.equal(refused.status, 400, path);
      assert.match(refused.body!.error.message, /must be given once/, path);
    }
  });

  it('tells in /v1/stats whether the key of the request may write', async () => {
    const access = async (authorization?: string) => (await call('/v1/stats', authorization ? { headers: { authorization } } : {})).body!.access;
    assert.deepEqual(await access(), { writes: false });
    assert.deepEqual(await access('Bearer wrong-key-wrong-key-0000'), { writes: false });
    assert.deepEqual(await access(`Bearer ${key}`), { writes: true });
  });

  it('regression: holds a GET of a related list that sends a body to the general body checks (its route is answered ahead of the parsers)', async () => {
    for (const [body, type, status, code] of [
      [JSON.stringify({ pad: 'x'.repeat(5000) }), 'application/json', 413, 'payload_too_large'],
      ['x', 'text/plain', 415, 'unsupported_media_type'],
      ['{"k":', 'application/json', 400, 'invalid_json'],
    ] as const) {
      const response = await getWithBody(`${app.base}/v1/papers/volcano-1/related`, body, type);
      assert.deepEqual([response.status, (JSON.parse(response.text) as { error: { code: string } }).error.code], [status, code], type);
    }
  });

  it('regression: answers OPTIONS on the paper routes like every route, 405 JSON with the whole Allow, HEAD beside GET (Express answered "POST" as text)', async () => {
    for (const [path, allow] of [
      ['/v1/papers', 'GET, HEAD, POST'],
      ['/v1/papers/volcano-1', 'GET, HEAD, PUT, PATCH, DELETE'],
      ['/v1/papers/volcano-1/related', 'GET, HEAD'],
    ]) {
      const response = await call(path!, { method: 'OPTIONS' });
      assert.equal(response.status, 405, path);
      assert.equal(response.body!.error.code, 'method_not_allowed');
      assert.equal(response.headers.get('allow'), allow);
    }
  });

  it('answers a repeated related list from its encoded answer, with its own took_ms, and never across a write', async () => {
    const service = state.service!;
    const { relatedToPaper, relatedToPaperJson } = service;
    let computed = 0;
    service.relatedToPaper = (...args) => {
      computed++;
      return relatedToPaper.apply(service, args);
    };
    service.relatedToPaperJson = (...args) => {
      computed++;
      return relatedToPaperJson.apply(service, args);
    };
    const idsOf = (response: Awaited<ReturnType<typeof call>>) => (response.body!.hits as { id: string }[]).map((hit) => hit.id);
    const authorized = { authorization: `Bearer ${key}` };
    try {
      const path = '/v1/papers/volcano-1/related?k=3';
      const first = await call(path);
      const again = await call(path);
      assert.equal(computed, 1, 'the second answer was kept');
      assert.equal(again.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(typeof again.body!.took_ms, 'number');
      assert.deepEqual({ ...again.body, took_ms: 0 }, { ...first.body, took_ms: 0 });
      assert.deepEqual(idsOf(await call(path, { headers: { 'cache-control': 'max-age=0, no-cache' } })), idsOf(first));
      assert.equal(computed, 2, 'Cache-Control: no-cache asks for an answer computed now');
      const bibtex = await call(path, { headers: { accept: 'application/x-bibtex' } });
      assert.match(bibtex.text, /^@/, 'an export of the same URL is not the kept JSON');

      // Long enough that the answer is compressed for clients that take gzip (fetch does).
      const twin = { id: 'volcano-twin', title: topicPapers[0]!.title, abstract: Array(20).fill(topicPapers[0]!.abstract).join(' ') };
      assert.equal((await call('/v1/papers', { json: twin, headers: authorized })).status, 201);
      const afterWrite = await call(path);
      assert.equal(idsOf(afterWrite)[0], 'volcano-twin');
      assert.equal(afterWrite.headers.get('content-encoding'), null, 'an answer computed for the request is sent as it is, not compressed on the spot');
      assert.match(afterWrite.headers.get('vary') ?? '', /Accept-Encoding/);
      const keptGzip = await call(path);
      assert.equal(keptGzip.headers.get('content-encoding'), 'gzip', 'asked again, it is compressed once and kept so');
      assert.deepEqual({ ...keptGzip.body, took_ms: 0 }, { ...afterWrite.body, took_ms: 0 });
      const plain = await rawGet(`${app.base}${path}`);
      assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: no encoding');
      assert.deepEqual({ ...(JSON.parse(plain.text) as object), took_ms: 0 }, { ...afterWrite.body, took_ms: 0 });
      assert.equal(computed, 4, 'compressed and plain answers come from one kept answer');
      const mustCompress = await rawGet(`${app.base}${path}`, { 'accept-encoding': 'gzip, identity;q=0', 'cache-control': 'no-cache' });
      assert.equal(mustCompress.headers['content-encoding'], 'gzip', 'a client that refuses identity gets gzip even for an answer computed now');
      assert.equal(computed, 5);
      assert.equal((await call('/v1/papers/volcano-twin', { method: 'DELETE', headers: authorized })).status, 200);
      assert.deepEqual(idsOf(await call(path)), idsOf(first));
      assert.equal(computed, 6, 'each write took the kept answers away');
    } finally {
      service.relatedToPaper = relatedToPaper;
      service.relatedToPaperJson = relatedToPaperJson;
    }
  });

  it('compresses at once a related list that cannot be kept (ANSWER_CACHE_MB=0: gzip clients never got one compressed)', async () => {
    const uncached = await startApp({ environment: { ANSWER_CACHE_MB: '0' }, storage: () => storage });
    try {
      uncached.state.markReady(new SearchService(storage, embedder), new WriteService(storage, embedder));
      const list = await uncached.call('/v1/papers/volcano-1/related?k=20');
      assert.equal(list.status, 200);
      assert.ok(list.text.length >= 1024, `long enough to be compressed (${list.text.length} bytes)`);
      assert.equal(list.headers.get('content-encoding'), 'gzip', 'fetch takes gzip');
    } finally {
      await uncached.close();
    }
  });

  it('answers a related list with every field in the bytes of the same list with every field named', async () => {
    const everyField = Object.keys(paperSchema.shape)
      .filter((field) => field !== 'id')
      .join(',');
    for (const query of ['k=5', 'k=3&offset=2', 'k=10&year_gte=2021', 'k=4&score_threshold=0.1', 'k=3&facet=method']) {
      const headers = { 'cache-control': 'no-cache' };
      const usual = await rawGet(`${app.base}/v1/papers/volcano-1/related?${query}`, headers);
      const named = await rawGet(`${app.base}/v1/papers/volcano-1/related?${query}&fields=${everyField}`, headers);
      const withoutTook = (text: string) => text.replace(/,"took_ms":[0-9.e-]+\}$/, '}');
      assert.equal(usual.status, 200, query);
      assert.equal(withoutTook(usual.text), withoutTook(named.text), query);
      assert.ok((JSON.parse(usual.text) as { hits: unknown[] }).hits.length > 0, query);
    }
  });

  it('turns an unexpected failure into a 500 internal without its message', async () => {
    const original = storage.papers.bind(storage);
    storage.papers = async () => {
      throw new Error('secret internal detail');
    };
    try {
      const response = await call('/v1/papers/volcano-1');
      assert.equal(response.status, 500);
      assert.deepEqual(response.body, { error: { code: 'internal', message: 'Internal error.' } });
    } finally {
      storage.papers = original;
    }
  });

  it('answers 503 shutting_down once stopping', async () => {
    state.markStopping();
    const response = await call('/v1/search', { json: { query: 'volcano' } });
    assert.equal(response.status, 503);
    assert.equal(response.body!.error.code, 'shutting_down');
  });
});

/** A GET that sends a body, which fetch refuses to send. */
function getWithBody(url: string, body: string, contentType: string): Promise<{ status: number; text: string }> {
  return rawGet(url, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) }, body);
}

/** A GET with only the headers given (fetch adds Accept-Encoding and cannot send a body on GET), its answer undecoded. */
function rawGet(url: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(url, { method: 'GET', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, text }));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}
