import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SearchService } from '../search/search-service.js';
import type { ServiceState } from '../service-state.js';
import { errorHandler, routeNotFound } from './error-handling.js';
import { docsRoutes } from './routes/docs-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { searchRoutes } from './routes/search-routes.js';

export interface AppDependencies {
  state: ServiceState;
  log: Logger;
  maxBodyBytes: number;
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

export function createApp({ state, log, maxBodyBytes }: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(
    pinoHttp({
      logger: log,
      genReqId: (request, response) => {
        const incoming = request.headers['x-request-id'];
        const id = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
        response.setHeader('X-Request-Id', id);
        return id;
      },
      // 503 while starting or stopping is expected, not a fault.
      customLogLevel: (_request, response) => (response.statusCode === 503 ? 'warn' : response.statusCode >= 500 ? 'error' : 'info'),
      serializers: { req: (request: { id: unknown; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url }) },
    }),
  );
  // The service is looked up when a request arrives, before its body is read: a request that was
  // already in flight when shutdown began is answered, not refused.
  app.use((_request, response, next) => {
    response.locals.service = state.service;
    next();
  });
  app.use(requireJsonBody);
  app.use(express.json({ limit: maxBodyBytes, strict: true, type: ['application/json', 'application/*+json'] }));

  app.use(healthRoutes(state));
  app.use(docsRoutes());
  app.use(searchRoutes((response) => requireService(state, response.locals.service as SearchService | undefined)));

  app.use(routeNotFound);
  app.use(errorHandler);
  return app;
}

function requireService(state: ServiceState, atArrival: SearchService | undefined): SearchService {
  const service = atArrival ?? (state.phase === 'stopping' ? undefined : state.service);
  if (service) return service;
  throw new AppError(state.phase === 'stopping' ? 'shutting_down' : 'not_ready');
}

/** A request with a body must say it is JSON; anything else gets a 415 before parsing. */
const requireJsonBody: RequestHandler = (request, _response, next) => {
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (hasBody && !request.is(['application/json', 'application/*+json'])) {
    throw new AppError('unsupported_media_type', `The request body must be application/json, not ${request.headers['content-type'] ?? 'unspecified'}.`, {
      contentType: request.headers['content-type'] ?? null,
    });
  }
  next();
};
