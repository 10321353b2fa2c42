import type { Request, RequestHandler } from 'express';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { operations } from './openapi.js';

/** The documented routes as patterns, for requests answered before routing (a 413, a 415). */
const knownRoutes = operations.map((operation) => ({
  template: operation.path.replace(/\{(\w+)\}/g, ':$1'),
  pattern: new RegExp(`^${operation.path.replace(/\{\w+\}/g, '[^/]+')}$`),
}));

/**
 * The status a request is counted under when its client closed the connection before the answer
 * was complete (nginx's convention): such requests were counted nowhere, their work done for nobody.
 */
const clientClosedStatus = 499;

/** Counts every answer and its latency by route template: bounded label values, never a raw path. */
export function requestMetrics(metrics: ServiceMetrics): RequestHandler {
  return (request, response, next) => {
    const started = performance.now();
    response.on('close', () => {
      const status = response.writableFinished ? response.statusCode : clientClosedStatus;
      metrics.observeRequest(routeTemplateOf(request), request.method, status, (performance.now() - started) / 1000);
    });
    next();
  };
}

function routeTemplateOf(request: Request): string {
  const matched = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof matched === 'string') return `${request.baseUrl}${matched}`;
  return knownRoutes.find((route) => route.pattern.test(request.path))?.template ?? 'unmatched';
}
