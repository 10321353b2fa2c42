import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The usual security headers (helmet): no MIME sniffing, no framing, a strict referrer policy,
 * and a content security policy under which the API reference and the web page load only their
 * own files (Swagger UI sets inline styles, hence 'unsafe-inline' for styles alone).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    // As frame-ancestors 'none' says, for browsers that read only this header.
    xFrameOptions: { action: 'deny' },
    // The API is meant to be called from other origins when CORS_ORIGINS says so.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
}

/**
 * Cross-origin access for the listed origins only (none by default): their preflights are
 * answered and their requests get the CORS headers, including the ones a client needs to read
 * (request id, Retry-After, rate limits, Location, a listing's next-page Link, an export's file name, a paper's ETag).
 */
export function crossOrigin(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  const listedOrigins = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // Cache-Control asks for a related list computed now; Content-Encoding sends a compressed body;
    // MCP clients send their protocol version (and a session id, which this stateless /mcp ignores);
    // a conditional write names the paper's version (If-Match, If-None-Match), read from its ETag.
    allowedHeaders: [
      'Content-Type',
      'Authorization',
      'Accept',
      'X-Request-Id',
      'Cache-Control',
      'Content-Encoding',
      'Mcp-Protocol-Version',
      'Mcp-Session-Id',
      'If-Match',
      'If-None-Match',
    ],
    exposedHeaders: [
      'X-Request-Id',
      'Retry-After',
      'RateLimit',
      'RateLimit-Policy',
      'Location',
      'Link',
      'Content-Disposition',
      'X-Papers-Not-Found',
      'X-Papers-Not-Found-Count',
      'ETag',
    ],
    maxAge: 600,
  });
  // A preflight from any other origin is answered here, without CORS headers (the browser then
  // refuses the request): it is not a request for the API, so it neither counts toward the
  // caller's rate limit nor asks for a key, as it did when it fell through to a 405.
  return (request, response, next) => {
    // Every answer depends on the origin once some are listed, those to requests without one too:
    // a shared cache must not hand an answer without CORS headers to a listed origin.
    if (allowed.size > 0) response.vary('Origin');
    const { origin } = request.headers;
    const preflight = request.method === 'OPTIONS' && origin !== undefined && request.headers['access-control-request-method'] !== undefined;
    if (!preflight || allowed.has(origin)) {
      listedOrigins(request, response, next);
      return;
    }
    response.status(204).end();
  };
}
