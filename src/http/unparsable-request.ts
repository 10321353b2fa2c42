import type { Socket } from 'node:net';
import { AppError, toErrorBody, type ErrorCode } from '../errors.js';

/**
 * Answers a request Node's HTTP parser refused before it reached the app (headers over the size
 * limit, bytes that are not HTTP, a request that never finished arriving) in the service's one
 * error shape; Node's own answer is a bare status line with no body.
 */
export function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'invalid_input';
  const appError = new AppError(code, code === 'invalid_input' ? 'The request is not valid HTTP/1.1.' : undefined);
  const body = JSON.stringify(toErrorBody(appError));
  socket.end(
    `HTTP/1.1 ${appError.status} ${statusText[appError.status] ?? 'Bad Request'}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const statusText: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };
