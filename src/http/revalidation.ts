import express, { type RequestHandler } from 'express';

// The getter Express's res.send consults before answering 304 Not Modified.
const expressFreshness = Object.getOwnPropertyDescriptor(express.request, 'fresh')!.get!;

/**
 * Only an answer that carries an ETag (a paper's plain JSON, see GET /v1/papers/:id) is
 * revalidated. Express's own check answers 304, with no body, to `If-None-Match: *` on any GET
 * whatever its answer: a list, the stats, a paper's selected fields or its BibTeX came back empty.
 */
export const revalidateOnlyTagged: RequestHandler = (request, response, next) => {
  Object.defineProperty(request, 'fresh', {
    configurable: true,
    get: () => response.getHeader('ETag') !== undefined && (expressFreshness.call(request) as boolean),
  });
  next();
};
