import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';
import { AppError, errorCatalog } from '../errors.js';
import type { Logger } from '../log.js';
import { whenAnswerDone } from './answer-done.js';
import { notReadyRetryAfterSeconds } from './error-handling.js';
import { rawErrorAnswer } from './unparsable-request.js';

/** How long a connection that has not yet sent a request is kept open once shutdown begins. */
const unusedConnectionGraceMs = 2_000;
const sweepIntervalMs = 200;
/** How long the 503s given at the shutdown timeout have to reach their clients before every connection is closed. */
const cutAnswerGraceMs = 1_000;

/** Answers whose connection the shutdown timeout closed: their request log line says so (the client did not leave). */
const cutAtShutdown = new WeakSet<ServerResponse>();

export function wasCutAtShutdown(response: ServerResponse): boolean {
  return cutAtShutdown.has(response);
}

/**
 * Tracks the server's connections from the start, so that shutdown can tell a connection idle
 * between keep-alive requests (closed at once) from one whose first request has not been read
 * yet: on a loaded machine its bytes may already be in the socket buffer, and closing it would
 * reset a request the client rightly counts as in flight.
 */
export function drainOnClose(server: Server): (timeoutMs: number, log: Logger) => Promise<void> {
  const openedAt = new Map<net.Socket, number>();
  const idleAfterResponse = new Set<net.Socket>();
  const answering = new Set<ServerResponse>();
  server.on('connection', (socket: net.Socket) => {
    openedAt.set(socket, performance.now());
    socket.once('close', () => {
      openedAt.delete(socket);
      idleAfterResponse.delete(socket);
    });
  });
  const inFlight = (request: IncomingMessage, response: ServerResponse): void => {
    const socket = request.socket;
    idleAfterResponse.delete(socket);
    openedAt.delete(socket);
    answering.add(response);
    whenAnswerDone(socket, response, () => answering.delete(response));
    response.once('finish', () => {
      if (!socket.destroyed) idleAfterResponse.add(socket);
    });
  };
  // A request sent with `Expect: 100-continue` comes as checkContinue instead of request: it is
  // in flight all the same (it was cut at shutdown as a connection that had sent nothing).
  server.on('request', inFlight);
  server.on('checkContinue', inFlight);

  return async (timeoutMs, log) => {
    // Requests from now on are told to close their connection, before the app sees them: an answer
    // it gives at once (/healthz, a 404) has its headers sent by then, and setting one after them
    // threw ERR_HTTP_HEADERS_SENT out of the server, which crashed mid-shutdown.
    const closeAfter = (_request: IncomingMessage, response: ServerResponse): void => void response.setHeader('Connection', 'close');
    server.prependListener('request', closeAfter);
    server.prependListener('checkContinue', closeAfter);
    // Stop listening only: http.Server.close would also close every connection without a request
    // in progress at once.
    const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
    const sweep = () => {
      for (const socket of idleAfterResponse) socket.destroy();
      idleAfterResponse.clear();
      const now = performance.now();
      for (const [socket, opened] of openedAt) if (now - opened > unusedConnectionGraceMs) socket.destroy();
    };
    sweep();
    const sweeper = setInterval(sweep, sweepIntervalMs);
    let lastResort: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      log.warn({ timeoutMs, requests: answering.size }, 'in-flight requests did not finish in time; answering them 503 and closing their connections');
      for (const response of answering) if (answerCutAtShutdown(response)) cutAtShutdown.add(response);
      // A connection whose client does not take its 503 (or the rest of its request, or of an
      // answer under way) still closes.
      lastResort = setTimeout(() => {
        for (const response of answering) cutAtShutdown.add(response);
        server.closeAllConnections();
      }, cutAnswerGraceMs);
    }, timeoutMs);
    await closed;
    clearInterval(sweeper);
    clearTimeout(deadline);
    clearTimeout(lastResort);
  };
}

/**
 * Ends the connection of a request cut by the shutdown timeout with a 503 `shutting_down`, when
 * nothing of its answer was sent yet: a connection closed without an answer is what a proxy
 * answers 502 with a page of its own, and a client cannot tell it from a crash. The bytes go on the
 * socket itself, so the handler, which may still answer later, writes to a closed connection as
 * it did before. Whether it was cut: an answer under way (its headers sent, as a list written out
 * over a few turns of the event loop is) is let finish, until the last resort closes its
 * connection; one queued behind another answer of its connection (pipelined) closes with that
 * connection unanswered, as HTTP lets a client send it again.
 */
function answerCutAtShutdown(response: ServerResponse): boolean {
  const socket = response.socket;
  if (socket === null || socket.destroyed || response.headersSent) return false;
  // What the request log and the metrics report for it, answered or not (they counted a request
  // whose client can no longer be written to as a 200).
  response.statusCode = errorCatalog.shutting_down.status;
  if (!socket.writable) {
    socket.destroy();
    return true;
  }
  const requestId = response.getHeader('x-request-id');
  const answer = new AppError(
    'shutting_down',
    'The service stopped before this request finished (it ran past the shutdown timeout); a write it made may or may not have been applied: read it back.',
  );
  socket.end(rawErrorAnswer(answer, typeof requestId === 'string' ? requestId : randomUUID(), [`Retry-After: ${notReadyRetryAfterSeconds}`]));
  return true;
}
