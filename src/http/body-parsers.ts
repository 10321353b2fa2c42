import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors.js';

/** The media types read as JSON bodies. */
export const jsonTypes = ['application/json', 'application/*+json'];

/** The 413 for a body over `limitBytes`, however it was found out (declared, read, or announced with `Expect`). */
export function payloadTooLarge(limitBytes: number | undefined): AppError {
  return new AppError('payload_too_large', `The request body is larger than ${limitBytes} bytes.`, { details: { limitBytes } });
}

const awaitingContinue = new WeakSet<IncomingMessage>();

/**
 * Marks a request whose client waits for `100 Continue` before it sends its body: the 100 is sent
 * when a route is about to read the body, so a request refused before that (a missing key, a body
 * of the wrong type, no such route) gets its final answer instead, and the client never uploads.
 */
export function continueWhenBodyIsRead(request: IncomingMessage): void {
  awaitingContinue.add(request);
}

/** JSON bodies (an object or an array) of at most `limitBytes`. */
export function jsonBody(limitBytes: number): RequestHandler {
  return withinLimit(limitBytes, jsonTypes, express.json({ limit: limitBytes, strict: true, type: jsonTypes, verify: refuseInvalidUtf8 }));
}

/**
 * A body said to be UTF-8 (or saying nothing) that is not: body-parser would decode each bad byte
 * to U+FFFD, and a paper would be stored with them, or a query searched for them, without a word.
 */
function refuseInvalidUtf8(_request: Request, _response: unknown, body: Buffer, encoding: string): void {
  if ((encoding === 'utf-8' || encoding === 'utf8') && !isUtf8(body)) {
    throw new AppError(
      'invalid_json',
      'The request body is not valid UTF-8 (JSON is UTF-8; declare another Unicode charset in Content-Type if the body is in one).',
    );
  }
}

/**
 * Bodies of these media types, of at most `limitBytes`, as their bytes: a reference manager's
 * export is decoded by the importer, as a file of it would be (see referenceBytes).
 */
export function rawBody(types: readonly string[], limitBytes: number): RequestHandler {
  return withinLimit(limitBytes, types, express.raw({ type: [...types], limit: limitBytes }));
}

/**
 * `parse`, except that a body declared longer than the limit is refused before any of it is read.
 * body-parser reads an oversized body to its end before it answers 413 (so the connection can be
 * reused): a 200 MB upload was taken in whole, and a client that stopped sending waited for the
 * request timeout. A compressed body is left to body-parser, whose limit is on the inflated size.
 */
function withinLimit(limitBytes: number, types: readonly string[], parse: RequestHandler): RequestHandler {
  return (request, response, next) => {
    normalizeContentEncoding(request);
    normalizeCharset(request);
    const declared = Number(request.headers['content-length']);
    const compressed = (request.headers['content-encoding'] ?? 'identity').toLowerCase() !== 'identity';
    const readHere = Boolean(request.is([...types]));
    if (declared > limitBytes && !compressed && !request.complete && readHere) {
      next(payloadTooLarge(limitBytes));
      return;
    }
    if (readHere && awaitingContinue.delete(request)) response.writeContinue();
    if (request.headers['content-length'] === undefined && !compressed && !request.complete && readHere) {
      parseCounted(request, response, next, limitBytes, parse);
      return;
    }
    parse(request, response, next);
  };
}

/**
 * `parse` for a body of undeclared length (chunked), refused with 413 as soon as more than
 * `limitBytes` have come: body-parser, finding it too large, reads it to its end before it answers
 * (200 MB taken for a 200 MB upload, and a client that stalled mid-body heard nothing). Listening
 * beside body-parser's own reader sees every chunk it sees; the answer closes the connection.
 */
function parseCounted(request: Request, response: Response, next: NextFunction, limitBytes: number, parse: RequestHandler): void {
  let received = 0;
  let refused = false;
  const count = (chunk: Buffer): void => {
    received += chunk.length;
    if (received <= limitBytes || refused) return;
    refused = true;
    request.off('data', count);
    next(payloadTooLarge(limitBytes));
  };
  request.on('data', count);
  parse(request, response, (error?: unknown) => {
    request.off('data', count);
    if (!refused) next(error);
  });
}

/**
 * The Content-Encoding body-parser reads: `x-gzip` is gzip (RFC 9110 asks recipients to take it
 * so; old clients send it), and `identity` in a list is no coding at all. Anything else, a chain
 * of two codings included, is left for body-parser to refuse with 415.
 */
function normalizeContentEncoding(request: Request): void {
  const declared = request.headers['content-encoding'];
  if (declared === undefined) return;
  const codings = declared
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .map((coding) => (coding === 'x-gzip' ? 'gzip' : coding));
  if (codings.length === 0) delete request.headers['content-encoding'];
  else request.headers['content-encoding'] = codings.join(', ');
}

/**
 * The charset body-parser reads: `utf8` is a common name of UTF-8 (WHATWG's label list has it),
 * and US-ASCII text is UTF-8 already; body-parser takes only names starting `utf-`. The body is
 * then checked as UTF-8 (see refuseInvalidUtf8).
 */
function normalizeCharset(request: Request): void {
  const declared = request.headers['content-type'];
  if (declared === undefined) return;
  request.headers['content-type'] = declared.replace(/(;\s*charset\s*=\s*)("?)(utf8|us-ascii|ascii)\2(?=\s*(;|$))/i, '$1utf-8');
}
