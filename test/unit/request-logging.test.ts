import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import express from 'express';
import { pino } from 'pino';
import { AppError } from '../../src/errors.js';
import { errorHandler } from '../../src/http/error-handling.js';
import { pipelinedInTurn } from '../../src/http/connection-requests.js';
import { lingerBeforeClosing } from '../../src/http/lingering-close.js';
import { requestLogging, withoutSecrets } from '../../src/http/request-logging.js';

/** An app whose request log lines are kept in `lines`. */
function loggedApp(): { app: express.Express; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = express();
  app.use(requestLogging(pino({ level: 'info' }, sink)));
  return { app, lines };
}

describe('requestLogging', () => {
  it("regression: logs the peer's address with each request (no line told which client was refused or flooding)", async () => {
    const { app, lines } = loggedApp();
    app.get('/v1/stats', (_request, response) => response.json({}));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/stats?k=1`)).text();
      await new Promise((resolve) => setImmediate(resolve));
      const logged = lines.map((line) => JSON.parse(line) as { req?: { method: string; url: string; remoteAddress: string } }).find((line) => line.req);
      assert.deepEqual([logged?.req?.method, logged?.req?.url, logged?.req?.remoteAddress], ['GET', '/v1/stats?k=1', '127.0.0.1']);
    } finally {
      server.close();
    }
  });

  it('regression: logs no request read after an answer that closes the connection, which is never handled (each was logged as "request aborted": 32,737 lines for one refused upload followed by pipelined requests)', async () => {
    const { app, lines } = loggedApp();
    app.use(pipelinedInTurn());
    app.post('/upload', (request, response) => {
      response.setHeader('Connection', 'close');
      lingerBeforeClosing(request.socket);
      response.status(413).json({});
    });
    app.get('/v1/stats', (_request, response) => response.json({}));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      socket.end(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}${'GET /v1/stats HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(5)}`);
      socket.resume();
      await once(socket, 'close');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const urls = lines.map((line) => (JSON.parse(line) as { req?: { url: string } }).req?.url);
      assert.deepEqual(urls, ['/upload']);
    } finally {
      server.close();
    }
  });
});

describe('requestLogging with the error handler', () => {
  it('regression: logs a refused request once, with its status and the error code (it took two lines: "request rejected" and "request completed")', async () => {
    const { app, lines } = loggedApp();
    app.get('/v1/papers/:id', () => {
      throw new AppError('paper_not_found', 'No paper with id "nope".');
    });
    app.get('/v1/stats', () => {
      throw new AppError('overloaded', 'Too busy.');
    });
    app.use(errorHandler());
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/papers/nope`);
      assert.equal(response.status, 404);
      await response.text();
      await new Promise((resolve) => setImmediate(resolve));
      const logged = lines.map((line) => JSON.parse(line) as { res?: { statusCode: number }; code?: string; message?: string });
      assert.equal(logged.length, 1, lines.join(''));
      assert.deepEqual([logged[0]?.res?.statusCode, logged[0]?.code, logged[0]?.message], [404, 'paper_not_found', 'No paper with id "nope".']);
      // A 503 too, which pino-http logs as an error.
      lines.length = 0;
      await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/stats`)).text();
      await new Promise((resolve) => setImmediate(resolve));
      const refused = lines.map((line) => JSON.parse(line) as { res?: { statusCode: number }; code?: string; message?: string });
      assert.equal(refused.length, 1, lines.join(''));
      assert.deepEqual([refused[0]?.res?.statusCode, refused[0]?.code, refused[0]?.message], [503, 'overloaded', 'Too busy.']);
    } finally {
      server.close();
    }
  });
});

describe('withoutSecrets', () => {
  it('regression: logs no API key sent in the query by mistake (?api_key=… was logged as sent)', () => {
    const key = 'writekey-0123456789abcdef';
    for (const name of ['api_key', 'apiKey', 'key', 'access_token', 'token', 'password', 'Authorization', 'secret']) {
      const logged = withoutSecrets(`/v1/papers?${name}=${key}&k=3`);
      assert.ok(!logged.includes(key), logged);
      assert.equal(logged, `/v1/papers?${name}=%5Bredacted%5D&k=3`);
    }
    assert.equal(withoutSecrets(`/v1/search?token=${key}&token=${key}`), '/v1/search?token=%5Bredacted%5D');
    assert.equal(withoutSecrets(`/v1/search?%61pi_key=${key}`), '/v1/search?api_key=%5Bredacted%5D');
  });

  it('regression: logs no secret whose parameter name is dressed up (api_key[], key., key%00 and Bearer were logged as sent)', () => {
    const key = 'writekey-0123456789abcdef';
    for (const name of ['api_key[]', 'key.', 'key%00', 'Bearer', 'X-Api-Key', 'session_id', 'auth']) {
      const logged = withoutSecrets(`/v1/papers?${name}=${key}&k=3`);
      assert.ok(!logged.includes(key), logged);
      assert.match(logged, /=%5Bredacted%5D&k=3$/);
    }
  });

  it("regression: logs no signed URL's or OAuth flow's short-named secret (?sig= was logged as sent)", () => {
    const key = 'SUPERSECRET9';
    for (const name of [
      'sig',
      'sas',
      'jwt',
      'code',
      'pwd',
      'otp',
      'pass',
      'auth_code',
      'oauth_code',
      'code_verifier',
      'client_assertion',
      'cookie',
      'session_cookie',
    ]) {
      const logged = withoutSecrets(`/v1/papers?${name}=${key}&k=3`);
      assert.equal(logged, `/v1/papers?${name}=%5Bredacted%5D&k=3`);
    }
  });

  it('keeps every other URL as it came', () => {
    for (const url of [
      '/v1/papers/seed-001/related?k=10&fields=title,authors,keywords',
      '/v1/papers/a%2Fb',
      '/healthz',
      '/v1/papers?cursor=abc&limit=5',
      '/x?%zz=1&=&&',
    ]) {
      assert.equal(withoutSecrets(url), url);
    }
  });
});
