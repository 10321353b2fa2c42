import type { Request, RequestHandler } from 'express';
import { rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { AppError } from '../errors.js';
import { callerOf } from './caller.js';

/**
 * Only the API is limited: probes and scrapes must always answer, and the search page, its
 * assets and the reference are static files a browser fetches several at a time (a page limited
 * with the API showed the 429's JSON in place of the page).
 */
export function isRateLimited(path: string): boolean {
  return path.startsWith('/v1/') || path === '/mcp';
}

/**
 * At most `requests` per `windowMs` per client (its valid API key, else its address; see clientIdOf),
 * in a fixed window, in memory. Over it, 429 `rate_limited` with Retry-After; every limited
 * answer carries the IETF RateLimit and RateLimit-Policy headers.
 */
export function rateLimitPerClient(options: { requests: number; windowMs: number; onLimited: () => void }): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.requests,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // attachCaller, which runs first, has named the client.
    keyGenerator: (_request, response) => callerOf(response).client,
    skip: (request) => !isRateLimited(request.path),
    handler: (request, _response, next, limitOptions) => {
      options.onLimited();
      const resetTime = (request as Request & { rateLimit?: RateLimitInfo }).rateLimit?.resetTime;
      const retryAfter = Math.max(1, Math.ceil(resetTime ? (resetTime.getTime() - Date.now()) / 1000 : limitOptions.windowMs / 1000));
      next(
        new AppError(
          'rate_limited',
          `Too many requests: at most ${options.requests} every ${options.windowMs / 1000} s per client; try again in ${retryAfter} s.`,
          {
            details: { limit: options.requests, windowSeconds: options.windowMs / 1000 },
            retryAfterSeconds: retryAfter,
          },
        ),
      );
    },
  });
}
