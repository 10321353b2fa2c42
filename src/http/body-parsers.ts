import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors.js';
import { whenAnswerDone } from './answer-done.js';
import { jsonShapeBeyond, type ByteOrder, type JsonShapeLimits } from './json-shape.js';
import { lingerBeforeClosing } from './lingering-close.js';
import { maxPapersPerWrite } from './paper-write-schemas.js';

/** The media types read as JSON bodies. */
export const jsonTypes = ['application/json', 'application/*+json'];

/** The 413 for a body over `limitBytes`, however it was found out (declared, read, or announced with `Expect`). */
export function payloadTooLarge(limitBytes: number | undefined): AppError {
  return new AppError('payload_too_large', `The request body is larger than ${limitBytes} bytes.`, { details: { limitBytes } });
}

const awaitingContinue = new WeakSet<IncomingMessage>();

/**
 * The bytes the request bodies being read, and then in use until their answers are sent, may hold
 * at once: each reserves the most it can grow to (its declared length; its route's limit when it is
 * compressed or of undeclared length, the limit being on its size inflated). Every connection
 * could hold a body at its limit: 2,000 connections each sending 1 KB of a gzip body inflating to
 * 1 MB, never finished, held 1.1 GB. A body is always let in when no other holds room.
 */
export class BodyBudget {
  private reserved = 0;
  private readonly holders = new WeakSet<IncomingMessage>();

  constructor(private readonly bytes: number) {}

  /** Room for the body of `request` until its answer is done (once, however many parsers it meets); false when there is none. */
  reserve(request: IncomingMessage, response: ServerResponse, bytes: number): boolean {
    if (this.holders.has(request)) return true;
    if (this.reserved > 0 && this.reserved + bytes > this.bytes) return false;
    this.holders.add(request);
    this.reserved += bytes;
    whenAnswerDone(request.socket, response, () => (this.reserved -= bytes));
    return true;
  }
}

/**
 * Marks a request whose client waits for `100 Continue` before it sends its body: the 100 is sent
 * when a route is about to read the body, so a request refused before that (a missing key, a body
 * of the wrong type, no such route) gets its final answer instead, and the client never uploads.
 */
export function continueWhenBodyIsRead(request: IncomingMessage): void {
  awaitingContinue.add(request);
}

/**
 * How much structure a JSON body may hold in all. A write of 1,000 papers, every field set, holds
 * about 18,000 members and 3,000 objects and arrays, and no other request comes near; past either
 * the body is refused before it is parsed (see jsonShapeBeyond).
 */
export const jsonBodyShapeLimits: JsonShapeLimits = { members: 64_000, containers: 64_000 };

/** JSON bodies (an object or an array) of at most `limitBytes` and jsonBodyShapeLimits. */
export function jsonBody(limitBytes: number, budget: BodyBudget): RequestHandler {
  return withinLimit(limitBytes, budget, jsonTypes, express.json({ limit: limitBytes, strict: true, type: jsonTypes, verify: checkBeforeParsing }));
}

/** The checks of a JSON body's bytes before body-parser decodes and parses them. */
function checkBeforeParsing(_request: Request, _response: unknown, body: Buffer, encoding: string): void {
  const charset = encoding.toLowerCase();
  const unitBytes = charset.startsWith('utf-16') ? 2 : charset.startsWith('utf-32') ? 4 : 1;
  const order = unitBytes === 1 ? 'le' : byteOrderOf(charset, body, unitBytes);
  refuseInvalidUnicode(body, charset, unitBytes, order);
  const excess = jsonShapeBeyond(body, jsonBodyShapeLimits, unitBytes, order);
  if (excess === 'members') {
    throw new AppError(
      'invalid_input',
      `The request body holds more than ${jsonBodyShapeLimits.members.toLocaleString('en-US')} object members (name-value pairs); a write of ${maxPapersPerWrite.toLocaleString('en-US')} papers holds far fewer.`,
      { details: { limitMembers: jsonBodyShapeLimits.members } },
    );
  }
  if (excess === 'containers') {
    throw new AppError(
      'invalid_input',
      `The request body holds more than ${jsonBodyShapeLimits.containers.toLocaleString('en-US')} objects and arrays; a write of ${maxPapersPerWrite.toLocaleString('en-US')} papers holds far fewer.`,
      { details: { limitObjectsAndArrays: jsonBodyShapeLimits.containers } },
    );
  }
}

/**
 * A body that is not valid text in its charset (UTF-8 when it says none): body-parser would
 * decode each bad byte, lone surrogate or stray last byte to U+FFFD, or drop it, and a paper
 * would be stored with them, or a query searched for them, without a word.
 */
function refuseInvalidUnicode(body: Buffer, charset: string, unitBytes: 1 | 2 | 4, order: ByteOrder): void {
  if ((charset === 'utf-8' || charset === 'utf8') && !isUtf8(body)) {
    throw new AppError(
      'invalid_json',
      'The request body is not valid UTF-8 (JSON is UTF-8; declare another Unicode charset in Content-Type if the body is in one).',
    );
  }
  if (unitBytes !== 1 && !isWellFormed(body, unitBytes, order)) {
    throw new AppError('invalid_json', `The request body is not valid ${charset.toUpperCase()} (a lone surrogate, a unit out of range, or a stray last byte).`);
  }
}

/** The byte order body-parser's decoder (iconv-lite) reads a UTF-16 or UTF-32 body in: its name's, else its byte-order mark's, else its guess. */
function byteOrderOf(charset: string, body: Buffer, unitBytes: 2 | 4): ByteOrder {
  if (charset.endsWith('le')) return 'le';
  if (charset.endsWith('be')) return 'be';
  const littleMark = unitBytes === 2 ? [0xff, 0xfe] : [0xff, 0xfe, 0, 0];
  const bigMark = unitBytes === 2 ? [0xfe, 0xff] : [0, 0, 0xfe, 0xff];
  const opensWith = (mark: number[]) => mark.every((byte, i) => body[i] === byte);
  if (opensWith(littleMark)) return 'le';
  if (opensWith(bigMark)) return 'be';
  return guessedByteOrder(body, unitBytes);
}

/**
 * iconv-lite's guess for a body without a byte-order mark, from its first 100 units: the order in
 * which more of them read as ASCII (UTF-16), or as plane-0 characters less those out of range
 * (UTF-32); little-endian when neither wins. Validated in another order, a body valid only in the
 * other was taken, then decoded with U+FFFD in place of its surrogates.
 */
function guessedByteOrder(body: Buffer, unitBytes: 2 | 4): ByteOrder {
  let little = 0;
  let big = 0;
  for (let offset = 0; offset + unitBytes <= body.length && offset < 100 * unitBytes; offset += unitBytes) {
    const [b0, b1, b2, b3] = [body[offset]!, body[offset + 1]!, body[offset + 2] ?? 0, body[offset + 3] ?? 0];
    if (unitBytes === 2) {
      if (b0 === 0 && b1 !== 0) big++;
      if (b0 !== 0 && b1 === 0) little++;
      continue;
    }
    if (b0 !== 0 || b1 > 0x10) big--;
    if (b3 !== 0 || b2 > 0x10) little--;
    if (b0 === 0 && b1 === 0 && (b2 !== 0 || b3 !== 0)) big++;
    if ((b0 !== 0 || b1 !== 0) && b2 === 0 && b3 === 0) little++;
  }
  return big > little ? 'be' : 'le';
}

/** Whether `body` is whole code units in `order`, surrogates paired (UTF-16), or none at all and none past U+10FFFF (UTF-32). */
function isWellFormed(body: Buffer, unitBytes: 2 | 4, order: ByteOrder): boolean {
  if (body.length % unitBytes !== 0) return false;
  const unitAt = (offset: number) =>
    unitBytes === 2
      ? order === 'le'
        ? body.readUInt16LE(offset)
        : body.readUInt16BE(offset)
      : order === 'le'
        ? body.readUInt32LE(offset)
        : body.readUInt32BE(offset);
  for (let offset = 0; offset < body.length; offset += unitBytes) {
    const unit = unitAt(offset);
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const low = unit >= 0xdc00 && unit <= 0xdfff;
    if (unitBytes === 4 && (high || low || unit > 0x10ffff)) return false;
    if (unitBytes === 2 && low) return false;
    if (unitBytes === 2 && high) {
      offset += 2;
      if (offset >= body.length) return false;
      const next = unitAt(offset);
      if (next < 0xdc00 || next > 0xdfff) return false;
    }
  }
  return true;
}

/**
 * Bodies of these media types, of at most `limitBytes`, as their bytes: a reference manager's
 * export is decoded by the importer, as a file of it would be (see referenceBytes).
 */
export function rawBody(types: readonly string[], limitBytes: number, budget: BodyBudget): RequestHandler {
  return withinLimit(limitBytes, budget, types, express.raw({ type: [...types], limit: limitBytes }));
}

/**
 * `parse`, except that a body declared longer than the limit is refused before any of it is read.
 * body-parser reads an oversized body to its end before it answers 413 (so the connection can be
 * reused): a 200 MB upload was taken in whole, and a client that stopped sending waited for the
 * request timeout. A compressed body is left to body-parser, whose limit is on the inflated size.
 * A body the budget has no room for is refused (503, and the connection closed, as after a 413).
 */
function withinLimit(limitBytes: number, budget: BodyBudget, types: readonly string[], parse: RequestHandler): RequestHandler {
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
    const mostBytes = compressed || request.headers['content-length'] === undefined ? limitBytes : declared;
    if (readHere && !budget.reserve(request, response, mostBytes)) {
      response.setHeader('Connection', 'close');
      lingerBeforeClosing(request.socket);
      next(new AppError('overloaded', 'Too many request bodies are being read at once; try again shortly.', { retryAfterSeconds: 1 }));
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
 * then checked as UTF-8 (see refuseInvalidUnicode).
 */
function normalizeCharset(request: Request): void {
  const declared = request.headers['content-type'];
  if (declared === undefined) return;
  request.headers['content-type'] = declared.replace(/(;\s*charset\s*=\s*)("?)(utf8|us-ascii|ascii)\2(?=\s*(;|$))/i, '$1utf-8');
}
