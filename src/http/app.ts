import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SearchService } from '../search/search-service.js';
import type { ServiceState } from '../service-state.js';
import type { WriteService } from '../writes/write-service.js';
import type { ApiKeys } from './auth.js';
import { errorHandler, routeNotFound } from './error-handling.js';
import { docsRoutes } from './routes/docs-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { searchRoutes } from './routes/search-routes.js';
import { webRoutes } from './routes/web-routes.js';
import { writeRoutes } from './routes/write-routes.js';

export interface AppDependencies {
  state: ServiceState;
  log: Logger;
  maxBodyBytes: number;
  /** Body limit of paper writes (up to 1,000 papers each). */
  writeMaxBodyBytes: number;
  apiKeys: ApiKeys;
  /** Whether reads need an API key too. */
  authReads: boolean;
}

const jsonTypes = ['application/json', 'application/*+json'];
const requestIdPattern = /^[\w.:-]{1,128}$/;

export function createApp({ state, log, maxBodyBytes, writeMaxBodyBytes, apiKeys, authReads }: AppDependencies): Express {
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
    response.locals.writes = state.writes;
    next();
  });
  // Writes are checked for a key before their (possibly large) body is read; body-parser skips a
  // body already parsed, so the write routes' larger limit wins over the general one.
  const writeGuard = apiKeys.requireForWrites();
  app.post('/v1/papers', writeGuard);
  app.put('/v1/papers/:id', writeGuard);
  app.delete('/v1/papers/:id', writeGuard);
  app.post('/v1/snapshots', writeGuard);
  app.use(requireJsonBody);
  app.use('/v1/papers', express.json({ limit: writeMaxBodyBytes, strict: true, type: jsonTypes }));
  app.use(express.json({ limit: maxBodyBytes, strict: true, type: jsonTypes }));

  app.use(healthRoutes(state));
  app.use(docsRoutes());
  app.use(webRoutes());
  app.use(apiKeys.requireForReads(authReads));
  const service = (response: Response) => requireService(state, response.locals.service as SearchService | undefined);
  app.use(writeRoutes((response) => requireWrites(state, response)));
  app.use(searchRoutes(service, apiKeys.configured));

  app.use(routeNotFound);
  app.use(errorHandler);
  return app;
}

function requireWrites(state: ServiceState, response: Response): WriteService {
  const writes = (response.locals.writes as WriteService | undefined) ?? state.writes;
  if (writes) return writes;
  throw new AppError(state.phase === 'stopping' ? 'shutting_down' : 'not_ready');
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
      details: {
        contentType: request.headers['content-type'] ?? null,
      },
    });
  }
  next();
};
