import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../log.js';

const requestIdPattern = /^[\w.:-]{1,128}$/;
/** Probed every few seconds by orchestrators and scrapers: logged at debug, whatever they answer. */
const probePaths = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One log line per request, carrying its request id (the client's X-Request-Id if it sent a
 * valid one, else a new UUID, echoed in the response). Only the method and URL of a request are
 * logged: never its headers, so never an API key. A 5xx is an error, except a 503 (starting,
 * stopping, overloaded), which is expected and logged as a warning without a stack trace.
 */
export function requestLogging(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId: (request, response) => {
      const incoming = request.headers['x-request-id'];
      const id = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
      response.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (request, response, error) => {
      if (probePaths.has(request.url?.split('?')[0] ?? '')) return 'debug';
      if (response.statusCode === 503) return 'warn';
      return response.statusCode >= 500 || error ? 'error' : 'info';
    },
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      // pino-http makes up an error for every 5xx; a 503 has nothing to trace. Real failures
      // are logged by the error middleware with their cause.
      err: (error: Error) => (error.message.startsWith('failed with status code') ? undefined : pino.stdSerializers.err(error)),
    },
  }) as RequestHandler;
}
