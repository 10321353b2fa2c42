import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { EmbedRequestOptions } from '../embedding/embed-scheduler.js';

/**
 * Who is calling, for fairness and rate limits: the API key it presents (as a digest prefix,
 * never the key), or else its address (the client's own, or the one a trusted proxy reports:
 * TRUST_PROXY). Bounded in length, safe as a metric or log label.
 */
export function clientIdOf(request: Request): string {
  const bearer = /^Bearer[ \t]+(\S+)/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) return `key:${createHash('sha256').update(bearer).digest('hex').slice(0, 16)}`;
  // An IPv6 client owns a whole subnet: its addresses count as one (express-rate-limit's rule).
  return `ip:${ipKeyGenerator(request.ip ?? request.socket.remoteAddress ?? 'unknown')}`;
}

/** Records, as each request arrives, who it is from and until when an answer is of use. */
export function attachCaller(requestTimeoutMs: number): RequestHandler {
  return (request, response, next) => {
    response.locals.caller = { client: clientIdOf(request), deadline: performance.now() + requestTimeoutMs } satisfies EmbedRequestOptions;
    next();
  };
}

/** The caller recorded by attachCaller. */
export function callerOf(response: Response): EmbedRequestOptions {
  return response.locals.caller as EmbedRequestOptions;
}
