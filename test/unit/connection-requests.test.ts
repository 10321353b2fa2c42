import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
import { dropWaitingRequests, handleNoMoreRequests, pipelinedInTurn, wasLeftUnhandled, whenRequestsAheadAnswered } from '../../src/http/connection-requests.js';

/** A connection, and requests on it whose answers the test finishes one by one. */
function connection() {
  const socket = Object.assign(new EventEmitter(), { destroyed: false }) as unknown as Socket;
  const answers: EventEmitter[] = [];
  const requests: { socket: Socket; complete: boolean }[] = [];
  const handled: number[] = [];
  const inTurn = pipelinedInTurn(2);
  /** A request read whole, or (complete false) one whose body is still arriving. */
  const send = (number: number, complete = true): void => {
    const response = new EventEmitter();
    answers[number] = response;
    requests[number] = { socket, complete };
    inTurn(requests[number] as unknown as Request, response as Response, () => handled.push(number));
  };
  const answer = (number: number): boolean => answers[number]!.emit('close');
  const requestOf = (number: number): IncomingMessage => requests[number] as unknown as IncomingMessage;
  return { socket, handled, send, answer, requestOf };
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

  it('regression: after an answer that closes the connection, handles the requests ahead of it and none read after (a DELETE sent after a refused upload was applied; then the requests ahead were dropped)', () => {
    const { socket, handled, send, answer } = connection();
    for (let number = 0; number < 3; number++) send(number);
    handleNoMoreRequests(socket);
    send(3);
    answer(0);
    answer(1);
    assert.deepEqual(handled, [0, 1, 2]);
  });

  it('drops the waiting requests, which came after one answered with Connection: close, and those of a connection that closed', () => {
    const first = connection();
    for (let number = 0; number < 4; number++) first.send(number);
    dropWaitingRequests(first.socket);
    first.answer(0);
    assert.deepEqual(first.handled, [0, 1]);
    const second = connection();
    for (let number = 0; number < 4; number++) second.send(number);
    (second.socket as unknown as { destroyed: boolean }).destroyed = true;
    second.socket.emit('close');
    second.answer(0);
    second.answer(1);
    assert.deepEqual(second.handled, [0, 1]);
  });

  it('regression: tells the requests never handled after an answer that closes the connection from those whose client left (each was counted a 499 and logged as aborted)', () => {
    const closing = connection();
    for (let number = 0; number < 4; number++) closing.send(number);
    dropWaitingRequests(closing.socket);
    handleNoMoreRequests(closing.socket);
    closing.send(4);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((number) => wasLeftUnhandled(closing.requestOf(number))),
      [false, false, true, true, true],
    );
    const left = connection();
    for (let number = 0; number < 4; number++) left.send(number);
    (left.socket as unknown as { destroyed: boolean }).destroyed = true;
    left.socket.emit('close');
    assert.deepEqual(
      [0, 1, 2, 3].map((number) => wasLeftUnhandled(left.requestOf(number))),
      [false, false, false, false],
    );
  });

  it('regression: says when the requests ahead are answered (a parse error was answered before them, and their clients read it as theirs)', () => {
    const { socket, send, answer } = connection();
    send(0);
    send(1);
    send(2);
    let told = false;
    whenRequestsAheadAnswered(socket, () => (told = true));
    answer(0);
    answer(1);
    assert.equal(told, false);
    answer(2);
    assert.equal(told, true);
    let atOnce = false;
    whenRequestsAheadAnswered(Object.assign(new EventEmitter(), { destroyed: false }) as unknown as Socket, () => (atOnce = true));
    assert.equal(atOnce, true);
  });

  it('regression: does not wait for a latest request whose body is still arriving, only for those ahead of it (it waited for that body forever; then it did not wait for those ahead)', () => {
    const { socket, send, answer } = connection();
    send(0);
    send(1, false);
    let told = false;
    whenRequestsAheadAnswered(socket, () => (told = true));
    assert.equal(told, false);
    answer(0);
    assert.equal(told, true);
  });
});
