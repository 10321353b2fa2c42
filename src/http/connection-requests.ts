import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestHandler } from 'express';
import { whenAnswerDone } from './answer-done.js';

/**
 * Requests of one connection handled at once. HTTP/1.1 answers a connection's requests in order,
 * so Node holds each answer until those before it are sent: a client that pipelines requests and
 * reads nothing had every answer of a read (a thousand in 47 KB) built and held, hundreds of MB,
 * while the other clients waited. Past this many, the next request waits until one is answered.
 */
const pipelinedRequestsAtOnce = 8;

/**
 * Requests of one connection read ahead of their answers (handled, waiting their turn, or read
 * after an answer that closes the connection), past which the connection is closed at once. Node
 * reads every request a client pipelines, and answers not yet due are no output that would make it
 * stop: one connection pipelining 19 MB of requests behind a search batch held 3 GB and kept
 * /healthz waiting 30 s; a refused upload followed by pipelined requests, 17 s.
 */
const requestsAheadOfAnswersAtMost = 1_000;

interface ConnectionRequests {
  /** Requests being handled or waiting their turn, until their answer is sent. */
  pending: Set<IncomingMessage>;
  active: number;
  waiting: { request: IncomingMessage; start: () => void }[];
  onSettled: (() => void)[];
  /** The connection's latest request: while its body is still arriving, a parse error is in it. */
  latest?: IncomingMessage;
  /** Set once an answer closes the connection: requests read after it are not handled (RFC 9112, 9.6). */
  closing: boolean;
  /** Requests read after that answer. */
  readAfterClosing: number;
}

const byConnection = new WeakMap<Socket, ConnectionRequests>();

/**
 * Requests read once their connection was closing (after an answer that closes it, or past
 * requestsAheadOfAnswersAtMost): never handled, so neither answered nor left by their client, and
 * neither counted nor logged (a refused upload followed by pipelined requests made 32,737 "499" in
 * a second, each a log line).
 */
const leftUnhandled = new WeakSet<IncomingMessage>();

/** Whether the request was read once its connection was closing, and so never handled. */
export function wasLeftUnhandled(request: IncomingMessage): boolean {
  return leftUnhandled.has(request);
}

/** Handles at most `atOnce` requests of a connection at a time (see pipelinedRequestsAtOnce); the rest wait their turn, in order. */
export function pipelinedInTurn(atOnce = pipelinedRequestsAtOnce): RequestHandler {
  return (request, response, next) => {
    const socket = request.socket;
    const requests = requestsOf(socket);
    requests.latest = request;
    // Bytes read after an answer that closes the connection (the rest of a refused upload,
    // drained) may parse as more requests; none is handled.
    if (requests.closing) {
      leftUnhandled.add(request);
      requests.readAfterClosing++;
      if (requests.pending.size + requests.readAfterClosing > requestsAheadOfAnswersAtMost) socket.destroy();
      return;
    }
    if (requests.pending.size >= requestsAheadOfAnswersAtMost) {
      leftUnhandled.add(request);
      requests.closing = true;
      dropWaitingRequests(socket);
      socket.destroy();
      return;
    }
    requests.pending.add(request);
    const start = (): void => {
      requests.active++;
      whenAnswerDone(socket, response, () => {
        requests.active--;
        requests.pending.delete(request);
        startWaiting(socket, requests);
      });
      next();
    };
    if (requests.active < atOnce) start();
    else requests.waiting.push({ request, start });
  };
}

/**
 * Calls `then` once the requests ahead on the connection are answered: an answer written straight
 * to the socket (a parse error's, say) must not come before theirs, which their clients would read
 * as the error. A latest request whose body is still arriving is not waited for: the error is in
 * that body, which never ends.
 */
export function whenRequestsAheadAnswered(socket: Socket, then: () => void): void {
  const requests = byConnection.get(socket);
  if (!requests || requestsAheadAnswered(requests)) then();
  else requests.onSettled.push(then);
}

/** The request of `socket` whose body is still arriving, being handled: a parse error now is in that body. */
export function requestReadingBody(socket: Socket): IncomingMessage | undefined {
  const requests = byConnection.get(socket);
  const latest = requests?.latest;
  return latest !== undefined && requests!.pending.has(latest) && !latest.complete ? latest : undefined;
}

/**
 * The answer of the connection's latest request when the app gave it (or began to) before that
 * request's body had all arrived: a parse error now is in that body, and its request has its answer.
 */
export function answerGivenBeforeBody(socket: Socket): ServerResponse | undefined {
  const latest = byConnection.get(socket)?.latest;
  const response = (latest as { res?: ServerResponse } | undefined)?.res;
  return latest !== undefined && !latest.complete && response?.headersSent ? response : undefined;
}

/** No request read from `socket` from now on is handled: an answer on it closes the connection. */
export function handleNoMoreRequests(socket: Socket): void {
  requestsOf(socket).closing = true;
}

/**
 * Drops the requests waiting their turn on `socket`, which came after every request being handled:
 * one of those is answered with Connection: close, so none after it is handled.
 */
export function dropWaitingRequests(socket: Socket): void {
  for (const request of forgetWaitingRequests(requestsOf(socket))) leftUnhandled.add(request);
}

function forgetWaitingRequests(requests: ConnectionRequests): IncomingMessage[] {
  const dropped = requests.waiting.splice(0).map(({ request }) => request);
  for (const request of dropped) requests.pending.delete(request);
  return dropped;
}

function requestsAheadAnswered(requests: ConnectionRequests): boolean {
  const { pending, latest } = requests;
  return pending.size === 0 || (pending.size === 1 && latest !== undefined && pending.has(latest) && !latest.complete);
}

function requestsOf(socket: Socket): ConnectionRequests {
  let requests = byConnection.get(socket);
  if (!requests) {
    const created: ConnectionRequests = { pending: new Set(), active: 0, waiting: [], onSettled: [], closing: false, readAfterClosing: 0 };
    // Requests still waiting when the connection closes have no one to answer: their client left.
    socket.once('close', () => forgetWaitingRequests(created));
    byConnection.set(socket, created);
    requests = created;
  }
  return requests;
}

function startWaiting(socket: Socket, requests: ConnectionRequests): void {
  const next = socket.destroyed ? undefined : requests.waiting.shift();
  if (next) next.start();
  if (requestsAheadAnswered(requests)) for (const then of requests.onSettled.splice(0)) then();
}
