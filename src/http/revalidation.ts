import type { Express, Request } from 'express';

/**
 * Whether a GET's If-None-Match names the answer's ETag (or is `*`), by the weak comparison
 * RFC 9110 §13.1.2 asks for. Only an answer that carries an ETag (a paper's plain JSON, see GET
 * /v1/papers/:id) is revalidated: Express's own check answered 304, with no body, to
 * `If-None-Match: *` on any GET whatever its answer (a list, the stats, a paper's BibTeX). Its
 * check also sent the whole answer to any request with `Cache-Control: no-cache`, which fetch adds
 * to every conditional request: a browser's, Node's or a generated client's revalidation never got
 * its 304. That directive tells caches on the way to ask the origin, which this check is.
 */
function namesTheAnswer(request: Request): boolean {
  const response = request.res;
  const etag = response?.getHeader('ETag');
  const cached = request.headers['if-none-match'];
  if (typeof etag !== 'string' || cached === undefined) return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (!(response!.statusCode >= 200 && response!.statusCode < 300) && response!.statusCode !== 304) return false;
  if (cached.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return cached.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/** Express's res.send answers 304 when `request.fresh` holds: defined once on the app's requests, not on each. */
export function revalidateOnlyTagged(app: Express): void {
  Object.defineProperty(app.request, 'fresh', {
    configurable: true,
    get(this: Request): boolean {
      return namesTheAnswer(this);
    },
  });
}
