import type { Request, RequestHandler, Response } from 'express';
import { AppError, invalidInput } from '../errors.js';
import { boundedIssueText, maxIssues } from '../shared/zod-issues.js';

/*
 * Refusals of a request for what it asks of the routes: a path no route serves, a method the
 * path is not served by, query parameters the route does not read.
 */

export const routeNotFound: RequestHandler = (request) => {
  throw noRouteFor(request);
};

export function noRouteFor(request: Request): AppError {
  return new AppError('route_not_found', `No route for ${request.method} ${request.path}.${encodedIdHint(request.path)}`);
}

/**
 * A paper id holding a slash (a DOI: doi:10.48550/arXiv.2503.11731) sent as it is spans two path
 * segments and matches no route; the answer shows the path with the id encoded as one.
 */
function encodedIdHint(path: string): string {
  // The id starts with a character other than "/": /v1/papers//related has no id, not the id "/related".
  const named = /^\/v1\/papers\/([^/].*?)(\/related)?\/?$/i.exec(path);
  if (!named?.[1]?.includes('/')) return '';
  let id = named[1];
  try {
    id = decodeURIComponent(id);
  } catch {
    // Not percent-encoding: encoded below as it is.
  }
  return ` A paper id holding a slash (a DOI) is one path segment once encoded: /v1/papers/${encodeURIComponent(id)}${named[2] ?? ''}.`;
}

export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (request, response) => {
    throw methodNotAllowedFor(request, response, allowed);
  };
}

/** The 405 for a method `request.path` is not served by, with the Allow header that lists those it is. */
export function methodNotAllowedFor(request: Request, response: Response, allowed: readonly string[]): AppError {
  // Express answers HEAD wherever it answers GET.
  const methods = allowed.includes('GET') && !allowed.includes('HEAD') ? allowed.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method])) : allowed;
  response.setHeader('Allow', methods.join(', '));
  return new AppError('method_not_allowed', `${request.method} is not allowed on ${request.path}; use ${allowed.join(' or ')}.`);
}

/**
 * Refuses query parameters other than `allowed`, as the routes with query schemas refuse unknown
 * ones: on a route that reads its parameters from the JSON body, `POST /v1/search?k=5` would
 * otherwise answer with the default k and the caller would never learn why.
 */
export function onlyQueryParameters(allowed: readonly string[] = [], options: { takesBody?: boolean } = {}): RequestHandler {
  return (request, _response, next) => {
    const unknown = Object.keys(request.query).filter((key) => !allowed.includes(key));
    if (unknown.length === 0) {
      next();
      return;
    }
    const read = allowed.length > 0 ? `only ${allowed.join(', ')} from the query` : 'nothing from the query';
    const body =
      (options.takesBody ?? (request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH'))
        ? '; its parameters go in the JSON body'
        : '';
    throw invalidInput(
      `Invalid request query: ${request.method} ${request.path} reads ${read}${body} (unrecognized: ${unknown.map((key) => `"${boundedIssueText(key)}"`).join(', ')})`,
      unknown.slice(0, maxIssues).map((key) => ({ path: 'query', message: boundedIssueText(`Unrecognized key: "${key}"`), code: 'unrecognized_keys' })),
    );
  };
}
