import type { Socket } from 'node:net';
import type { RequestHandler, Response } from 'express';
import { AppError } from '../errors.js';
import { whenAnswerDone } from './answer-done.js';

export interface AnswerGateOptions {
  /** Answers built at once (on the main thread). */
  concurrent: number;
  /** Bytes of built answers not yet taken by their clients, past which new answers wait. */
  heldBytes: number;
  /** How long a built answer may go without its client taking a byte of it before the connection is closed. */
  stalledMs: number;
  /** Requests that may wait for their turn; past that, 503 `overloaded`. */
  waiting: number;
}

/**
 * Turns for a route whose answers are large: a page of 1,000 papers is most of a megabyte built
 * on the main thread. 100 clients asking for such pages kept every other request (the health
 * check too) waiting 9 to 15 s, and 400 clients that sent pipelined requests and read nothing made
 * the server hold 2 GB of answers. Here a few answers are built at a time, and none while the
 * answers built and not yet taken by their clients pass `heldBytes`; a connection whose client
 * takes nothing of its answers for `stalledMs` is closed.
 */
export function answerGate(options: AnswerGateOptions): RequestHandler {
  let building = 0;
  let held = 0;
  const queue: (() => void)[] = [];
  // Answers let in since the turn of the event loop began. A synchronous build (a BibTeX page of
  // 1,000 papers is 100 to 300 ms) ends, and gives its turn back, before the next request is read:
  // so `building` alone let in every request that arrived in one poll of the sockets, and 8 to 16
  // clients asking for such pages had all theirs built back to back (over a second) before a health
  // check read in the same poll was answered. At most `concurrent` are let in per turn.
  let enteredThisTurn = 0;
  let turnEnding = false;
  const admissible = () => building < options.concurrent && held < options.heldBytes && enteredThisTurn < options.concurrent;
  // On a later turn of the event loop (after the sockets are read again): let in from the answer
  // just built, the next one would be built before any other request was read, and the whole
  // queue in one go.
  const pump = () => {
    if (turnEnding) return;
    turnEnding = true;
    setImmediate(() => {
      turnEnding = false;
      enteredThisTurn = 0;
      while (queue.length > 0 && admissible()) queue.shift()!();
    });
  };

  const track = (socket: Socket, response: Response) => {
    building++;
    let built = false;
    // Done with before it was built (its client hung up while it was built): not counted again
    // when the handler ends it, which would hold its bytes, and take a turn back, for good.
    let gone = false;
    let holding = 0;
    let stalled: NodeJS.Timeout | undefined;
    const watchStall = (bytesWritten: number) => {
      stalled = setTimeout(() => (socket.bytesWritten > bytesWritten ? watchStall(socket.bytesWritten) : socket.destroy()), options.stalledMs);
      stalled.unref();
    };
    // Built when the handler ends the answer: a pipelined answer waits behind the one before it on
    // its connection, and is not finished (nor "prefinished") until that one is sent.
    const end = response.end;
    response.end = function (this: Response, ...args: unknown[]) {
      const result = (end as (...parameters: unknown[]) => Response).apply(this, args);
      if (!built && !gone) {
        built = true;
        building--;
        holding = response.writableLength;
        held += holding;
        watchStall(socket.bytesWritten);
        pump();
      }
      return result;
    } as Response['end'];
    whenAnswerDone(socket, response, () => {
      gone = true;
      clearTimeout(stalled);
      if (!built) building--;
      held -= holding;
      pump();
    });
  };

  // The requests of a connection waiting behind its answer in progress (present while there is one).
  // A connection's answers are sent in order, so a later one built before the one ahead is sent
  // only waits in memory; and a client that pipelined pages and read nothing had each built, for
  // it and after it hung up (a paused connection's hang-up is seen only when its answer is
  // written): 150 such connections of 4 pages kept the server building for 16 s after they left.
  const behindAnswer = new WeakMap<Socket, (() => void)[]>();
  const nextOf = (socket: Socket) => {
    const behind = behindAnswer.get(socket);
    const next = behind?.shift();
    if (next) next();
    else behindAnswer.delete(socket);
  };

  return (request, response, next) => {
    const socket = request.socket;
    let entered = false;
    let done = false;
    const enter = () => {
      entered = true;
      enteredThisTurn++;
      // The next turn starts the count again, and lets in what waits meanwhile.
      pump();
      track(socket, response);
      next();
    };
    const line = () => {
      if (done || socket.destroyed) return nextOf(socket);
      if (queue.length === 0 && admissible()) return enter();
      if (queue.length >= options.waiting) {
        return next(new AppError('overloaded', 'Too many large answers are being sent; try again shortly.', { retryAfterSeconds: 1 }));
      }
      queue.push(enter);
    };
    // Finished, or its connection closed: the connection's next request takes its place; one
    // closed while waiting gives its turn up.
    whenAnswerDone(socket, response, () => {
      done = true;
      const position = queue.indexOf(enter);
      if (!entered && position >= 0) queue.splice(position, 1);
      const behind = behindAnswer.get(socket);
      const waitingBehind = behind?.indexOf(line) ?? -1;
      if (waitingBehind >= 0) behind!.splice(waitingBehind, 1);
      else nextOf(socket);
    });
    const behind = behindAnswer.get(socket);
    if (behind) return void behind.push(line);
    behindAnswer.set(socket, []);
    line();
  };
}
