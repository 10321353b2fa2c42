import type { Request, RequestHandler } from 'express';
import { errorCatalog } from '../errors.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { documentedRouteOf } from './served-paths.js';
import { answerOutsideApp } from './unparsable-request.js';
import { whenAnswerDone } from './answer-done.js';
import { wasLeftUnhandled } from './connection-requests.js';
import { wasCutAtShutdown } from './connection-drain.js';

/** Counts every answer and its latency by route template: bounded label values, never a raw path. */
export function requestMetrics(metrics: ServiceMetrics): RequestHandler {
  return (request, response, next) => {
    const started = performance.now();
    whenAnswerDone(request.socket, response, () => {
      // Answered and counted where its body was found broken (see answerOutsideApp).
      if (answerOutsideApp(request) || wasLeftUnhandled(request)) return;
      // A client that closed the connection before the answer was complete: 499, nginx's convention;
      // one the shutdown timeout cut was closed by the server, not the client.
      const status = response.writableFinished || wasCutAtShutdown(response) ? response.statusCode : errorCatalog.client_closed_request.status;
      metrics.observeRequest(routeTemplateOf(request), request.method, status, (performance.now() - started) / 1000);
    });
    next();
  };
}

function routeTemplateOf(request: Request): string {
  const matched = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof matched === 'string') return `${request.baseUrl}${matched}`;
  // Answered before routing (a 413, a 415): the documented route its path names.
  return documentedRouteOf(request.path)?.template ?? 'unmatched';
}
