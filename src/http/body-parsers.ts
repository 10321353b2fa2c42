import express, { type RequestHandler } from 'express';
import { AppError } from '../errors.js';

/** The media types read as JSON bodies. */
export const jsonTypes = ['application/json', 'application/*+json'];

/** The 413 for a body over `limitBytes`, however it was found out (declared, read, or announced with `Expect`). */
export function payloadTooLarge(limitBytes: number | undefined): AppError {
  return new AppError('payload_too_large', `The request body is larger than ${limitBytes} bytes.`, { details: { limitBytes } });
}

/** JSON bodies (an object or an array) of at most `limitBytes`. */
export function jsonBody(limitBytes: number): RequestHandler {
  return withinLimit(limitBytes, jsonTypes, express.json({ limit: limitBytes, strict: true, type: jsonTypes }));
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
    const declared = Number(request.headers['content-length']);
    const compressed = (request.headers['content-encoding'] ?? 'identity').toLowerCase() !== 'identity';
    if (declared > limitBytes && !compressed && !request.complete && request.is([...types])) {
      next(payloadTooLarge(limitBytes));
      return;
    }
    parse(request, response, next);
  };
}
