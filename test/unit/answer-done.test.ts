import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { whenAnswerDone } from '../../src/http/answer-done.js';

/** An answer as whenAnswerDone sees it: it emits 'close'. */
const answer = () => new EventEmitter() as unknown as EventEmitter & ServerResponse;
/** A connection as whenAnswerDone sees it: it emits 'close', and says whether it is destroyed. */
const connection = (destroyed = false) => Object.assign(new EventEmitter(), { destroyed }) as unknown as EventEmitter & Socket;

describe('whenAnswerDone', () => {
  it("regression: counts an answer done when its connection closes though the answer emits no 'close' (Node 22, pipelined answers: the search batches of a client that hung up stayed held, and every later batch waited for ever)", () => {
    const socket = connection();
    const pipelined = [answer(), answer(), answer()];
    const done: number[] = [];
    pipelined.forEach((pending, i) => whenAnswerDone(socket, pending, () => done.push(i)));
    pipelined[0]!.emit('close');
    assert.deepEqual(done, [0]);
    socket.emit('close');
    assert.deepEqual(done, [0, 1, 2]);
    assert.equal(socket.listenerCount('close'), 0);
  });

  it('calls once when both close, and watches a connection with one listener however many answers it has', () => {
    const socket = connection();
    const answers = Array.from({ length: 20 }, answer);
    let calls = 0;
    for (const pending of answers) whenAnswerDone(socket, pending, () => calls++);
    assert.equal(socket.listenerCount('close'), 1);
    for (const pending of answers) pending.emit('close');
    socket.emit('close');
    assert.equal(calls, 20);
  });

  it('calls soon for an answer whose connection is already gone', async () => {
    let called = false;
    whenAnswerDone(connection(true), answer(), () => (called = true));
    await Promise.resolve();
    assert.equal(called, true);
  });
});
