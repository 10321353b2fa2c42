import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import { buildIndex, makeTempDir, removeDir, request, samplePapers, startTestServer } from './helpers.js';

interface Hit {
  id: string;
  title: string;
  score: number;
  abstract: string;
}
interface HitsBody {
  hits: Hit[];
  took_ms: number;
}
interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: { path: string }[] } };
}

const run = promisify(execFile);

let indexDir: string;
let server: RunningServer;
let base: string;

before(async () => {
  indexDir = await makeTempDir();
  await buildIndex(`${indexDir}/index`);
  server = await startTestServer(`${indexDir}/index`);
  base = server.url;
});

after(async () => {
  await server?.close();
  await removeDir(indexDir);
});

/** `cosine`: scores are cosine similarities (dense mode); BM25 and fused scores have other ranges. */
function assertRankedHits(body: HitsBody, k: number, cosine = false): void {
  assert.equal(body.hits.length, k);
  assert.equal(typeof body.took_ms, 'number');
  for (let i = 1; i < body.hits.length; i++) assert.ok(body.hits[i - 1]!.score >= body.hits[i]!.score, 'scores descend');
  for (const hit of body.hits) {
    assert.equal(typeof hit.id, 'string');
    assert.equal(typeof hit.title, 'string');
    assert.equal(typeof hit.abstract, 'string', 'stored fields come with each hit');
    if (cosine) assert.ok(hit.score <= 1.000001 && hit.score >= -1.000001, `cosine ${hit.score}`);
  }
}

describe('search and related papers on the sample', () => {
  it('finds the two KV-cache papers for a search on KV-cache compression', async () => {
    const response = await request<HitsBody>(base, '/v1/search', { json: { query: 'KV cache compression for long-context language models', k: 5 } });
    assert.equal(response.status, 200);
    assertRankedHits(response.body, 5);
    assert.deepEqual(new Set(response.body.hits.slice(0, 2).map((hit) => hit.id)), new Set(['seed-034', 'seed-068']));
  });

  it('relates HNeRV to the other neural video representation papers, never to itself', async () => {
    const response = await request<HitsBody>(base, '/v1/papers/seed-014/related?k=5');
    assert.equal(response.status, 200);
    assertRankedHits(response.body, 5, true);
    const ids = response.body.hits.map((hit) => hit.id);
    assert.ok(!ids.includes('seed-014'));
    // NeRV++, NIRVANA and the progressive Fourier neural video representation.
    assert.deepEqual(new Set(ids.slice(0, 3)), new Set(['seed-027', 'seed-022', 'seed-009']));
  });

  it('finds a paper first when given its own abstract', async () => {
    const papers = (await readFile(samplePapers, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; title: string; abstract: string });
    const paper = papers.find((candidate) => candidate.id === 'seed-056')!;
    const response = await request<HitsBody>(base, '/v1/similar', { json: { abstract: paper.abstract, title: paper.title, k: 3, mode: 'dense' } });
    assert.equal(response.status, 200);
    assertRankedHits(response.body, 3, true);
    assert.equal(response.body.hits[0]!.id, 'seed-056');
    // Each text in a model run of its own, at ingestion as here: the same vector (the cosine's last digit aside).
    assert.ok(response.body.hits[0]!.score > 0.99999, `the same passage embeds to the stored vector (${response.body.hits[0]!.score})`);
  });

  it('defaults k to 10 and caps it at the number of papers', async () => {
    const byDefault = await request<HitsBody>(base, '/v1/search', { json: { query: 'image compression' } });
    assert.equal(byDefault.body.hits.length, 10);
    const all = await request<HitsBody>(base, '/v1/search', { json: { query: 'image compression', k: 100 } });
    assert.equal(all.status, 200);
    assert.equal(all.body.hits.length, 76);
    const related = await request<HitsBody>(base, '/v1/papers/seed-001/related?k=100');
    assert.equal(related.body.hits.length, 75);
  });

  it('returns one paper by id, and 404 with a code for an unknown id', async () => {
    const found = await request<{ paper: { id: string; title: string } }>(base, '/v1/papers/seed-014');
    assert.equal(found.status, 200);
    assert.match(found.body.paper.title, /HNeRV/);
    const missing = await request<ErrorBody>(base, '/v1/papers/no-such-paper');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'paper_not_found');
    const missingRelated = await request<ErrorBody>(base, '/v1/papers/no-such-paper/related');
    assert.equal(missingRelated.status, 404);
    assert.equal(missingRelated.body.error.code, 'paper_not_found');
  });

  it('names unknown papers the same way on every route (one paper answered details.id, the list routes details.ids)', async () => {
    const one = { id: 'no-such-paper', ids: ['no-such-paper'] };
    const paths = ['/v1/papers/no-such-paper', '/v1/papers/no-such-paper/related', '/v1/papers/no-such-paper/related?facet=method'];
    for (const path of paths) assert.deepEqual((await request<ErrorBody>(base, path)).body.error.details, one, path);
    const recommended = await request<ErrorBody>(base, '/v1/recommend', { json: { positive: ['no-such-paper'] } });
    assert.deepEqual(recommended.body.error.details, one);
    const several = await request<ErrorBody>(base, '/v1/recommend', { json: { positive: ['seed-014', 'gone-1'], negative: ['gone-2'] } });
    assert.deepEqual(several.body.error.details, { ids: ['gone-1', 'gone-2'] });
  });

  it('answers health and readiness', async () => {
    assert.equal((await request(base, '/healthz')).status, 200);
    const ready = await request<{ status: string; storage: string; index: { papers: number; model: string; defaultMode: string } }>(base, '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.storage, 'ok');
    assert.equal(ready.body.index.defaultMode, 'hybrid');
    assert.equal(ready.body.index.papers, 76);
    assert.equal(ready.body.index.model, 'all-MiniLM-L6-v2');
  });

  it('echoes a caller request id and makes one up otherwise', async () => {
    const echoed = await request(base, '/healthz', { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(echoed.headers.get('x-request-id'), 'abc-123');
    const generated = await request(base, '/healthz');
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});

describe('search modes', () => {
  const kvQuery = 'KV cache compression for long-context language models';

  for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
    it(`finds the KV-cache papers in ${mode} mode`, async () => {
      const response = await request<HitsBody>(base, '/v1/search', { json: { query: kvQuery, k: 5, mode } });
      assert.equal(response.status, 200);
      assertRankedHits(response.body, 5, mode === 'dense');
      assert.deepEqual(new Set(response.body.hits.slice(0, 2).map((hit) => hit.id)), new Set(['seed-034', 'seed-068']));
    });
  }

  it('uses hybrid when no mode is named', async () => {
    const implicit = await request<HitsBody>(base, '/v1/search', { json: { query: kvQuery, k: 10 } });
    const explicit = await request<HitsBody>(base, '/v1/search', { json: { query: kvQuery, k: 10, mode: 'hybrid' } });
    assert.deepEqual(
      implicit.body.hits.map((hit) => [hit.id, hit.score]),
      explicit.body.hits.map((hit) => [hit.id, hit.score]),
    );
  });

  it('matches a rare exact word lexically, with BM25 scores as a share of the query’s ceiling', async () => {
    const response = await request<HitsBody>(base, '/v1/search', { json: { query: 'HNeRV', k: 3, mode: 'lexical' } });
    assert.equal(response.status, 200);
    assert.equal(response.body.hits[0]!.id, 'seed-014');
    assert.ok(response.body.hits[0]!.score > 0.3 && response.body.hits[0]!.score < 1, String(response.body.hits[0]!.score));
  });

  it('scores a query on a topic absent from the collection far below a real answer (scores were two-valued, 1.0 or 0.5)', async () => {
    const onTopic = await request<HitsBody>(base, '/v1/search', { json: { query: 'implicit neural representations for video compression', k: 1 } });
    const offTopic = await request<HitsBody>(base, '/v1/search', { json: { query: 'the grain trade of medieval Venice and its merchant guilds', k: 1 } });
    const junk = await request<HitsBody>(base, '/v1/search', { json: { query: 'qwxz plmokn vbtyr', k: 1 } });
    const top = onTopic.body.hits[0]!.score;
    assert.ok(top > 0.3, `on topic ${top}`);
    for (const other of [offTopic, junk]) assert.ok((other.body.hits[0]?.score ?? 0) < top / 4, `${other.body.hits[0]?.score} vs ${top}`);
  });

  it('returns fewer than k lexical hits when fewer papers share a word with the query', async () => {
    const response = await request<HitsBody>(base, '/v1/search', { json: { query: 'zyzzyva quokka', k: 10, mode: 'lexical' } });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.hits, []);
  });

  it('offers the modes on /v1/similar too', async () => {
    const abstract = 'We compress the key-value cache of large language models by shrinking its channels.';
    for (const mode of ['dense', 'lexical', 'hybrid']) {
      const response = await request<HitsBody>(base, '/v1/similar', { json: { abstract, k: 3, mode } });
      assert.equal(response.status, 200, mode);
      assert.ok(['seed-034', 'seed-068'].includes(response.body.hits[0]!.id), `${mode}: ${response.body.hits[0]!.id}`);
    }
  });
});

describe('bad input gets a clear 4xx in the one error shape', () => {
  it('answers headers over the size limit with 431 headers_too_large in the error shape (Node answered a bare status line)', async () => {
    const answer = await rawRequest(base, `GET /v1/stats HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 431 /);
    const body = errorOfRawAnswer(answer);
    assert.equal(body.error.code, 'headers_too_large');
  });

  it('answers bytes that are not HTTP with 400 in the error shape', async () => {
    const answer = await rawRequest(base, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.equal(errorOfRawAnswer(answer).error.code, 'invalid_input');
  });

  it("regression: gives the parser's answers a request id and counts them in the metrics (they carried none and left no trace)", async () => {
    const counted = async () => {
      const metrics = await (await fetch(`${base}/metrics`)).text();
      return Number(/^paper_search_http_requests_total\{route="unparsed",method="unknown",status="400"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
    };
    const before = await counted();
    const answer = await rawRequest(base, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(answer, /\r\nX-Request-Id: [0-9a-f-]{36}\r\n/);
    assert.equal(await counted(), before + 1);
  });

  it('regression: counts a request whose chunked body breaks off HTTP once, as the 400 its client got, under the id it got (it was also counted as a 499 of its route)', async () => {
    const unparsed = 'route="unparsed",method="unknown",status="400"';
    const closed = 'route="/v1/search",method="POST",status="499"';
    const before = await metrics();
    const answer = await rawRequest(
      base,
      'POST /v1/search HTTP/1.1\r\nHost: x\r\nX-Request-Id: broken-chunk-1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nzz\r\n',
      { keepSending: true },
    );
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.match(answer, /\r\nX-Request-Id: broken-chunk-1\r\n/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await metrics();
    assert.equal(count(after, unparsed), count(before, unparsed) + 1);
    assert.equal(count(after, closed), count(before, closed));
  });

  it('regression: reads every query parameter, past the first 1,000 (later ones, a k or an unknown name, went unread and unchecked)', async () => {
    const many = Array.from({ length: 1_000 }, () => 'fields=title').join('&');
    const honoured = await request<{ hits: unknown[] }>(base, `/v1/papers/seed-014/related?${many}&k=2`);
    assert.equal(honoured.status, 200);
    assert.equal(honoured.body.hits.length, 2);
    const unknown = await request<{ error: { code: string } }>(base, `/v1/papers/seed-014/related?${many}&bogus=1`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'invalid_input');
  });

  it('regression: counts a request whose client hung up before its answer as 499, and one cut off mid-headers not at all (the first was counted nowhere, the second as a 400)', async () => {
    const unparsed = 'route="unparsed",method="unknown",status="400"';
    const closed = 'route="/v1/search/batch",method="POST",status="499"';
    const before = await metrics();

    assert.equal(await rawRequest(base, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Cut: mid-hea'), '', 'no answer to a request cut off');
    const queries = Array.from({ length: 64 }, (_, i) => ({ query: `a long query the client will not wait for, number ${i}: ${'words '.repeat(40)}` }));
    const abandoned = new AbortController();
    const call = fetch(`${base}/v1/search/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queries }),
      signal: abandoned.signal,
    });
    setTimeout(() => abandoned.abort(), 50);
    await assert.rejects(call);
    // The server notices the closed connection when it next writes, or when the socket closes.
    let after = await metrics();
    for (let tries = 0; tries < 100 && count(after, closed) === count(before, closed); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await metrics();
    }
    assert.equal(count(after, closed), count(before, closed) + 1);
    assert.equal(count(after, unparsed), count(before, unparsed));
  });

  it('regression: refuses a body declared too large before it is sent, when the client waits for 100 Continue (it said 100 Continue, then waited)', async () => {
    const refused = await rawRequest(
      base,
      'POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 999999999999\r\nExpect: 100-continue\r\n\r\n',
    );
    assert.match(refused, /^HTTP\/1\.1 413 /);
    assert.doesNotMatch(refused, /100 Continue/);
    assert.equal(errorOfRawAnswer(refused).error.code, 'payload_too_large');
    const body = JSON.stringify({ query: 'video', k: 1 });
    const accepted = await rawRequest(
      base,
      `POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n${body}`,
      { keepSending: true },
    );
    assert.match(accepted, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });

  it('regression: gives a request refused before its body is read its final answer instead of 100 Continue (the client was told to upload 20 MB, then refused)', async () => {
    const refused = await rawRequest(
      base,
      'POST /v1/papers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\nExpect: 100-continue\r\n\r\n',
    );
    assert.match(refused, /^HTTP\/1\.1 403 /);
    assert.doesNotMatch(refused, /100 Continue/);
    assert.match(refused, /\r\nConnection: close\r\n/i);
    const wrongType = await rawRequest(
      base,
      'POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 20\r\nExpect: 100-continue\r\n\r\n',
    );
    assert.match(wrongType, /^HTTP\/1\.1 415 /);
  });

  it('regression: answers an Expect other than 100-continue with 417 in the error shape (Node sent 417 with an empty body)', async () => {
    const refused = await rawRequest(base, 'GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: something\r\n\r\n');
    assert.match(refused, /^HTTP\/1\.1 417 /);
    assert.equal(errorOfRawAnswer(refused).error.code, 'expectation_failed');
  });

  it('regression: closes the connection after a 413, so the client stops sending the body (the server read all of it)', async () => {
    const answer = await rawRequest(
      base,
      `POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{"query":"${'x'.repeat(100_000)}`,
      { keepSending: true },
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /\r\nConnection: close\r\n/i);
  });

  it('regression: a client still uploading a body refused with 413 gets the 413 (1 in 5 of 8 concurrent uploads saw EPIPE: the socket was closed under the unread body, which resets the connection)', async () => {
    // The uploads come from another process: a client sharing the server's event loop never
    // writes while the server closes.
    const uploads = `
      import { Agent, request } from 'node:http';
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      const upload = (bytes) => new Promise((resolve) => {
        const outgoing = request(new URL('/v1/search', process.argv[1]), { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': bytes } }, (incoming) => {
          incoming.resume();
          incoming.on('end', () => resolve(String(incoming.statusCode)));
        });
        outgoing.on('error', (error) => resolve(error.code ?? error.message));
        outgoing.end(Buffer.alloc(bytes, 'x'));
      });
      const outcomes = {};
      await Promise.all(Array.from({ length: 8 }, async (_, worker) => {
        for (let sent = worker; sent < 400; sent += 8) {
          const outcome = await upload([1_100_000, 1_500_000, 2_000_000, 4_000_000][sent % 4]);
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        }
      }));
      agent.destroy();
      console.log(JSON.stringify(outcomes));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', uploads, base]);
    assert.deepEqual(JSON.parse(stdout), { '413': 400 });
  });

  it('regression: answers 413 once a chunked body passes the limit, without waiting for its end (it read all of it first, and a client that stalled heard nothing)', async () => {
    const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
    // Over 1 MiB sent, then the client stalls without the last chunk: only the server's answer and close end the exchange.
    const answer = await rawRequest(
      base,
      `POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk('{"query":"')}${chunk('x'.repeat(600_000))}${chunk('x'.repeat(600_000))}`,
      { keepSending: true },
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /\r\nConnection: close\r\n/i);
    assert.equal(errorOfRawAnswer(answer).error.code, 'payload_too_large');
  });

  it('regression: closes connections past MAX_CONNECTIONS on arrival and counts them (idle connections took every file descriptor: new clients dropped, the page and /readyz answered 500)', async () => {
    const limited = await startTestServer(`${indexDir}/index`, { MAX_CONNECTIONS: '3' });
    const { hostname, port } = new URL(limited.url);
    const opened: Socket[] = [];
    try {
      for (let count = 0; count < 3; count++) {
        const socket = connect(Number(port), hostname);
        await once(socket, 'connect');
        // A request under way: a connection that sent nothing would give way to the newcomer.
        socket.write('GET /healthz HTTP/1.1\r\nHo');
        opened.push(socket);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = connect(Number(port), hostname);
      let received = '';
      refused.on('data', (chunk: Buffer) => (received += chunk.toString()));
      refused.on('error', () => undefined);
      await once(refused, 'close');
      assert.equal(received, '', 'closed without a word');
      opened.pop()!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const metrics = await fetch(`${limited.url}/metrics`).then((response) => response.text());
      assert.match(metrics, /^paper_search_connections_dropped_total 1$/m);
    } finally {
      for (const socket of opened) socket.destroy();
      await limited.close();
    }
  });

  it('regression: answers the requests ahead of bytes that are not HTTP before the 400 (the 400 came first, and the client read it as the answer to its search)', async () => {
    const body = JSON.stringify({ query: 'volcano', k: 1 });
    const answer = await rawRequest(
      base,
      `POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}BOGUS\r\n\r\n`,
      { keepSending: true },
    );
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /\}HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('regression: closes the connection after answering a request that asks to Upgrade (a request pipelined behind it went unanswered on an open connection)', async () => {
    const answer = await rawRequest(
      base,
      'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n',
      { keepSending: true },
    );
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /\r\nConnection: close\r\n/i);
  });

  it('regression: answers a transfer coding other than chunked 501 (a gzip-coded body was refused as "not valid UTF-8" JSON)', async () => {
    // The coding is named, not applied: the answer comes from the headers alone.
    const body = JSON.stringify({ query: 'volcano' });
    const answer = await rawRequest(
      base,
      `POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    assert.match(answer, /^HTTP\/1\.1 501 /);
    assert.equal(errorOfRawAnswer(answer).error.code, 'transfer_coding_unsupported');
  });

  it('regression: answers bytes that are not HTTP inside a body being read at once (the 400 waited for that body to end, forever)', async () => {
    const answer = await rawRequest(
      base,
      'POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      { keepSending: true },
    );
    assert.match(answer, /^HTTP\/1\.1 400 /);
  });

  it("regression: answers a request refused before its body once when that body then breaks off HTTP (a 400 followed the 403, 405 or 501 under the same id, and a pipelining client took it for its next request's answer)", async () => {
    const refusedBeforeTheirBodies = [
      'POST /v1/papers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      // A coding that does not end in chunked frames no body: Node's parser refuses it right after the app has seen the headers.
      'POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n',
    ];
    const before = await metrics();
    const answers = await Promise.all(
      refusedBeforeTheirBodies.map((bytes) => rawRequest(base, `${bytes}GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`, { keepSending: true })),
    );
    assert.deepEqual(answers.map(statusesOf), [['403'], ['405'], ['501']]);
    assert.deepEqual(
      answers.map((answer) => errorOfRawAnswer(answer).error.code),
      ['writes_disabled', 'method_not_allowed', 'transfer_coding_unsupported'],
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const unparsed = 'route="unparsed",method="unknown",status="400"';
    assert.equal(count(await metrics(), unparsed), count(before, unparsed));
  });

  it('regression: closes the connection after an HTTP/1.0 request with a Transfer-Encoding (the request pipelined after its chunked body was handled, where an HTTP/1.0 proxy, which knows no chunked, reads those bytes as part of another request)', async () => {
    const body = JSON.stringify({ query: 'volcano', k: 1 });
    const answer = await rawRequest(
      base,
      'POST /v1/search HTTP/1.0\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
        `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` +
        'GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
      { keepSending: true },
    );
    assert.deepEqual(statusesOf(answer), ['200']);
    assert.match(answer, /\r\nConnection: close\r\n/i);
  });

  it('regression: counts no request read after an answer that closes the connection, which is never handled (each was counted as a 499 of its route, and a refused upload followed by pipelined requests counted 32,737 in a second)', async () => {
    const abandoned = 'route="/v1/papers/:id",method="GET",status="499"';
    const before = await metrics();
    const tooLarge = 'x'.repeat(1024 * 1024 + 1);
    const answer = await rawRequest(
      base,
      `POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${tooLarge.length}\r\n\r\n${tooLarge}` +
        'GET /v1/papers/seed-014 HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(20),
    );
    assert.deepEqual(statusesOf(answer), ['413']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(count(await metrics(), abandoned), count(before, abandoned));
  });

  it('regression: refuses a request line naming HTTP/2.0 or HTTP/0.9 as it does HTTP/1.2 (Node read them as HTTP/1.x and /healthz answered 200, with no Host required)', async () => {
    for (const version of ['2.0', '0.9']) {
      const answer = await rawRequest(base, `GET /healthz HTTP/${version}\r\n\r\n`);
      assert.match(answer, /^HTTP\/1\.1 400 /, version);
      assert.equal(errorOfRawAnswer(answer).error.code, 'invalid_input');
    }
  });

  it('regression: answers bytes that are not HTTP after all the pipelined requests ahead of them, more than are handled at once (the ninth was dropped and its client read the 400)', async () => {
    const answer = await rawRequest(base, `${'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(12)}THIS IS NOT HTTP\r\n\r\n`, { keepSending: true });
    assert.deepEqual(statusesOf(answer), [...Array.from({ length: 12 }, () => '200'), '400']);
  });

  it('regression: answers a parse error in a body after the complete request ahead of it (the search ahead went unanswered)', async () => {
    const body = JSON.stringify({ query: 'volcano', k: 1 });
    const answer = await rawRequest(
      base,
      `POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        'POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n',
      { keepSending: true },
    );
    assert.deepEqual(statusesOf(answer), ['200', '400']);
  });

  it('regression: closes a connection that pipelines more requests than a bound ahead of their answers (one pipelining 19 MB of requests behind a search batch held 3 GB and kept /healthz waiting 30 s)', async () => {
    const body = JSON.stringify({ queries: Array.from({ length: 64 }, (_, i) => ({ query: `a slow query number ${i} about video`, k: 100 })) });
    const batch = `POST /v1/search/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const pipelined = 3_000;
    const { hostname, port } = new URL(base);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    await once(socket, 'connect');
    const started = performance.now();
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(batch + 'GET /v1/papers/seed-014 HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(pipelined));
    await closed;
    // Answered in full, the connection would have stayed open for the keep-alive timeout (5 s).
    assert.ok(statusesOf(answer).length < pipelined, `all ${pipelined} pipelined requests were answered`);
    assert.ok(performance.now() - started < 4_000);
    assert.equal((await request(base, '/healthz')).status, 200);
  });

  it('answers every one of a hundred requests pipelined in one write, in order', async () => {
    const answer = await rawRequest(
      base,
      'GET /v1/papers/seed-014?fields=title HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(99) + 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      // The connection stays open on the client's side: the last request closes it.
      { keepSending: true },
    );
    assert.deepEqual(
      statusesOf(answer),
      Array.from({ length: 100 }, () => '200'),
    );
  });

  it('regression: builds no search batch while the batches not taken by clients that read nothing pass a bound (40 such connections made the server hold 2.8 GB)', async () => {
    const body = JSON.stringify({ queries: Array.from({ length: 64 }, () => ({ query: 'video', mode: 'dense', k: 100 })) });
    const batch = `POST /v1/search/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const single = await request<{ results: unknown[] }>(base, '/v1/search/batch', { json: JSON.parse(body) as unknown });
    const answerBytes = JSON.stringify(single.body).length;
    // Enough connections that read nothing to hold past the 64 MiB bound: each has one answer built
    // at a time (the next waits until it is sent), however many it pipelines.
    const connections = Math.ceil((96 * 1024 * 1024) / answerBytes);
    const { hostname, port } = new URL(base);
    const hoarders = await Promise.all(
      Array.from({ length: connections }, async () => {
        const socket = connect(Number(port), hostname);
        socket.on('error', () => undefined);
        await once(socket, 'connect');
        socket.pause();
        socket.write(batch.repeat(8));
        return socket;
      }),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const waiting = request(base, '/v1/search/batch', { json: JSON.parse(body) as unknown });
      const early = await Promise.race([waiting.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 1_500))]);
      assert.equal(early, 'waiting', `answered while ${connections} connections held an answer of ${answerBytes} bytes each`);
      for (const socket of hoarders) socket.destroy();
      assert.equal((await waiting).status, 200);
      // Other routes were never held up.
      assert.equal((await request(base, '/healthz')).status, 200);
    } finally {
      for (const socket of hoarders) socket.destroy();
    }
  });

  it('reads JSON bodies in UTF-16 and UTF-32, either byte order, with or without a byte-order mark, an emoji (a surrogate pair) included', async () => {
    const json = '{"query":"video compression 🎥","k":1}';
    const utf16be = Buffer.from(json, 'utf16le').swap16();
    const utf32 = (order: 'le' | 'be') =>
      Buffer.concat(
        [...json].map((character) => {
          const unit = Buffer.alloc(4);
          if (order === 'le') unit.writeUInt32LE(character.codePointAt(0)!);
          else unit.writeUInt32BE(character.codePointAt(0)!);
          return unit;
        }),
      );
    const bodies: [string, Uint8Array<ArrayBuffer>][] = [
      ['utf-16', Buffer.from(json, 'utf16le')],
      ['utf-16', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be])],
      ['utf-16be', utf16be],
      ['utf-32le', utf32('le')],
      ['utf-32', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), utf32('be')])],
    ];
    for (const [charset, body] of bodies) {
      const answer = await request<{ hits: unknown[] }>(base, '/v1/search', { body, headers: { 'content-type': `application/json; charset=${charset}` } });
      assert.equal(answer.status, 200, `${charset}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.hits.length, 1);
    }
  });

  it('regression: answers a pipelined request expecting 100-continue after the requests ahead of it (the server crashed: its answer had no socket yet)', async () => {
    const answer = await rawRequest(
      base,
      'GET /v1/papers?limit=200 HTTP/1.1\r\nHost: x\r\n\r\nPOST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\nExpect: 100-continue\r\n\r\n',
      { keepSending: true },
    );
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /\}HTTP\/1\.1 413 /);
    assert.equal((await request(base, '/healthz')).status, 200);
  });

  it('regression: answers a request with two Host headers 400 (it was answered, under the first)', async () => {
    const answer = await rawRequest(base, 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.deepEqual(errorOfRawAnswer(answer).error, { code: 'invalid_input', message: 'A request must carry one Host header, not 2.' });
  });

  it('regression: answers 417 to an Expect naming more than 100-continue, in one line or two (it said 100 Continue and answered)', async () => {
    for (const expect of ['Expect: 100-continue\r\nExpect: foo\r\n', 'Expect: 100-continue, foo\r\n']) {
      const answer = await rawRequest(base, `POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n${expect}\r\n`, {
        keepSending: true,
      });
      assert.match(answer, /^HTTP\/1\.1 417 /, JSON.stringify(expect));
      assert.doesNotMatch(answer, /100 Continue/);
    }
  });

  it('regression: answers an HTTP/1.1 request without a Host header with 400 in the error shape (Node answered a bare status line)', async () => {
    const answer = await rawRequest(base, 'GET /healthz HTTP/1.1\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    const body = errorOfRawAnswer(answer);
    assert.deepEqual(body.error, { code: 'invalid_input', message: 'An HTTP/1.1 request must carry a Host header.' });
    assert.match(await rawRequest(base, 'GET /healthz HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 200 /);
  });

  it('regression: answers CONNECT with 405 in the error shape (the connection was closed without an answer)', async () => {
    const answer = await rawRequest(base, 'CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 405 /);
    assert.match(answer, /\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n/);
    const body = errorOfRawAnswer(answer);
    assert.equal(body.error.code, 'method_not_allowed');
    assert.match(body.error.message, /not a proxy/);
  });

  const cases: { name: string; path: string; init: Parameters<typeof request>[2]; status: number; code: string; field?: string; message?: RegExp }[] = [
    {
      name: 'malformed JSON',
      path: '/v1/search',
      init: { body: '{"query": ', headers: { 'content-type': 'application/json' } },
      status: 400,
      code: 'invalid_json',
    },
    { name: 'JSON that is not an object', path: '/v1/search', init: { json: ['query'] }, status: 400, code: 'invalid_input' },
    {
      name: 'a bare JSON string',
      path: '/v1/search',
      init: { body: '"query"', headers: { 'content-type': 'application/json' } },
      status: 400,
      code: 'invalid_json',
      message: /must be a JSON object; it is valid JSON, but a string/,
    },
    { name: 'no body at all', path: '/v1/search', init: { method: 'POST' }, status: 400, code: 'invalid_input' },
    { name: 'missing query', path: '/v1/search', init: { json: { k: 3 } }, status: 400, code: 'invalid_input', field: 'body.query' },
    { name: 'query of the wrong type', path: '/v1/search', init: { json: { query: 42 } }, status: 400, code: 'invalid_input', field: 'body.query' },
    { name: 'blank query', path: '/v1/search', init: { json: { query: '   ' } }, status: 400, code: 'invalid_input', field: 'body.query' },
    { name: 'k of 0', path: '/v1/search', init: { json: { query: 'x', k: 0 } }, status: 400, code: 'invalid_input', field: 'body.k' },
    { name: 'k over 100', path: '/v1/search', init: { json: { query: 'x', k: 101 } }, status: 400, code: 'invalid_input', field: 'body.k' },
    { name: 'fractional k', path: '/v1/search', init: { json: { query: 'x', k: 2.5 } }, status: 400, code: 'invalid_input', field: 'body.k' },
    { name: 'an unknown mode', path: '/v1/search', init: { json: { query: 'x', mode: 'semantic' } }, status: 400, code: 'invalid_input', field: 'body.mode' },
    { name: 'an unknown field', path: '/v1/search', init: { json: { query: 'x', limit: 3 } }, status: 400, code: 'invalid_input' },
    { name: 'a huge query', path: '/v1/search', init: { json: { query: 'word '.repeat(5_000) } }, status: 400, code: 'invalid_input', field: 'body.query' },
    {
      name: 'similar without abstract',
      path: '/v1/similar',
      init: { json: { title: 'only a title' } },
      status: 400,
      code: 'invalid_input',
      field: 'body.abstract',
    },
    {
      name: 'similar with a numeric title',
      path: '/v1/similar',
      init: { json: { abstract: 'text', title: 7 } },
      status: 400,
      code: 'invalid_input',
      field: 'body.title',
    },
    { name: 'related with a non-numeric k', path: '/v1/papers/seed-001/related?k=abc', init: {}, status: 400, code: 'invalid_input', field: 'query.k' },
    { name: 'related with k twice', path: '/v1/papers/seed-001/related?k=1&k=2', init: {}, status: 400, code: 'invalid_input', field: 'query.k' },
    { name: 'related with an unknown parameter', path: '/v1/papers/seed-001/related?limit=2', init: {}, status: 400, code: 'invalid_input' },
    {
      name: 'a text/plain body',
      path: '/v1/search',
      init: { body: 'query=x', headers: { 'content-type': 'text/plain' } },
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      name: 'a form body',
      path: '/v1/similar',
      init: { body: 'abstract=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      status: 415,
      code: 'unsupported_media_type',
    },
    { name: 'a body over the limit', path: '/v1/similar', init: { json: { abstract: 'x'.repeat(2 * 1024 * 1024) } }, status: 413, code: 'payload_too_large' },
    { name: 'a path that is not valid percent-encoding', path: '/v1/papers/%E0%A4%A/related', init: {}, status: 400, code: 'invalid_input' },
    {
      name: 'regression: a body claiming gzip that is not, told so (it said only "incorrect header check")',
      path: '/v1/search',
      init: { body: 'not gzip', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } },
      status: 400,
      code: 'invalid_input',
      message: /^The request body cannot be decompressed as its Content-Encoding "gzip" says: incorrect header check\.$/,
    },
    {
      name: 'a body claiming brotli that is not, told so',
      path: '/v1/search',
      init: { body: 'not brotli at all', headers: { 'content-type': 'application/json', 'content-encoding': 'br' } },
      status: 400,
      code: 'invalid_input',
      message: /^The request body cannot be decompressed as its Content-Encoding "br" says: /,
    },
    {
      name: 'a gzip body cut short',
      path: '/v1/search',
      init: { body: gzipSync('{"query":"volcanoes"}').subarray(0, 12), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } },
      status: 400,
      code: 'invalid_input',
      message: /^The request body cannot be decompressed as its Content-Encoding "gzip" says: /,
    },
    {
      name: 'an unsupported content encoding',
      path: '/v1/search',
      init: { body: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'zstd-9000' } },
      status: 415,
      code: 'unsupported_media_type',
      // Regression: body-parser's own lower-case words, without details, unlike every other 415.
      message: /^The request body's Content-Encoding "zstd-9000" is not one this server decompresses/,
    },
    {
      name: 'an unsupported charset',
      path: '/v1/search',
      init: { body: '{"query":"x"}', headers: { 'content-type': 'application/json; charset=latin1' } },
      status: 415,
      code: 'unsupported_media_type',
      message: /must be UTF-8 JSON; its Content-Type names the charset "latin1"/,
    },
    {
      name: 'a JSON body that is not valid UTF-8 (regression: its bad bytes were read as U+FFFD)',
      path: '/v1/search',
      init: { body: Buffer.from([...Buffer.from('{"query":"caf'), 0xe9, ...Buffer.from('"}')]), headers: { 'content-type': 'application/json' } },
      status: 400,
      code: 'invalid_json',
      message: /not valid UTF-8/,
    },
    {
      name: 'regression: a UTF-16 body with a lone surrogate (it was stored with U+FFFD in its place)',
      path: '/v1/search',
      init: { body: Buffer.from('{"query":"lone \ud800 surrogate"}', 'utf16le'), headers: { 'content-type': 'application/json; charset=utf-16' } },
      status: 400,
      code: 'invalid_json',
      message: /not valid UTF-16/,
    },
    {
      name: 'regression: a UTF-16 body with a stray last byte (it was dropped without a word)',
      path: '/v1/search',
      init: {
        body: Buffer.concat([Buffer.from('{"query":"x"}', 'utf16le'), Buffer.from('A')]),
        headers: { 'content-type': 'application/json; charset=utf-16le' },
      },
      status: 400,
      code: 'invalid_json',
      message: /not valid UTF-16LE/,
    },
    {
      name: 'JSON null',
      path: '/v1/search',
      init: { body: 'null', headers: { 'content-type': 'application/json' } },
      status: 400,
      code: 'invalid_json',
      message: /valid JSON, but null/,
    },
    {
      name: 'regression: an infinite k, told it must be finite (it said "expected number, received Infinity")',
      path: '/v1/search',
      init: { body: '{"query":"x","k":1e400}', headers: { 'content-type': 'application/json' } },
      status: 400,
      code: 'invalid_input',
      message: /body\.k: must be a finite number/,
      field: 'body.k',
    },
    {
      name: 'regression: a body of more object members than any request holds, refused before it is parsed (each member was built, copied and named in the answer)',
      path: '/v1/search',
      init: { body: `{"query":"x",${Array.from({ length: 64_000 }, (_, i) => `"k${i}":0`).join(',')}}`, headers: { 'content-type': 'application/json' } },
      status: 400,
      code: 'invalid_input',
      message: /^The request body holds more than 64,000 object members \(name-value pairs\)/,
    },
    {
      name: 'a body of as many object members as a request may hold, read (its unknown names refused one by one)',
      path: '/v1/search',
      init: { body: `{"query":"x",${Array.from({ length: 63_999 }, (_, i) => `"k${i}":0`).join(',')}}`, headers: { 'content-type': 'application/json' } },
      status: 400,
      code: 'invalid_input',
      message: /Unrecognized keys: "k0", "k1"/,
    },
    {
      name: 'deeply nested JSON',
      path: '/v1/search',
      init: { body: `${'['.repeat(50_000)}${']'.repeat(50_000)}`, headers: { 'content-type': 'application/json' } },
      status: 400,
      code: 'invalid_input',
    },
    { name: 'a bracketed query parameter', path: '/v1/papers/seed-001/related?k[a]=1', init: {}, status: 400, code: 'invalid_input' },
    { name: 'an unknown route', path: '/v1/nothing-here', init: {}, status: 404, code: 'route_not_found' },
    {
      name: 'regression: a DOI with its slash unencoded, told how to send it (it said only "No route")',
      path: '/v1/papers/doi:10.48550/arXiv.2503.11731/related',
      init: {},
      status: 404,
      code: 'route_not_found',
      message: /one path segment once encoded: \/v1\/papers\/doi%3A10\.48550%2FarXiv\.2503\.11731\/related\.$/,
    },
    {
      name: 'regression: related papers of no id, not told to encode "/related" as the id',
      path: '/v1/papers//related',
      init: {},
      status: 404,
      code: 'route_not_found',
      message: /^No route for GET \/v1\/papers\/\/related\.$/,
    },
    { name: 'GET on a POST route', path: '/v1/search', init: { method: 'GET' }, status: 405, code: 'method_not_allowed' },
    { name: 'PATCH on a paper while no API key is configured', path: '/v1/papers/seed-001', init: { method: 'PATCH' }, status: 403, code: 'writes_disabled' },
    { name: 'POST on a paper', path: '/v1/papers/seed-001', init: { method: 'POST' }, status: 405, code: 'method_not_allowed' },
    { name: 'DELETE on a paper while no API key is configured', path: '/v1/papers/seed-001', init: { method: 'DELETE' }, status: 403, code: 'writes_disabled' },
    { name: 'POST on /healthz', path: '/healthz', init: { method: 'POST' }, status: 405, code: 'method_not_allowed' },
    { name: 'POST on /readyz', path: '/readyz', init: { method: 'POST' }, status: 405, code: 'method_not_allowed' },
    {
      name: 'regression: an unknown route with a body that is not JSON (it was 415, the body named as the fault)',
      path: '/v1/serach',
      init: { method: 'POST', body: 'query=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      status: 404,
      code: 'route_not_found',
    },
    {
      name: 'regression: an unknown route with broken JSON (it was 400 invalid_json)',
      path: '/v1/papers/seed-001/related/more',
      init: { method: 'POST', body: '{"query":', headers: { 'content-type': 'application/json' } },
      status: 404,
      code: 'route_not_found',
    },
    {
      name: 'regression: PUT on a POST route with broken JSON (it was 400 invalid_json)',
      path: '/v1/search',
      init: { method: 'PUT', body: '{"query":', headers: { 'content-type': 'application/json' } },
      status: 405,
      code: 'method_not_allowed',
    },
    {
      name: 'regression: POST on /healthz with a form body (it was 415)',
      path: '/healthz',
      init: { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      status: 405,
      code: 'method_not_allowed',
    },
    {
      name: 'a known route with a form body',
      path: '/v1/search',
      init: { method: 'POST', body: 'query=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      status: 415,
      code: 'unsupported_media_type',
    },
  ];

  for (const testCase of cases) {
    it(`${testCase.name} → ${testCase.status} ${testCase.code}`, async () => {
      const response = await request<ErrorBody>(base, testCase.path, testCase.init);
      assert.equal(response.status, testCase.status);
      assert.equal(response.body.error.code, testCase.code);
      assert.equal(typeof response.body.error.message, 'string');
      assert.ok(response.body.error.message.length > 0);
      if (testCase.message) assert.match(response.body.error.message, testCase.message);
      if (testCase.field) {
        assert.ok(
          response.body.error.details?.issues?.some((issue) => issue.path === testCase.field),
          `details name ${testCase.field}: ${JSON.stringify(response.body.error.details)}`,
        );
      }
    });
  }

  it('reads a gzip body declared as x-gzip, or with identity in the list (regression: both were 415)', async () => {
    for (const coding of ['x-gzip', 'gzip, identity', 'identity, GZIP']) {
      const response = await request<HitsBody>(base, '/v1/search', {
        body: gzipSync(JSON.stringify({ query: 'video generation', k: 2 })),
        headers: { 'content-type': 'application/json', 'content-encoding': coding },
      });
      assert.equal(response.status, 200, coding);
      assert.equal(response.body.hits.length, 2, coding);
    }
  });

  it('keeps serving after all of that', async () => {
    const response = await request<HitsBody>(base, '/v1/search', { json: { query: 'video generation', k: 2 } });
    assert.equal(response.status, 200);
    assert.equal(response.body.hits.length, 2);
  });
});

/** The error body of a raw HTTP answer (status line, headers, then the JSON). */
function errorOfRawAnswer(answer: string): { error: { code: string; message: string } } {
  return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };
}

/**
 * Sends `bytes` on a new connection and resolves with everything the server sends until it closes
 * the connection. The client half-closes after the bytes unless `keepSending` (a client still
 * uploading), when only the server's close ends the exchange.
 */
/** The statuses of the answers in raw bytes read from a connection, in order. */
function statusesOf(answer: string): string[] {
  return [...answer.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]!);
}

/** The server's metrics, as text. */
async function metrics(): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}

/** Requests the metrics count with these labels (`route="…",method="…",status="…"`). */
function count(text: string, labels: string): number {
  return Number(new RegExp(`^paper_search_http_requests_total\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}

function rawRequest(baseUrl: string, bytes: string, { keepSending = false } = {}): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => (keepSending ? socket.write(bytes) : socket.end(bytes)));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}
