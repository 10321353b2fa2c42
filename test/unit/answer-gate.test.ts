import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import express from 'express';
import { answerGate } from '../../src/http/answer-gate.js';
import { isAppError } from '../../src/errors.js';

const servers: Server[] = [];
after(() => servers.forEach((server) => server.close()));

/** A route answering `bytes` (by default 16 MB, more than the kernel's socket buffers take) behind a gate. */
async function gatedServer(
  options: Parameters<typeof answerGate>[0],
  bytes = 16 * 1024 * 1024,
): Promise<{ port: number; built: () => number; builtAt: readonly number[] }> {
  const builtAt: number[] = [];
  const body = Buffer.alloc(bytes, 'x');
  const app = express();
  app.get('/big', answerGate(options), (_request, response) => {
    builtAt.push(performance.now());
    response.end(body);
  });
  app.use((error: unknown, _request: express.Request, response: express.Response, _next: express.NextFunction) => {
    response.status(isAppError(error) && error.code === 'overloaded' ? 503 : 500).end();
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, built: () => builtAt.length, builtAt };
}

/** A client that asks for /big (`requests` times, pipelined) and reads nothing. */
async function unread(port: number, requests = 1): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.pause();
  socket.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(requests));
  return socket;
}

async function statusOf(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/big`);
  await response.arrayBuffer();
  return response.status;
}

const settle = (ms = 200) => new Promise((resolve) => setTimeout(resolve, ms));

describe('answerGate', () => {
  it('regression: builds no answer while those not taken by their clients pass the bound, and refuses past the waiting room (clients reading nothing made the server hold 2 GB)', async () => {
    const { port, built } = await gatedServer({ concurrent: 1, heldBytes: 1, stalledMs: 60_000, waiting: 1 });
    const held = await unread(port);
    await settle();
    assert.equal(built(), 1);
    const waiting = await unread(port);
    await settle();
    assert.equal(built(), 1, 'the second waits while the first answer is held');
    assert.equal(await statusOf(port), 503, 'no room left to wait');
    held.destroy();
    await settle();
    assert.equal(built(), 2, 'the waiting one is built once the held answer is gone');
    waiting.destroy();
  });

  it('regression: frees the turn of a pipelined answer once built (ten pipelined requests on one connection that read nothing held both turns, and every other client waited)', async () => {
    const { port, built } = await gatedServer({ concurrent: 2, heldBytes: 256 * 1024 * 1024, stalledMs: 60_000, waiting: 8 }, 1024 * 1024);
    const socket = await unread(port, 10);
    await settle(300);
    assert.ok(built() >= 1, `${built()} built`);
    const servedBeforeStall = await Promise.race([statusOf(port), settle(10_000).then(() => 'still waiting')]);
    assert.equal(servedBeforeStall, 200, 'another client is served while that connection holds its answers');
    socket.destroy();
  });

  it("regression: builds a connection's next answer once the one before it is sent (a client that pipelined pages and read nothing had every one built, also after it hung up: 150 such connections kept the server building for 16 s after they left)", async () => {
    const { port, built } = await gatedServer({ concurrent: 2, heldBytes: 256 * 1024 * 1024, stalledMs: 60_000, waiting: 64 });
    const socket = await unread(port, 4);
    await settle(300);
    assert.equal(built(), 1, 'the later three wait for the first answer, which the client does not take');
    socket.destroy();
    await settle(300);
    assert.equal(built(), 1, 'nothing is built for a client that left');
    assert.equal(await statusOf(port), 200, 'the next client is served');
    assert.equal(built(), 2);
  });

  it('builds the pipelined answers of a client that reads them, in turn', async () => {
    const { port, built } = await gatedServer({ concurrent: 2, heldBytes: 256 * 1024 * 1024, stalledMs: 60_000, waiting: 64 }, 64 * 1024);
    const socket = connect(port, '127.0.0.1');
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    await once(socket, 'connect');
    socket.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(4));
    while (received < 4 * 64 * 1024) await settle(20);
    assert.equal(built(), 4);
    socket.destroy();
  });

  it('regression: counts an answer whose client hung up while it was built once, not again when it is ended (each such answer gave a turn back for good, or held its bytes for good)', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const app = express();
    app.get('/slow', answerGate({ concurrent: 1, heldBytes: 64 * 1024 * 1024, stalledMs: 60_000, waiting: 8 }), (_request, response) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      setTimeout(() => {
        running--;
        response.end(Buffer.alloc(64 * 1024, 'x'));
      }, 200);
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    // Two pipelined on one connection, which hangs up while the first is built.
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(2));
    await settle(50);
    socket.destroy();
    await settle(600);
    mostAtOnce = 0;
    const answers = await Promise.all(
      [1, 2, 3].map(() => fetch(`http://127.0.0.1:${port}/slow`).then(async (response) => (await response.arrayBuffer(), response.status))),
    );
    assert.deepEqual(answers, [200, 200, 200]);
    assert.equal(mostAtOnce, 1, 'one answer built at a time, as asked');
  });

  it('regression: lets in at most `concurrent` answers per turn of the event loop (synchronous builds gave their turn back at once, so every page request read in one poll was built back to back before a health check read in the same poll: 8 clients of BibTeX pages kept /readyz waiting 1 to 4 s)', async () => {
    const events: string[] = [];
    const app = express();
    app.get('/page', answerGate({ concurrent: 2, heldBytes: 64 * 1024 * 1024, stalledMs: 60_000, waiting: 64 }), (_request, response) => {
      events.push('page');
      // A page built on the main thread, as an export is.
      const until = performance.now() + 20;
      while (performance.now() < until);
      response.end('page');
    });
    app.get('/ping', (_request, response) => {
      events.push('ping');
      response.end('pong');
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    const sockets = await Promise.all(
      Array.from({ length: 13 }, async () => {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        await once(socket, 'connect');
        return socket;
      }),
    );
    // Let the server take the connections in before anything is sent.
    await settle(100);
    // Sent together, the health check's last, so the server reads them all in one poll.
    const answered = sockets.map((socket) => once(socket, 'data'));
    sockets.forEach((socket, i) => socket.write(`GET ${i < 12 ? '/page' : '/ping'} HTTP/1.1\r\nHost: x\r\n\r\n`));
    await Promise.all(answered);
    sockets.forEach((socket) => socket.destroy());
    assert.equal(events.length, 13);
    const pagesBeforePing = events.indexOf('ping');
    assert.ok(pagesBeforePing <= 2, `the ping waited for ${pagesBeforePing} pages built before it, not at most 2 (${events.join(' ')})`);
  });

  it('closes the connection of an answer left untaken past stalledMs, and serves the next client', async () => {
    const { port, builtAt } = await gatedServer({ concurrent: 1, heldBytes: 1, stalledMs: 300, waiting: 8 });
    const stalled = await unread(port);
    await settle(100);
    assert.equal(await statusOf(port), 200, 'served once the stalled connection was closed');
    // Measured from the stalled answer's own build, not from when this test got to ask: on a busy
    // machine the wait above may itself outlast most of stalledMs (a timer fires no earlier than asked).
    assert.equal(builtAt.length, 2);
    assert.ok(builtAt[1]! - builtAt[0]! >= 299, `built ${Math.round(builtAt[1]! - builtAt[0]!)} ms after the stalled answer, before stalledMs`);
    stalled.resume();
    await once(stalled, 'close');
  });
});
