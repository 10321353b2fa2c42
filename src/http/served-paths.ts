import type { ErrorRequestHandler } from 'express';
import { isAppError, type ErrorCode } from '../errors.js';
import { methodNotAllowedFor, noRouteFor } from './route-refusals.js';
import { operations } from './api-operations.js';

/** Refusals of a request's body: for a path no route serves, or a method it is not served by, the route is what is wrong. */
const bodyRefusals: ReadonlySet<ErrorCode> = new Set(['unsupported_media_type', 'invalid_json']);
const bodyParserRefusals: ReadonlySet<string> = new Set(['entity.parse.failed', 'encoding.unsupported', 'charset.unsupported']);

export interface DocumentedRoute {
  /** Express's form of the path (`/v1/papers/:id`), the metrics' route label. */
  template: string;
  methods: readonly string[];
}

/**
 * The routes, as Express matches their paths (case-insensitive, a trailing slash allowed, a
 * parameter one segment), with the methods each is served by. The OpenAPI document's operations
 * are the route table: the route test checks that every one is served.
 */
const routes = [...new Set(operations.map((operation) => operation.path))].map((path) => ({
  pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')}/?$`, 'i'),
  template: path.replace(/\{(\w+)\}/g, ':$1'),
  methods: operations.filter((operation) => operation.path === path).map((operation) => operation.method.toUpperCase()),
}));

/**
 * The documented route serving `path` (by any method), for requests answered before routing;
 * undefined when none does. A path two routes serve (/v1/papers/batch is also the path of a paper
 * named "batch") is named by the first listed and served by the methods of both.
 */
export function documentedRouteOf(path: string): DocumentedRoute | undefined {
  const serving = routes.filter((route) => route.pattern.test(path));
  if (serving.length === 0) return undefined;
  return { template: serving[0]!.template, methods: [...new Set(serving.flatMap((route) => route.methods))] };
}

/**
 * A request for a path no route serves is a 404, and one by a method its path is not served by a
 * 405, whatever its body: the body is checked before the routes are tried (its type, then its
 * JSON), and a typo in the path answered "the body must be JSON" or "not valid JSON" sent the
 * client looking in the wrong place. A body over the limit stays a 413: the connection is closed
 * for it, whatever the route.
 */
export const routeBeforeBodyRefusal: ErrorRequestHandler = (error: unknown, request, response, next) => {
  const type = (error as { type?: unknown } | undefined)?.type;
  const refusesBody = isAppError(error) ? bodyRefusals.has(error.code) : typeof type === 'string' && bodyParserRefusals.has(type);
  if (!refusesBody) return next(error);
  const methods = documentedRouteOf(request.path)?.methods;
  if (methods === undefined) return next(noRouteFor(request));
  const served = methods.includes(request.method) || (request.method === 'HEAD' && methods.includes('GET'));
  next(served ? error : methodNotAllowedFor(request, response, methods));
};
