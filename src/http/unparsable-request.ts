import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AppError, toErrorBody, type ErrorCode } from '../errors.js';
import { continueWhenBodyIsRead, payloadTooLarge } from './body-parsers.js';
import { whenAnswerDone } from './answer-done.js';
import { answerGivenBeforeBody, handleNoMoreRequests, requestReadingBody, whenRequestsAheadAnswered } from './connection-requests.js';
import { lingerBeforeClosing } from './lingering-close.js';

/** An answer given here, as the metrics count it ("unparsed" requests) and the log records it. */
export interface OutsideAppAnswer {
  method: string;
  status: number;
  code: ErrorCode;
  message: string;
  requestId: string;
  /** Unknown when the request line itself could not be read. */
  url: string | undefined;
  remoteAddress: string | undefined;
  /** A request whose body broke off HTTP: the app logs it, with the answer given here. */
  loggedByApp: boolean;
}

/** Told of each answer given here, so that it is counted and logged like any other. */
export type AnswerOutsideApp = (answer: OutsideAppAnswer) => void;

/** Requests the app was handling when a parse error in their body was answered here, with that answer. */
const answeredHere = new WeakMap<IncomingMessage, AppError>();

/**
 * The answer given here to a parse error in the request's body, if one was, for the app's metrics
 * and log to leave the request to it: the client got one answer, counted once, under one request
 * id (it was also counted as a 499 and logged under another id).
 */
export function answerOutsideApp(request: IncomingMessage): AppError | undefined {
  return answeredHere.get(request);
}

/**
 * Answers a request Node's HTTP parser refused before it reached the app (headers over the size
 * limit, bytes that are not HTTP, a request that never finished arriving) in the service's one
 * error shape; Node's own answer is a bare status line with no body.
 */
export function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Socket, recordAnswer: AnswerOutsideApp): void {
  // A client that reset or closed its side before its request was whole is gone, not refused:
  // nothing to answer, and nothing to count as a bad request.
  if (error.code === 'ECONNRESET' || error.code === 'HPE_INVALID_EOF_STATE' || !socket.writable) {
    socket.destroy();
    return;
  }
  // Nothing more is read from a connection whose bytes are not HTTP until it is answered.
  socket.pause();
  const givenAnswer = answerGivenBeforeBody(socket);
  if (givenAnswer) {
    closeAfterGivenAnswer(socket, givenAnswer);
    return;
  }
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'invalid_input';
  // A request whose body broke off HTTP (a bad chunk) is answered under the id the app gave it.
  const answer = new AppError(code, code === 'invalid_input' ? 'The request is not valid HTTP/1.1.' : undefined);
  const broken = requestReadingBody(socket);
  if (broken) answeredHere.set(broken, answer);
  const requestId = (broken as { res?: ServerResponse } | undefined)?.res?.getHeader('x-request-id');
  answerAndClose(socket, answer, {
    recordAnswer,
    method: 'unknown',
    ...(typeof requestId === 'string' ? { requestId } : {}),
    loggedByApp: broken !== undefined,
  });
}

/**
 * Closes, once its answer is sent, the connection of a request the app answered before its body
 * (a 403 for the key, a 405, a 501 for the transfer coding) when that body breaks off HTTP: the
 * request has its one answer, and a second, the parse error's, would be read by a client that
 * pipelines as the answer to its next request. Nothing after the broken body can be framed.
 */
function closeAfterGivenAnswer(socket: Socket, answer: ServerResponse): void {
  handleNoMoreRequests(socket);
  lingerBeforeClosing(socket);
  const close = (): void => {
    socket.resume();
    socket.destroySoon();
  };
  if (answer.writableFinished) close();
  else whenAnswerDone(socket, answer, close);
}

/**
 * Answers a CONNECT request, which Node hands to the server's `connect` listeners rather than to
 * the app and, with none, drops without a word: this server is no proxy.
 */
export function refuseConnect(request: IncomingMessage, socket: Socket, recordAnswer: AnswerOutsideApp): void {
  answerAndClose(socket, new AppError('method_not_allowed', `CONNECT is not allowed on ${request.url ?? '/'}: this server is not a proxy.`), {
    recordAnswer,
    method: 'CONNECT',
    url: request.url,
    headers: ['Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'],
  });
}

/**
 * Answers an `Expect` other than 100-continue, which Node hands to the server's
 * `checkExpectation` listeners and, with none, answers 417 with an empty body.
 */
export function refuseExpectation(request: IncomingMessage, recordAnswer: AnswerOutsideApp): void {
  answerAndClose(
    request.socket,
    new AppError('expectation_failed', `This server meets no expectation but 100-continue (the request expects "${request.headers.expect ?? ''}").`),
    { recordAnswer, method: request.method ?? 'unknown', url: request.url },
  );
}

/**
 * Answers `Expect: 100-continue`: a body declared larger than any route takes is refused with 413
 * before the client sends it (Node would say 100 Continue and then read it all); any other request
 * goes on to `handle`, the app, which says 100 Continue when it comes to read the body (Node said
 * it at once, and a client refused for its key or content type uploaded its body for nothing).
 */
export function continueUnlessTooLarge(
  largestBodyBytes: number,
  handle: (request: IncomingMessage, response: ServerResponse) => void,
  recordAnswer: AnswerOutsideApp,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    // Node takes any Expect naming 100-continue among others ("100-continue, x", or two Expect
    // lines) for 100-continue alone, and said 100 Continue to an expectation it does not meet.
    if ((request.headers.expect ?? '').trim().toLowerCase() !== '100-continue') {
      refuseExpectation(request, recordAnswer);
      return;
    }
    const declared = Number(request.headers['content-length']);
    if (declared > largestBodyBytes) {
      answerAndClose(request.socket, payloadTooLarge(largestBodyBytes), { recordAnswer, method: request.method ?? 'unknown', url: request.url });
      return;
    }
    continueWhenBodyIsRead(request);
    handle(request, response);
  };
}

/**
 * Writes the error answer and closes the connection; like the app's answers, it carries a new
 * request id. It goes after the answers of the requests ahead of it on the connection (pipelined),
 * which their clients would otherwise read as this error, and no request after it is handled.
 */
interface OutsideAnswer {
  method: string;
  recordAnswer: AnswerOutsideApp;
  url?: string | undefined;
  headers?: readonly string[];
  /** The id the app gave the request being answered; a new one when the app never saw it. */
  requestId?: string;
  loggedByApp?: boolean;
}

function answerAndClose(socket: Socket, appError: AppError, how: OutsideAnswer): void {
  handleNoMoreRequests(socket);
  whenRequestsAheadAnswered(socket, () => {
    if (!socket.writable) return void socket.destroy();
    socket.resume();
    writeAnswerAndClose(socket, appError, how);
  });
}

function writeAnswerAndClose(socket: Socket, appError: AppError, how: OutsideAnswer): void {
  const requestId = how.requestId ?? randomUUID();
  how.recordAnswer({
    method: how.method,
    status: appError.status,
    code: appError.code,
    message: appError.message,
    requestId,
    url: how.url,
    remoteAddress: socket.remoteAddress,
    loggedByApp: how.loggedByApp ?? false,
  });
  socket.end(rawErrorAnswer(appError, requestId, how.headers));
}

/** An error answer as the bytes of an HTTP/1.1 response that closes its connection, for a socket no ServerResponse will answer. */
export function rawErrorAnswer(appError: AppError, requestId: string, headers: readonly string[] = []): string {
  const body = JSON.stringify(toErrorBody(appError));
  return (
    `HTTP/1.1 ${appError.status} ${statusText[appError.status] ?? 'Bad Request'}\r\n` +
    [
      ...headers,
      `X-Request-Id: ${requestId}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ]
      .map((line) => `${line}\r\n`)
      .join('') +
    `\r\n${body}`
  );
}

const statusText: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};
