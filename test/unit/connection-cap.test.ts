import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { capConnections } from '../../src/http/connection-cap.js';

const servers: Server[] = [];
after(() => servers.forEach((server) => server.close()));

async function cappedServer(limit: number, silentTimeoutMs = 60_000): Promise<{ port: number; drops: () => number }> {
  let dropped = 0;
  const server = createServer((_request, response) => response.end('ok'));
  capConnections(server, { limit, silentTimeoutMs, onDrop: () => dropped++ });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, drops: () => dropped };
}

async function opened(port: number, localAddress?: string): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** Whether the server closes `socket` within `ms`. */
async function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed || socket.readableEnded) return true;
  return Promise.race([once(socket, 'close').then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
}

async function get(port: number): Promise<string> {
  const socket = await opened(port);
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.end('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await once(socket, 'close');
  return answer;
}

describe('capConnections', () => {
  it('regression: lets a client in at the limit in place of the oldest connection that sent nothing (200 silent connections locked every client out)', async () => {
    const { port, drops } = await cappedServer(3);
    const silent = [await opened(port), await opened(port), await opened(port)];
    // Only a connection silent for a second gives way: one that has just connected is about to send.
    const early = await opened(port);
    assert.equal(await closedWithin(early, 1_000), true, 'refused while the silent ones are new');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    assert.match(await get(port), /^HTTP\/1\.1 200 /);
    assert.equal(await closedWithin(silent[0]!, 1_000), true, 'the oldest silent connection was closed');
    assert.equal(await closedWithin(silent[2]!, 100), false, 'the others stay');
    assert.equal(drops(), 2);
    silent.forEach((socket) => socket.destroy());
  });

  it('closes a newcomer when every connection has sent something', async () => {
    const { port, drops } = await cappedServer(2);
    const busy = [await opened(port), await opened(port)];
    for (const socket of busy) socket.write('GET / HTTP/1.1\r\nHo');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const newcomer = await opened(port);
    assert.equal(await closedWithin(newcomer, 1_000), true);
    assert.equal(await closedWithin(busy[0]!, 100), false);
    assert.equal(drops(), 1);
    busy.forEach((socket) => socket.destroy());
  });

  it('regression: lets a client in at the limit in place of the oldest connection of the address holding the most (one address trickling request bodies on every connection locked every other client out)', async () => {
    const { port, drops } = await cappedServer(4);
    const hog: Socket[] = [];
    // Read, so the server's close is seen.
    for (let i = 0; i < 4; i++) hog.push((await opened(port, '127.0.0.2')).resume());
    for (const socket of hog) socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{');
    // Only a connection of a second or more gives way.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const newcomer = await opened(port);
    newcomer.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const answer = await Promise.race([once(newcomer, 'data').then(([chunk]) => String(chunk)), once(newcomer, 'close').then(() => 'closed')]);
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.equal(await closedWithin(hog[0]!, 1_000), true, "the hog's oldest connection was closed");
    assert.equal(await closedWithin(hog[3]!, 100), false, 'its others stay');
    // The hog itself cannot take another's place: it already holds the most.
    const more = (await opened(port, '127.0.0.2')).resume();
    assert.equal(await closedWithin(more, 1_000), true);
    assert.equal(drops(), 2);
    [...hog, newcomer].forEach((socket) => socket.destroy());
  });

  it("regression: spares the requests under way of a client that holds a few connections (a newcomer at the cap closed any client's oldest)", async () => {
    const server = createServer(() => undefined); // answers nothing: every request stays under way
    capConnections(server, { limit: 24, silentTimeoutMs: 60_000, onDrop: () => undefined });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    const honest = [(await opened(port, '127.0.0.2')).resume(), (await opened(port, '127.0.0.2')).resume()];
    const others: Socket[] = [];
    for (let i = 0; i < 22; i++) others.push((await opened(port, `127.0.0.${10 + i}`)).resume());
    for (const socket of [...honest, ...others]) socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const newcomer = (await opened(port)).resume();
    assert.equal(await closedWithin(newcomer, 1_000), true, 'the newcomer is refused');
    assert.equal(await closedWithin(honest[0]!, 200), false, "the honest client's request goes on");
    [...honest, ...others].forEach((socket) => socket.destroy());
  });

  it('regression: closes a connection that sends nothing for the silent timeout (one that never sent a byte was held for good)', async () => {
    const { port } = await cappedServer(100, 200);
    const silent = await opened(port);
    const talking = await opened(port);
    talking.write('GET / HTTP/1.1\r\nHo');
    assert.equal(await closedWithin(silent, 2_000), true);
    assert.equal(await closedWithin(talking, 100), false, "a request still arriving is Node's to time out");
    talking.destroy();
  });
});
