import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestHandler } from 'express';

/**
 * Requests of one connection handled at once. HTTP/1.1 answers a connection's requests in order,
 * so Node holds each answer until those before it are sent: a client that pipelines requests and
 * reads nothing had every answer of a read (a thousand in 47 KB) built and held, hundreds of MB,
 * while the other clients waited. Past this many, the next request waits until one is answered.
 */
export const pipelinedRequestsAtOnce = 8;

interface ConnectionRequests {
  active: number;
  waiting: (() => void)[];
  onIdle: (() => void)[];
  /** The connection's latest request: while its body is still arriving, a parse error is in it. */
  latest?: IncomingMessage;
  /** Set once an answer closes the connection: requests read after it are not handled (RFC 9112, 9.6). */
  closing: boolean;
}

const byConnection = new WeakMap<Socket, ConnectionRequests>();

/** Handles at most `atOnce` requests of a connection at a time (see pipelinedRequestsAtOnce); the rest wait their turn, in order. */
export function pipelinedInTurn(atOnce = pipelinedRequestsAtOnce): RequestHandler {
  return (request, response, next) => {
    const socket = request.socket;
    const requests = requestsOf(socket);
    requests.latest = request;
    // Bytes after a request answered with Connection: close (the rest of a refused upload, read
    // to drain it) may parse as more requests; none is handled.
    if (requests.closing) return;
    const start = (): void => {
      requests.active++;
      response.once('close', () => {
        requests.active--;
        startWaiting(socket, requests);
      });
      next();
    };
    if (requests.active < atOnce) start();
    else requests.waiting.push(start);
  };
}

/**
 * Calls `then` once the connection has no request being handled or waiting: an answer written
 * straight to the socket (a parse error's) must not come before the answers of the requests ahead
 * of it, which their clients would read as the error. At once when the connection's latest request
 * is still arriving: the error is in that request's body, which never ends, so it would wait forever.
 */
export function whenConnectionIdle(socket: Socket, then: () => void): void {
  const requests = byConnection.get(socket);
  if (!requests || (requests.active === 0 && requests.waiting.length === 0) || requests.latest?.complete === false) then();
  else requests.onIdle.push(then);
}

/** No request read from `socket` from now on is handled: its answer so far closes the connection. */
export function handleNoMoreRequests(socket: Socket): void {
  requestsOf(socket).closing = true;
}

function requestsOf(socket: Socket): ConnectionRequests {
  let requests = byConnection.get(socket);
  if (!requests) {
    const created: ConnectionRequests = { active: 0, waiting: [], onIdle: [], closing: false };
    // Requests still waiting when the connection closes have no one to answer.
    socket.once('close', () => (created.waiting.length = 0));
    byConnection.set(socket, created);
    requests = created;
  }
  return requests;
}

function startWaiting(socket: Socket, requests: ConnectionRequests): void {
  // Those waiting came after every request being handled: after one that closes the connection, none is.
  if (requests.closing) requests.waiting.length = 0;
  const next = socket.destroyed ? undefined : requests.waiting.shift();
  if (next) return next();
  if (requests.active > 0 || requests.waiting.length > 0) return;
  for (const then of requests.onIdle.splice(0)) then();
}
