import type { Request, RequestHandler, Response } from 'express';
import { MemoryStore, rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { AppError } from '../errors.js';
import { callerOf } from './caller.js';

/**
 * The API's paths, which answer JSON and which alone are rate limited: probes and scrapes must
 * always answer, and the search page, its assets and the reference are static files a browser
 * fetches several at a time (a page limited with the API showed the 429's JSON in place of the
 * page). Paths are matched as Express routes them, in any case and with a trailing slash
 * (`/V1/search` and `/mcp/` escaped the limit).
 */
export function isApiPath(path: string): boolean {
  return path.toLowerCase().startsWith('/v1/') || isMcpPath(path);
}

/** The MCP endpoint's path, as Express routes it (any case, a trailing slash allowed). */
export function isMcpPath(path: string): boolean {
  const routed = path.toLowerCase();
  return routed === '/mcp' || routed === '/mcp/';
}

export interface ClientRateLimit {
  /** Counts each request of the API toward its client's budget. */
  middleware: RequestHandler;
  /** Counts `count` more toward the caller's budget (the further messages of a JSON-RPC batch); rejects with rate_limited past it. */
  countMore(response: Response, count: number): Promise<void>;
}

/**
 * At most `requests` per `windowMs` per client (its valid API key, else its address; see clientIdOf),
 * in a fixed window, in memory. Over it, 429 `rate_limited` with Retry-After; every limited
 * answer carries the IETF RateLimit and RateLimit-Policy headers.
 */
export function rateLimitPerClient(options: { requests: number; windowMs: number; onLimited: () => void }): ClientRateLimit {
  const store = new MemoryStore();
  const limited = (resetTime: Date | undefined): AppError => {
    options.onLimited();
    const retryAfter = Math.max(1, Math.ceil(resetTime ? (resetTime.getTime() - Date.now()) / 1000 : options.windowMs / 1000));
    return new AppError(
      'rate_limited',
      `Too many requests: at most ${options.requests} every ${options.windowMs / 1000} s per client; try again in ${retryAfter} s.`,
      {
        details: { limit: options.requests, windowSeconds: options.windowMs / 1000 },
        retryAfterSeconds: retryAfter,
      },
    );
  };
  const middleware = rateLimit({
    windowMs: options.windowMs,
    limit: options.requests,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store,
    // attachCaller, which runs first, has named the client.
    keyGenerator: (_request, response) => callerOf(response).client,
    skip: (request) => !isApiPath(request.path),
    handler: (request, _response, next) => next(limited((request as Request & { rateLimit?: RateLimitInfo }).rateLimit?.resetTime)),
  });
  return {
    middleware,
    countMore: async (response, count) => {
      const key = callerOf(response).client;
      for (let i = 0; i < count; i++) {
        const { totalHits, resetTime } = await store.increment(key);
        if (totalHits > options.requests) throw limited(resetTime);
      }
    },
  };
}
