import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../../src/errors.js';
import { SearchService } from '../../src/search/search-service.js';
import type { EmbeddedStorage } from '../../src/storage/embedded/embedded-storage.js';
import { WriteService } from '../../src/writes/write-service.js';
import { buildFakeIndex, FakeEmbedder, openFakeStorage } from './fake-collection.js';
import { startApp, type TestApp } from './http-support.js';

const key = 'operations-key-0123456789';
const embedder = new FakeEmbedder();
let root: string;
let storage: EmbeddedStorage;
const apps: TestApp[] = [];

/** An app serving the fake collection with these settings. */
async function serving(environment: Record<string, string> = {}, apiKeys: string[] = [key]): Promise<TestApp> {
  const app = await startApp({ environment, apiKeys, storage: () => storage });
  app.state.markReady(new SearchService(storage, embedder), new WriteService(storage, embedder));
  apps.push(app);
  return app;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'paper-search-http-operations-'));
  await buildFakeIndex(join(root, 'index'), embedder);
  storage = await openFakeStorage(join(root, 'index'), embedder);
});

after(async () => {
  for (const app of apps) await app.close();
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

describe('regressions', () => {
  it('bounds the error for a body with 20,000 unknown keys (oversized errors)', async () => {
    const app = await serving({ MAX_BODY_BYTES: '1048576' });
    const body = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`unknown_key_${i}`, 1]));
    const response = await app.call('/v1/search', { json: { query: 'volcano', ...body } });
    assert.equal(response.status, 400);
    assert.equal(response.body!.error.code, 'invalid_input');
    assert.ok(response.text.length < 4_000, `${response.text.length} bytes`);
  });

  it('bounds the issues listed for a body with thousands of bad fields', async () => {
    const app = await serving({ MAX_BODY_BYTES: '1048576' });
    const queries = Array.from({ length: 64 }, () => ({ query: 7, k: 'x', mode: 'nope' }));
    const response = await app.call('/v1/search/batch', { json: { queries } });
    assert.equal(response.status, 400);
    assert.equal(response.body!.error.details.issues.length, 10);
    assert.equal(response.body!.error.details.moreIssues, 64 * 3 - 10);
  });

  it('serves from /docs/assets only what /docs needs (all of swagger-ui-dist was served, its demo page and package.json)', async () => {
    const app = await serving();
    assert.equal((await app.call('/docs/assets/swagger-ui-bundle.js')).status, 200);
    assert.equal((await app.call('/docs/assets/swagger-ui.css')).status, 200);
    assert.equal((await app.call('/docs/assets/reference.js')).status, 200);
    // Regression: the names of an object's own properties were looked up as files (a 500 with a stack trace).
    for (const file of [
      'index.html',
      'package.json',
      'swagger-initializer.js',
      '../package.json',
      'absolute-path.js',
      'constructor',
      '__proto__',
      'toString',
    ]) {
      assert.equal((await app.call(`/docs/assets/${file}`)).status, 404, file);
    }
    const page = await app.call('/docs');
    assert.doesNotMatch(page.text, /<script>[^<]/, 'no inline script');
  });

  it('takes fields on GET /v1/papers/:id and refuses unknown parameters (fields was ignored)', async () => {
    const app = await serving();
    const chosen = await app.call('/v1/papers/volcano-1?fields=title,year');
    assert.deepEqual(chosen.body!.paper, { id: 'volcano-1', title: 'Volcano eruption forecasting', year: 2021 });
    const unknown = await app.call('/v1/papers/volcano-1?colour=blue');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body!.error.details.issues[0].path, 'query');
    assert.equal((await app.call('/v1/papers/volcano-1?fields=nonsense')).status, 400);
  });

  it('regression: answers the id alone for fields=id (a generated client cannot send an empty fields, and got every field)', async () => {
    const app = await serving();
    assert.deepEqual((await app.call('/v1/papers/volcano-1?fields=id')).body!.paper, { id: 'volcano-1' });
    assert.deepEqual((await app.call('/v1/papers/volcano-1?fields=id,year')).body!.paper, { id: 'volcano-1', year: 2021 });
    const related = await app.call('/v1/papers/volcano-1/related?k=1&fields=id');
    assert.deepEqual(Object.keys(related.body!.hits[0]).sort(), ['id', 'score']);
  });

  it('shows no internal path in /v1/stats (the index folder’s absolute path was shown)', async () => {
    const app = await serving();
    const stats = await app.call('/v1/stats');
    assert.equal(stats.status, 200);
    assert.ok(!stats.text.includes(root), stats.text);
    assert.equal(stats.body!.index.folder, undefined);
  });

  it('logs a /readyz probe during start-up without a warning or stack (expected 503s are not errors)', async () => {
    const app = await startApp();
    apps.push(app);
    const probe = await app.call('/readyz');
    assert.equal(probe.status, 503);
    // Regression: the API's not_ready said when to look again, /readyz did not.
    assert.equal(probe.headers.get('retry-after'), '5');
    const line = app.logs.find((entry) => (entry.req as { url?: string } | undefined)?.url === '/readyz');
    assert.ok(line, 'the probe is logged');
    assert.equal(line.level, 20, 'at debug level');
    assert.equal(line.err, undefined, 'without an error or stack');
  });

  it('sends CORS headers to listed origins only, and answers their preflights (no CORS headers at all)', async () => {
    const closed = await serving();
    const plain = await closed.call('/v1/stats', { headers: { origin: 'https://app.example.org' } });
    assert.equal(plain.headers.get('access-control-allow-origin'), null);

    const open = await serving({ CORS_ORIGINS: 'https://app.example.org, http://localhost:5173' });
    const allowed = await open.call('/v1/stats', { headers: { origin: 'https://app.example.org' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.org');
    // Regression: a browser app could not read a listing's next-page Link or an export's file name.
    assert.deepEqual((allowed.headers.get('access-control-expose-headers') ?? '').split(','), [
      'X-Request-Id',
      'Retry-After',
      'RateLimit',
      'RateLimit-Policy',
      'Location',
      'Link',
      'Content-Disposition',
      'X-Papers-Not-Found',
      'X-Papers-Not-Found-Count',
      // Regression: a browser app could not read a paper's version for a conditional write, nor send one.
      'ETag',
    ]);
    const preflight = await open.call('/v1/search', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
    // Regression: a browser app could not ask for a related list computed now, or send a compressed body.
    // Regression: browser MCP clients could not send their protocol version to /mcp.
    assert.deepEqual((preflight.headers.get('access-control-allow-headers') ?? '').split(',').slice(-6), [
      'Cache-Control',
      'Content-Encoding',
      'Mcp-Protocol-Version',
      'Mcp-Session-Id',
      'If-Match',
      'If-None-Match',
    ]);
    const other = await open.call('/v1/stats', { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    // Regression: an answer to a request without Origin said it did not vary by origin, so a shared
    // cache could hand it, without CORS headers, to a listed origin.
    // The related list twice: computed, then a kept answer.
    for (const path of ['/v1/stats', '/v1/papers/volcano-1/related?k=1', '/v1/papers/volcano-1/related?k=1']) {
      assert.match((await open.call(path)).headers.get('vary') ?? '', /\bOrigin\b/, path);
    }
  });

  it("answers a missing paper's page 404, unless reads need a key (its status would tell who has none which papers exist)", async () => {
    const page = { headers: { accept: 'text/html' } };
    const open = await serving({});
    assert.deepEqual([(await open.call('/paper/volcano-1', page)).status, (await open.call('/paper/no-such-paper', page)).status], [200, 404]);
    const guarded = await serving({ AUTH_READS: 'true' });
    assert.deepEqual([(await guarded.call('/paper/volcano-1', page)).status, (await guarded.call('/paper/no-such-paper', page)).status], [200, 200]);
  });

  it('regression: answers a preflight from an origin not listed without CORS headers, before the rate limit and the read key (it was a 405 that counted, or a 401)', async () => {
    const app = await serving({ CORS_ORIGINS: 'https://app.example.org', RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_MS: '60000', AUTH_READS: 'true' });
    const preflight = { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } };
    for (let i = 0; i < 4; i++) {
      const refused = await app.call('/v1/search', preflight);
      assert.equal(refused.status, 204);
      assert.equal(refused.headers.get('access-control-allow-origin'), null);
      assert.equal(refused.headers.get('access-control-allow-methods'), null);
      assert.match(refused.headers.get('vary') ?? '', /Origin/);
    }
    const keyed = { headers: { authorization: `Bearer ${key}` } };
    assert.deepEqual([(await app.call('/v1/stats', keyed)).status, (await app.call('/v1/stats', keyed)).status], [200, 200], 'no preflight was counted');
    const listed = await app.call('/v1/search', { ...preflight, headers: { ...preflight.headers, origin: 'https://app.example.org' } });
    assert.equal(listed.headers.get('access-control-allow-origin'), 'https://app.example.org');
    // An OPTIONS that is not a preflight is the API's 405, and counts.
    assert.equal((await app.call('/v1/search', { method: 'OPTIONS', ...keyed })).status, 405);
    assert.equal((await app.call('/v1/stats', keyed)).status, 429);
  });
});

describe('operating the service', () => {
  it('sends the usual security headers', async () => {
    const app = await serving();
    const response = await app.call('/v1/stats');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(response.headers.get('x-powered-by'), null);
  });

  it('regression: the legacy framing header agrees with the policy (X-Frame-Options SAMEORIGIN beside frame-ancestors none), and no worker may load from a blob, which nothing served uses', async () => {
    const app = await serving();
    const response = await app.call('/v1/stats');
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /frame-ancestors 'none'/);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.doesNotMatch(policy, /blob:/);
  });

  it('limits requests per client when asked, with 429, Retry-After and RateLimit headers; probes are never limited', async () => {
    const app = await serving({ RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_MS: '60000' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.call('/v1/stats')).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await app.call('/v1/stats');
    assert.equal(limited.body!.error.code, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.match(limited.headers.get('ratelimit') ?? '', /r=0/);
    assert.match(limited.headers.get('ratelimit-policy') ?? '', /q=3/);
    assert.equal((await app.call('/healthz')).status, 200);
    // Regression: the search page and the reference answered 429 JSON once the API budget was spent.
    for (const path of ['/', '/openapi.json', '/docs']) assert.notEqual((await app.call(path)).status, 429, path);
    // Another client (another key) has its own budget.
    assert.equal((await app.call('/v1/stats', { headers: { authorization: `Bearer ${key}` } })).status, 200);
    // Regression: the routes answer in any case and with a trailing slash, and so escaped the limit.
    for (const path of ['/V1/stats', '/v1/STATS/', '/v1/stats/']) assert.equal((await app.call(path)).status, 429, path);
  });

  it('regression: a made-up bearer token on an open read counts as its address, not as a new client (it escaped the rate limit)', async () => {
    const app = await serving({ RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_MS: '60000' });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await app.call('/v1/stats', { headers: { authorization: `Bearer made-up-${i}` } })).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.equal((await app.call('/v1/stats', { headers: { authorization: `Bearer ${key}` } })).status, 200, 'a configured key has its own budget');
  });

  it('answers 503 overloaded with Retry-After when the model cannot serve in time', async () => {
    const overloaded = new FakeEmbedder();
    overloaded.embedQueries = async () => {
      throw new AppError('overloaded', 'busy', { details: { reason: 'deadline', retryAfterSeconds: 7 }, retryAfterSeconds: 7 });
    };
    const app = await startApp({ storage: () => storage });
    apps.push(app);
    app.state.markReady(new SearchService(storage, overloaded), new WriteService(storage, overloaded));
    const response = await app.call('/v1/search', { json: { query: 'volcano', mode: 'dense' } });
    assert.equal(response.status, 503);
    assert.equal(response.body!.error.code, 'overloaded');
    assert.equal(response.headers.get('retry-after'), '7');
    // Routes that need no model are not held up.
    assert.equal((await app.call('/v1/papers/volcano-1/related?k=2')).status, 200);
  });

  it('passes who is calling and a deadline to the model', async () => {
    const seen: unknown[] = [];
    const watching = new FakeEmbedder();
    const original = watching.embedQueries.bind(watching);
    watching.embedQueries = async (texts, request) => {
      seen.push(request);
      return original(texts);
    };
    const app = await startApp({ storage: () => storage, environment: { REQUEST_TIMEOUT_MS: '5000' }, apiKeys: [key] });
    apps.push(app);
    app.state.markReady(new SearchService(storage, watching), new WriteService(storage, watching));
    await app.call('/v1/search', { json: { query: 'volcano', mode: 'dense' }, headers: { authorization: `Bearer ${key}` } });
    await app.call('/v1/search', { json: { query: 'magma', mode: 'dense' } });
    await app.call('/v1/search', { json: { query: 'lava', mode: 'dense' }, headers: { authorization: 'Bearer not-a-configured-key' } });
    const [withKey, withoutKey, withUnknownKey] = seen as { client: string; deadline: number }[];
    assert.match(withKey!.client, /^key:[0-9a-f]{16}$/);
    assert.ok(!withKey!.client.includes(key), 'never the key itself');
    assert.match(withoutKey!.client, /^ip:/);
    assert.equal(withUnknownKey!.client, withoutKey!.client, 'a token that is no key is not a client of its own');
    assert.ok(withoutKey!.deadline > performance.now() && withoutKey!.deadline <= performance.now() + 5_000);
  });

  it('exposes Prometheus metrics: requests by route template, and the collection', async () => {
    const app = await serving();
    await app.call('/v1/papers/volcano-1');
    await app.call('/v1/papers/nope');
    const metrics = await app.call('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(metrics.text, /paper_search_http_requests_total\{route="\/v1\/papers\/:id",method="GET",status="200"\} 1/);
    assert.match(metrics.text, /paper_search_http_requests_total\{route="\/v1\/papers\/:id",method="GET",status="404"\} 1/);
    assert.match(metrics.text, /paper_search_http_request_duration_seconds_bucket\{le="0.005",route="\/v1\/papers\/:id",method="GET"\}/);
    assert.match(metrics.text, /^paper_search_papers 8$/m);
    assert.match(metrics.text, /^paper_search_storage_up 1$/m);
    assert.match(metrics.text, /^nodejs_eventloop_lag_seconds /m);
    assert.ok(!metrics.text.includes('volcano-1'), 'no paper id in a label');
  });

  it('puts /metrics behind a key with AUTH_METRICS', async () => {
    const app = await serving({ AUTH_METRICS: 'true', API_KEYS: key });
    assert.equal((await app.call('/metrics')).status, 401);
    assert.equal((await app.call('/metrics', { headers: { authorization: `Bearer ${key}` } })).status, 200);
  });
});
