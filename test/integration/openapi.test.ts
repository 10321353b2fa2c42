import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { webPagePaths } from '../../src/http/routes/web-routes.js';
import type { RunningServer } from '../../src/server.js';
import { appWithoutService, buildIndex, makeTempDir, removeDir, request, startTestServer } from './helpers.js';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content: { 'application/json': { schema: Record<string, unknown> } } }> }>>;
  components: { schemas: Record<string, unknown> };
}

let workDir: string;
const writeKey = 'openapi-test-key-0123456789';
let server: RunningServer;
let document: OpenApiDocument;

before(async () => {
  workDir = await makeTempDir();
  await buildIndex(`${workDir}/index`);
  server = await startTestServer(`${workDir}/index`, { API_KEYS: writeKey, SNAPSHOT_INTERVAL_MS: '86400000' });
  document = (await request<OpenApiDocument>(server.url, '/openapi.json')).body;
});

after(async () => {
  await server?.close();
  await removeDir(workDir);
});

/** Method and path of every route the Express app registers (Express paths: `:id`). */
function registeredRoutes(): string[] {
  const app = appWithoutService();
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const routes: string[] = [];
  const visit = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((name) => ['get', 'post', 'put', 'delete'].includes(name))) {
          routes.push(`${method} ${layer.route.path}`);
        }
      } else if (layer.handle?.stack) {
        visit(layer.handle.stack);
      }
    }
  };
  // Express 5 keeps the top-level stack on app.router; typed loosely because it is not public API.
  visit((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return routes;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists every route the server answers', () => {
    assert.equal(document.openapi, '3.1.0');
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`)),
    );
    // The reference and the search page are pages, not API routes.
    const pages = new Set(webPagePaths.map((path) => `get ${path}`));
    const routes = registeredRoutes().filter((route) => !route.startsWith('get /docs') && !pages.has(route));
    assert.ok(routes.length >= 10);
    for (const route of routes) {
      if (route === 'get /openapi.json') continue;
      assert.ok(documented.has(route), `${route} is documented`);
    }
  });

  it('describes the real responses of every operation', async () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'doc', components: document.components }, 'doc');
    const check = async (method: 'get' | 'post' | 'put' | 'delete', path: string, documentedPath: string, status: number, json?: unknown) => {
      const headers = { authorization: `Bearer ${writeKey}` };
      const response = await request(
        server.url,
        path,
        json === undefined ? { method: method.toUpperCase(), headers } : { method: method.toUpperCase(), json, headers },
      );
      assert.equal(response.status, status, `${method} ${path}`);
      const schema = document.paths[documentedPath]![method]!.responses[String(status)]!.content['application/json'].schema;
      const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')) as Record<string, unknown>;
      const validate = ajv.compile(resolved);
      assert.ok(validate(response.body), `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}`);
    };
    await check('post', '/v1/search', '/v1/search', 200, { query: 'video compression', k: 3, explain: true });
    await check('post', '/v1/search', '/v1/search', 400, { query: '' });
    await check('post', '/v1/search', '/v1/search', 200, { query: 'video compression', k: 3, facets: ['year', 'categories', 'authors'] });
    await check('post', '/v1/search/batch', '/v1/search/batch', 200, { queries: [{ query: 'a' }, { query: 'b', fields: ['title'], facets: ['categories'] }] });
    await check('post', '/v1/similar', '/v1/similar', 200, { abstract: 'We compress videos with neural networks.' });
    await check('post', '/v1/recommend', '/v1/recommend', 200, { positive: ['seed-014'], negative: ['seed-001'] });
    await check('post', '/v1/recommend', '/v1/recommend', 404, { positive: ['nope'] });
    await check('get', '/v1/papers?limit=2', '/v1/papers', 200);
    await check('get', '/v1/papers?limit=2&fields=title,year', '/v1/papers', 200);
    await check('get', '/v1/papers/seed-014', '/v1/papers/{id}', 200);
    await check('get', '/v1/papers/nope', '/v1/papers/{id}', 404);
    await check('get', '/v1/papers/seed-014?fields=title,year', '/v1/papers/{id}', 200);
    await check('get', '/v1/map', '/v1/map', 200);
    await check('get', '/v1/papers/seed-014/related?k=2&fields=title,year', '/v1/papers/{id}/related', 200);
    await check('post', '/v1/papers', '/v1/papers', 201, { id: 'doc-1', abstract: 'A paper written to check the documented answer.' });
    await check('post', '/v1/papers', '/v1/papers', 201, { papers: [{ id: 'doc-2', abstract: 'Second.' }, { abstract: 'Third, id generated.' }] });
    await check('post', '/v1/papers', '/v1/papers', 409, { id: 'doc-1', abstract: 'Again.' });
    await check('put', '/v1/papers/doc-1', '/v1/papers/{id}', 200, { title: 'Replaced', abstract: 'Replaced text.' });
    await check('put', '/v1/papers/doc-4', '/v1/papers/{id}', 201, { abstract: 'Created by PUT.' });
    await check('delete', '/v1/papers/doc-2', '/v1/papers/{id}', 200);
    await check('delete', '/v1/papers/doc-2', '/v1/papers/{id}', 404);
    await check('get', '/v1/facets?facets=year,categories,authors&year_gte=2020', '/v1/facets', 200);
    await check('get', '/v1/facets?facets=colour', '/v1/facets', 400);
    await check('get', '/v1/papers/seed-014/related?k=2&facets=year,categories', '/v1/papers/{id}/related', 200);
    await check('get', '/v1/stats', '/v1/stats', 200);
    await check('get', '/healthz', '/healthz', 200);
    await check('get', '/readyz', '/readyz', 200);
  });

  it('regression: declares the key, rate-limit and non-error-shape answers every route can give, and names each operation for generated clients (reads had no 401/403/429, no route its 431 for a long query string, no security, /readyz no 503, /mcp a 400 in the error shape)', async () => {
    type Operation = {
      operationId?: string;
      security?: unknown[];
      parameters?: { name: string; schema: Record<string, unknown> }[];
      responses: Record<string, unknown>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method} ${path}`, ...(operation as Operation) })),
    );
    const ids = operations.map((operation) => operation.operationId);
    assert.ok(
      ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id)),
      `every operation has an operationId: ${ids.join(', ')}`,
    );
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    // Regression: every 400 and 500 listed the command line's codes (usage, config_invalid, …), which no answer carries.
    const descriptions = operations.flatMap((operation) =>
      Object.values(operation.responses).map((response) => (response as { description?: string }).description ?? ''),
    );
    for (const code of ['usage', 'config_invalid', 'model_missing', 'input_rejected']) {
      assert.ok(!descriptions.some((description) => new RegExp(`\\b${code}\\b`).test(description)), code);
    }
    const byRoute = new Map(operations.map((operation) => [operation.route, operation]));
    for (const route of ['post /v1/search', 'get /v1/papers/{id}/related', 'get /v1/stats', 'get /v1/facets', 'post /mcp']) {
      const operation = byRoute.get(route)!;
      for (const status of ['401', '403', '429', '431']) assert.ok(operation.responses[status], `${route} declares ${status}`);
      assert.deepEqual(operation.security, [{}, { apiKey: [] }], `${route}: a key is optional (AUTH_READS decides)`);
    }
    assert.deepEqual(byRoute.get('post /v1/papers')!.security, [{ apiKey: [] }]);
    assert.deepEqual(byRoute.get('get /healthz')!.security, []);
    assert.ok(byRoute.get('get /readyz')!.responses['503'], '/readyz declares its 503');
    assert.ok(byRoute.get('put /v1/papers/{id}')!.responses['404'], 'PUT declares 404 for a doi: name no paper has');
    // Regression: PUT, PATCH and DELETE answered an undeclared 409 index_replaced, every route an
    // undeclared 417, and every 503 was said to mean map_building, which only the map answers.
    const description = (route: string, status: string) => (byRoute.get(route)!.responses[status] as { description?: string } | undefined)?.description ?? '';
    for (const route of ['put /v1/papers/{id}', 'patch /v1/papers/{id}', 'delete /v1/papers/{id}', 'post /v1/snapshots']) {
      assert.match(description(route, '409'), /index_replaced/, route);
      assert.doesNotMatch(description(route, '409'), /paper_exists|feature_unavailable/, route);
    }
    assert.match(description('post /v1/papers', '409'), /paper_exists.*index_replaced|index_replaced.*paper_exists/);
    for (const route of ['post /v1/search', 'get /v1/stats', 'get /v1/papers/{id}/related']) {
      assert.match(description(route, '417'), /expectation_failed/, route);
      assert.doesNotMatch(description(route, '503'), /map_building/, route);
    }
    assert.match(description('post /v1/search', '408'), /request_timeout/);
    assert.match(description('get /v1/map', '503'), /map_building/);
    // Regression: no response header was described, so a generated client found no next page or retry delay.
    const headers = (route: string, status: string) => Object.keys((byRoute.get(route)!.responses[status] as { headers?: object }).headers ?? {});
    assert.deepEqual(headers('get /v1/papers', '200'), ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Link', 'Content-Disposition']);
    assert.deepEqual(headers('post /v1/papers', '201'), ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Location', 'ETag']);
    assert.deepEqual(headers('post /v1/search', '429'), ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy']);
    assert.deepEqual(headers('get /v1/stats', '503'), ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy']);
    // Regression: sent but not declared.
    assert.ok(headers('post /v1/papers', '401').includes('WWW-Authenticate'));
    assert.ok(headers('get /v1/stats', '405').includes('Allow'));
    assert.ok(headers('get /readyz', '503').includes('Retry-After'));
    // Regression: a body of another type sent to a route that reads none is a 415 there too, undeclared.
    for (const route of ['get /v1/stats', 'get /v1/papers/{id}', 'delete /v1/papers/{id}', 'post /v1/snapshots']) {
      assert.match(description(route, '415'), /unsupported_media_type/, route);
    }
    // fetch sends no body with a GET; node:http does, as other clients may.
    const strayStatus = await new Promise<number | undefined>((resolve, reject) => {
      const sent = httpRequest(`${server.url}/v1/stats`, { method: 'GET', headers: { 'content-type': 'text/plain', 'content-length': '5' } }, (answer) => {
        answer.resume();
        resolve(answer.statusCode);
      });
      sent.on('error', reject);
      sent.end('hello');
    });
    assert.equal(strayStatus, 415);
    const k = byRoute.get('get /v1/papers/{id}/related')!.parameters!.find((parameter) => parameter.name === 'k')!;
    assert.deepEqual(k.schema, { type: 'integer', minimum: 1, maximum: 100, default: 10 });

    const ajv = new Ajv2020({ strict: false });
    const mcpError = (byRoute.get('post /mcp')!.responses['400'] as { content: { 'application/json': { schema: object } } }).content['application/json'].schema;
    const answer = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' });
    assert.equal(answer.status, 400);
    const validate = ajv.compile(mcpError);
    assert.ok(validate(await answer.json()), `the /mcp 400 is as documented: ${ajv.errorsText(validate.errors)}`);
    // Regression: /mcp's other refusals were declared in the API's error shape; they are JSON-RPC errors.
    const refusal = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    assert.equal(refusal.status, 415);
    const mcpRefusal = (byRoute.get('post /mcp')!.responses['415'] as { content: { 'application/json': { schema: object } } }).content['application/json']
      .schema;
    const validateRefusal = ajv.compile(mcpRefusal);
    assert.ok(validateRefusal(await refusal.json()), `the /mcp 415 is as documented: ${ajv.errorsText(validateRefusal.errors)}`);
  });

  it("regression: documents what generated clients meet, in forms their generators take (GET /v1/papers/{id}'s 304, the export's X-Papers-Not-Found headers; a boolean const and a lone null type broke openapi-generator's Python client)", async () => {
    type Described = { parameters?: { name: string; in: string }[]; responses: Record<string, { headers?: Record<string, unknown> }> };
    const getPaper = document.paths['/v1/papers/{id}']!.get as unknown as Described;
    assert.ok(getPaper.parameters?.some((parameter) => parameter.name === 'If-None-Match' && parameter.in === 'header'));
    assert.ok(getPaper.responses['304']?.headers?.ETag);
    const read = await request(server.url, '/v1/papers/seed-014');
    const etag = read.headers.get('etag')!;
    // Over node:http, without the Cache-Control: no-cache fetch adds (the test after this one sends that).
    const revalidate = (cached: string, path = '/v1/papers/seed-014') =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        httpRequest(`${server.url}${path}`, { headers: { 'if-none-match': cached } }, (answer) => {
          let body = '';
          answer.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          answer.on('end', () => resolve({ status: answer.statusCode!, body }));
        })
          .on('error', reject)
          .end();
      });
    assert.deepEqual(await revalidate(etag), { status: 304, body: '' });
    assert.deepEqual(await revalidate('*'), { status: 304, body: '' });
    assert.equal((await revalidate('"another-version"')).status, 200);
    // Regression: Express answered 304, with no body, to If-None-Match: * on any GET, tagged or not.
    for (const untagged of [
      '/v1/papers/seed-014?fields=title',
      '/v1/papers/seed-014?format=bibtex',
      '/v1/stats',
      '/v1/papers?limit=1',
      '/v1/facets?facets=year',
    ]) {
      const answer = await revalidate('*', untagged);
      assert.equal(answer.status, 200, untagged);
      assert.ok(answer.body.length > 0, untagged);
    }

    const getPapers = document.paths['/v1/papers/batch']!.post as unknown as Described;
    assert.deepEqual(
      Object.keys(getPapers.responses['200']!.headers!).filter((name) => name.startsWith('X-Papers')),
      ['X-Papers-Not-Found-Count', 'X-Papers-Not-Found'],
    );

    const shapesGeneratorsRefuse: string[] = [];
    // A null type is taken as one choice of an anyOf (a nullable value), not as a value's whole type.
    const walk = (node: unknown, path: string, inChoice: boolean) => {
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Record<string, unknown>;
      if (typeof schema.const === 'boolean') shapesGeneratorsRefuse.push(`${path}: const ${String(schema.const)}`);
      if (schema.type === 'null' && !inChoice) shapesGeneratorsRefuse.push(`${path}: type null alone`);
      for (const [key, child] of Object.entries(schema)) walk(child, `${path}/${key}`, key === 'anyOf' || key === 'oneOf' || (inChoice && Array.isArray(node)));
    };
    walk(document, '#', false);
    assert.deepEqual(shapesGeneratorsRefuse, []);
  });

  it("regression: a fetch client's If-None-Match gets the documented 304 (fetch adds Cache-Control: no-cache to it, and Express then sent the whole answer)", async () => {
    const etag = (await fetch(`${server.url}/v1/papers/seed-014`)).headers.get('etag')!;
    for (const cached of [etag, `W/${etag}`, `"another-version", ${etag}`, '*']) {
      const revalidated = await fetch(`${server.url}/v1/papers/seed-014`, { headers: { 'if-none-match': cached } });
      assert.equal(revalidated.status, 304, cached);
      assert.equal(await revalidated.text(), '');
    }
    const changed = await fetch(`${server.url}/v1/papers/seed-014`, { headers: { 'if-none-match': '"another-version"' } });
    assert.equal(changed.status, 200);
    assert.equal(((await changed.json()) as { paper: { id: string } }).paper.id, 'seed-014');
    const untagged = await fetch(`${server.url}/v1/papers/seed-014?fields=title`, { headers: { 'if-none-match': '*' } });
    assert.equal(untagged.status, 200);
  });

  it("regression: a paper's GET with an If-Match it does not meet is refused with the documented 412 (it was answered 200, as if the header were absent)", async () => {
    const getPaper = document.paths['/v1/papers/{id}']!.get as unknown as { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> };
    assert.ok(getPaper.parameters?.some((parameter) => parameter.name === 'If-Match' && parameter.in === 'header'));
    assert.ok(getPaper.responses['412']);
    const etag = (await fetch(`${server.url}/v1/papers/seed-014`)).headers.get('etag')!;
    for (const expected of [etag, `"another-version", ${etag}`, '*']) {
      const answer = await fetch(`${server.url}/v1/papers/seed-014`, { headers: { 'if-match': expected } });
      assert.equal(answer.status, 200, expected);
      assert.equal(((await answer.json()) as { paper: { id: string } }).paper.id, 'seed-014');
    }
    for (const path of ['/v1/papers/seed-014', '/v1/papers/seed-014?fields=title', '/v1/papers/seed-014?format=bibtex']) {
      // A weak tag never meets If-Match, whose comparison is strong (RFC 9110 §8.8.3.2).
      for (const expected of ['"another-version"', `W/${etag}`]) {
        const refused = await fetch(`${server.url}${path}`, { headers: { 'if-match': expected } });
        assert.equal(refused.status, 412, `${path} ${expected}`);
        const { error } = (await refused.json()) as { error: { code: string; details: { id: string; etag: string } } };
        assert.equal(error.code, 'precondition_failed');
        assert.deepEqual(error.details, { id: 'seed-014', etag });
      }
    }
    const head = await fetch(`${server.url}/v1/papers/seed-014`, { method: 'HEAD', headers: { 'if-match': '"another-version"' } });
    assert.equal(head.status, 412);
    // A paper not stored is not found, whatever the conditions (RFC 9110 §13.2.1).
    assert.equal((await fetch(`${server.url}/v1/papers/no-such-paper`, { headers: { 'if-match': '*' } })).status, 404);
  });

  it("regression: holds no shape that stops openapi-generator's Java client compiling (/mcp's body and answer an anyOf of an object and an array, a body's facets uniqueItems, /mcp's refusals a numeric const)", () => {
    const shapesJavaCannotCompile: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Record<string, unknown>;
      for (const choices of [schema.anyOf, schema.oneOf]) {
        const types = Array.isArray(choices) ? choices.map((choice: { type?: unknown }) => choice.type) : [];
        if (types.includes('array') && types.includes('object')) shapesJavaCannotCompile.push(`${path}: a choice of an object or an array`);
      }
      if (schema.uniqueItems === true) shapesJavaCannotCompile.push(`${path}: uniqueItems`);
      if (typeof schema.const === 'number') shapesJavaCannotCompile.push(`${path}: const ${schema.const}`);
      for (const [key, child] of Object.entries(schema)) walk(child, `${path}/${key}`);
    };
    // Query parameters may hold uniqueItems: the Java client sends a Set of them as it should.
    walk(document.components.schemas, 'components');
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const { requestBody, responses } = operation as unknown as { requestBody?: unknown; responses: unknown };
        walk(requestBody, `${method} ${path} body`);
        walk(responses, `${method} ${path} responses`);
      }
    }
    assert.deepEqual(shapesJavaCannotCompile, []);

    // /mcp still documents a message and a batch of them, and nothing else.
    const ajv = new Ajv2020({ strict: false });
    const mcp = document.paths['/mcp']!.post as unknown as { requestBody: { content: { 'application/json': { schema: object } } } };
    const validate = ajv.compile(mcp.requestBody.content['application/json'].schema);
    const message = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    assert.ok(validate(message));
    assert.ok(validate([message, { ...message, id: 2 }]));
    assert.ok(!validate({ jsonrpc: '2.0', id: 1 }));
    assert.ok(!validate([{ id: 1 }]));
    assert.ok(!validate('tools/list'));
  });

  it("regression: a list a search body leaves out may be sent as null, and is declared nullable (openapi-generator's Java client sent every list it was not given as []: its searches answered no stored field, and a categories filter with `any` alone was refused 400)", async () => {
    type Schema = {
      $ref?: string;
      type?: unknown;
      anyOf?: Schema[];
      properties?: Record<string, Schema>;
      required?: string[];
      default?: unknown;
      items?: Schema;
    };
    const resolved = (schema: Schema): Schema =>
      schema.$ref === undefined ? schema : resolved(document.components.schemas[schema.$ref.replace('#/components/schemas/', '')] as Schema);
    const admitsNull = (schema: Schema) =>
      schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null')) || (schema.anyOf ?? []).some(admitsNull);
    const isArray = (schema: Schema) => schema.type === 'array' || (schema.anyOf ?? []).some(isArray);
    const listsSentAsEmpty: string[] = [];
    // A list with a default of [] is the same left out or empty.
    const walk = (reference: Schema, path: string) => {
      const schema = resolved(reference);
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        const optional = !(schema.required ?? []).includes(name) && property.default === undefined;
        if (optional && isArray(property) && !admitsNull(property)) listsSentAsEmpty.push(`${path}.${name}`);
        walk(property, `${path}.${name}`);
      }
      for (const choice of schema.anyOf ?? []) walk(choice, path);
      if (schema.items) walk(schema.items, `${path}[]`);
    };
    for (const path of ['/v1/search', '/v1/search/batch', '/v1/similar', '/v1/recommend', '/v1/papers/batch']) {
      const body = (document.paths[path]!.post as unknown as { requestBody: { content: { 'application/json': { schema: Schema } } } }).requestBody;
      walk(body.content['application/json'].schema, path);
    }
    assert.deepEqual(listsSentAsEmpty, []);

    // What the Java client sends once those lists are nullable: null for each list it was not given.
    const search = await request<{ hits: { title?: string }[] }>(server.url, '/v1/search', {
      method: 'POST',
      json: { query: 'video compression', k: 3, fields: null, facets: null, filter: { exclude_ids: null } },
    });
    assert.equal(search.status, 200);
    assert.equal(search.body.hits.length, 3);
    for (const hit of search.body.hits) assert.equal(typeof hit.title, 'string');
    const filter = { categories: { any: ['cs.CV'], all: null }, exclude_ids: null };
    assert.equal((await request(server.url, '/v1/search', { method: 'POST', json: { query: 'video', filter } })).status, 200);
    const batch = await request(server.url, '/v1/search/batch', {
      method: 'POST',
      json: { queries: [{ query: 'video', fields: null, facets: null, filter }] },
    });
    assert.equal(batch.status, 200);
    const lookup = await request<{ papers: { title?: string }[] }>(server.url, '/v1/papers/batch', {
      method: 'POST',
      json: { ids: ['seed-014'], fields: null },
    });
    assert.equal(lookup.status, 200);
    assert.equal(typeof lookup.body.papers[0]!.title, 'string');
    // null is left out, not a list: a categories filter still needs one of its lists.
    const empty = await request<{ error: { code: string; message: string } }>(server.url, '/v1/search', {
      method: 'POST',
      json: { query: 'video', filter: { categories: { any: null, all: null } } },
    });
    assert.equal(empty.status, 400);
    assert.match(empty.body.error.message, /needs "any" or "all"/);
  });

  it('documents /metrics as the Prometheus text it answers, not JSON (the document said application/json)', async () => {
    const content = document.paths['/metrics']!.get!.responses['200']!.content as Record<string, unknown>;
    assert.deepEqual(Object.keys(content), ['text/plain; version=0.0.4']);
    const response = await fetch(`${server.url}/metrics`);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  });

  it('is rendered at /docs from local assets', async () => {
    const page = await fetch(`${server.url}/docs`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /\/docs\/assets\/swagger-ui-bundle\.js/);
    assert.doesNotMatch(html, /https?:\/\//, 'no asset from the network');
    // Regression: the page had no icon, and the browser's request for /favicon.ico was a 404.
    assert.match(html, /<link rel="icon" href="\/docs\/assets\/icon\.svg">/);
    const icon = await fetch(`${server.url}/docs/assets/icon.svg`);
    assert.deepEqual([icon.status, icon.headers.get('content-type')], [200, 'image/svg+xml; charset=utf-8']);
    const bundle = await fetch(`${server.url}/docs/assets/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    assert.ok((await bundle.arrayBuffer()).byteLength > 100_000);
  });
});
