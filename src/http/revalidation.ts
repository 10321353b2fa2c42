import express, { type Express, type Request } from 'express';

// The getter Express's res.send consults before answering 304 Not Modified.
const expressFreshness = Object.getOwnPropertyDescriptor(express.request, 'fresh')!.get!;

/**
 * Only an answer that carries an ETag (a paper's plain JSON, see GET /v1/papers/:id) is
 * revalidated. Express's own check answers 304, with no body, to `If-None-Match: *` on any GET
 * whatever its answer: a list, the stats, a paper's selected fields or its BibTeX came back empty.
 * Defined once on the app's requests, not on each.
 */
export function revalidateOnlyTagged(app: Express): void {
  Object.defineProperty(app.request, 'fresh', {
    configurable: true,
    get(this: Request): boolean {
      return this.res?.getHeader('ETag') !== undefined && (expressFreshness.call(this) as boolean);
    },
  });
}
