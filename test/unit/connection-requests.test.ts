import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
import { handleNoMoreRequests, pipelinedInTurn, whenConnectionIdle } from '../../src/http/connection-requests.js';

/** A connection, and requests on it whose answers the test finishes one by one. */
function connection() {
  const socket = Object.assign(new EventEmitter(), { destroyed: false }) as unknown as Socket;
  const answers: EventEmitter[] = [];
  const handled: number[] = [];
  const inTurn = pipelinedInTurn(2);
  const send = (number: number): void => {
    const response = new EventEmitter();
    answers[number] = response;
    inTurn({ socket } as Request, response as Response, () => handled.push(number));
  };
  const answer = (number: number): boolean => answers[number]!.emit('close');
  return { socket, handled, send, answer };
}

describe('pipelined requests of one connection', () => {
  it('regression: handles at most a few at once, the rest in order as answers go out (a client reading nothing had every answer built and held: hundreds of MB)', () => {
    const { handled, send, answer } = connection();
    for (let number = 0; number < 5; number++) send(number);
    assert.deepEqual(handled, [0, 1]);
    answer(0);
    assert.deepEqual(handled, [0, 1, 2]);
    answer(1);
    answer(2);
    assert.deepEqual(handled, [0, 1, 2, 3, 4]);
  });

  it('regression: handles no request read after an answer that closes the connection (a DELETE sent after a refused upload was applied)', () => {
    const { socket, handled, send, answer } = connection();
    for (let number = 0; number < 3; number++) send(number);
    handleNoMoreRequests(socket);
    send(3);
    answer(0);
    answer(1);
    assert.deepEqual(handled, [0, 1]);
  });

  it('drops the waiting requests of a connection that closed', () => {
    const { socket, handled, send, answer } = connection();
    for (let number = 0; number < 4; number++) send(number);
    (socket as unknown as { destroyed: boolean }).destroyed = true;
    socket.emit('close');
    answer(0);
    answer(1);
    assert.deepEqual(handled, [0, 1]);
  });

  it('regression: says when the requests ahead are answered (a parse error was answered before them, and their clients read it as theirs)', () => {
    const { socket, send, answer } = connection();
    send(0);
    send(1);
    send(2);
    let idle = false;
    whenConnectionIdle(socket, () => (idle = true));
    answer(0);
    answer(1);
    assert.equal(idle, false);
    answer(2);
    assert.equal(idle, true);
    let atOnce = false;
    whenConnectionIdle(Object.assign(new EventEmitter(), { destroyed: false }) as unknown as Socket, () => (atOnce = true));
    assert.equal(atOnce, true);
  });
});
