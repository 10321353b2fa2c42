import { parse as parseQueryString } from 'node:querystring';
import compression from 'compression';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { trustProxyOf, walDirOf, type Config } from '../config/config.js';
import { AppError } from '../errors.js';
import { answerGate } from './answer-gate.js';
import type { Logger } from '../log.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { SearchService } from '../search/search-service.js';
import type { ServiceState } from '../service-state.js';
import type { WriteService } from '../writes/write-service.js';
import { BodyBudget, jsonBody, jsonTypes, rawBody } from './body-parsers.js';
import type { ApiKeys } from './auth.js';
import { AnswerCache } from './answer-cache.js';
import { attachCaller } from './caller.js';
import { handleNoMoreRequests, pipelinedInTurn } from './connection-requests.js';
import { compressionThreshold, isLeftUncompressed } from './kept-answer.js';
import { errorHandler } from './error-handling.js';
import { noRouteFor, routeNotFound } from './route-refusals.js';
import { rateLimitPerClient } from './rate-limit.js';
import { requestLogging } from './request-logging.js';
import { requestMetrics } from './request-metrics.js';
import { docsRoutes } from './routes/docs-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { mcpRoutes } from './routes/mcp-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { exportMediaTypes, formatOfMediaType, importFormats } from '../export/media-types.js';
import { referenceMediaTypes } from './reference-bodies.js';
import { searchRoutes } from './routes/search-routes.js';
import { routeBeforeBodyRefusal } from './served-paths.js';
import { relatedRoutes } from './routes/related-routes.js';
import { pageNotFound, webRoutes } from './routes/web-routes.js';
import { writeRoutes } from './routes/write-routes.js';
import { crossOrigin, securityHeaders } from './security.js';
import { revalidateOnlyTagged } from './revalidation.js';

/** The settings the HTTP layer reads. */
export type HttpSettings = Pick<
  Config,
  | 'MAX_BODY_BYTES'
  | 'WRITE_MAX_BODY_BYTES'
  | 'AUTH_READS'
  | 'AUTH_METRICS'
  | 'CORS_ORIGINS'
  | 'RATE_LIMIT_REQUESTS'
  | 'RATE_LIMIT_WINDOW_MS'
  | 'TRUST_PROXY'
  | 'REQUEST_TIMEOUT_MS'
  | 'MCP_ALLOWED_HOSTS'
  | 'ANSWER_CACHE_MB'
  | 'INDEX_DIR'
  | 'WAL_DIR'
  | 'MODEL_DIR'
>;

export interface AppDependencies {
  state: ServiceState;
  log: Logger;
  settings: HttpSettings;
  apiKeys: ApiKeys;
  metrics: ServiceMetrics;
}

export function createApp({ state, log, settings, apiKeys, metrics }: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  revalidateOnlyTagged(app);
  // node:querystring, as Express's 'simple' parser, but reading every key: the simple parser
  // stops at 1,000 and silently drops the rest (a k or an unknown name after 1,000 repeated ids
  // would go unread and unchecked). The 16 KiB request line bounds how many there can be.
  app.set('query parser', (query: string) => parseQueryString(query, undefined, undefined, { maxKeys: 0 }));
  setTrustProxy(app, settings);

  app.use(requestMetrics(metrics));
  app.use(requestLogging(log));
  app.use(pipelinedInTurn());
  app.use(requireHttp1);
  app.use(requireHost);
  app.use(closeAfterUpgradeRequest);
  app.use(closeAfterHttp10TransferEncoding);
  app.use(refuseUnknownTransferCodings);
  app.use(securityHeaders());
  app.use(crossOrigin(settings.CORS_ORIGINS));
  app.use(compression({ threshold: compressionThreshold, filter: compressible }));
  app.use(attachCaller(settings.REQUEST_TIMEOUT_MS, apiKeys));
  const rateLimit =
    settings.RATE_LIMIT_REQUESTS > 0
      ? rateLimitPerClient({ requests: settings.RATE_LIMIT_REQUESTS, windowMs: settings.RATE_LIMIT_WINDOW_MS, onLimited: () => metrics.countRateLimited() })
      : undefined;
  if (rateLimit) app.use(rateLimit.middleware);
  // The service is looked up when a request arrives, before its body is read: a request that was
  // already in flight when shutdown began is answered, not refused.
  app.use((_request, response, next) => {
    response.locals.service = state.service;
    response.locals.writes = state.writes;
    next();
  });
  const service = (response: Response) => requireService(state, response.locals.service as SearchService | undefined);
  const requireForReads = apiKeys.requireForReads(settings.AUTH_READS);
  const bodies = new BodyBudget(bodyBudgetWrites * settings.WRITE_MAX_BODY_BYTES);
  const generalBody = jsonBody(settings.MAX_BODY_BYTES, bodies);
  app.use(relatedRoutes(service, [requireJsonBody, requireForReads, generalBody], new AnswerCache(settings.ANSWER_CACHE_MB * 1024 * 1024)));
  // Writes are checked for a key before their (possibly large) body is read; body-parser skips a
  // body already parsed, so the write routes' larger limit wins over the general one.
  const writeGuard = apiKeys.requireForWrites();
  app.post('/v1/papers', writeGuard);
  app.put('/v1/papers/:id', writeGuard);
  app.patch('/v1/papers/:id', writeGuard);
  app.delete('/v1/papers/:id', writeGuard);
  app.post('/v1/snapshots', writeGuard);
  const writes = (response: Response) => requireWrites(state, response);
  // Before the general body parsing: /mcp checks host and key before it reads its body.
  app.use(
    mcpRoutes({
      apiKeys,
      authReads: settings.AUTH_READS,
      allowedHosts: settings.MCP_ALLOWED_HOSTS,
      maxBodyBytes: settings.MAX_BODY_BYTES,
      writeMaxBodyBytes: settings.WRITE_MAX_BODY_BYTES,
      bodies,
      rateLimit,
      search: service,
      writes,
      answerTurns: modelAnswerTurns(),
    }),
  );
  // POST /v1/papers also takes a BibTeX, RIS or CSL-JSON file, read as bytes within the write limit.
  app.post('/v1/papers', rawBody(referenceMediaTypes, settings.WRITE_MAX_BODY_BYTES, bodies));
  // These read no body: POST /healthz is a 405 whatever it sends.
  app.use(healthRoutes(state));
  app.use(metricsRoutes(metrics, apiKeys.requireForReads(settings.AUTH_METRICS)));
  app.use(docsRoutes());
  app.use(webRoutes(undefined, settings.AUTH_READS ? undefined : (name) => paperShown(state, name)));
  app.use(requireJsonBody);
  // Bodies are read once the caller may send one: after the read key check, and at the write
  // limit only on the two write routes (already past writeGuard); anything else that sends a
  // body, whatever its route or method, is held to the general limit.
  // OAuth discovery, which MCP clients probe: this server has no OAuth, and a 404 says so where a
  // 401 (a read key required) sent clients looking for an authorization server.
  app.use((request, _response, next) => next(request.path.startsWith('/.well-known/') ? noRouteFor(request) : undefined));
  app.use(requireForReads);
  const writeBody = jsonBody(settings.WRITE_MAX_BODY_BYTES, bodies);
  app.post('/v1/papers', writeBody);
  app.put('/v1/papers/:id', writeBody);
  app.patch('/v1/papers/:id', writeBody);
  app.use(generalBody);
  app.use(writeRoutes(writes));
  // Large answers take turns (see answerGate): pages and lookups of up to 1,000 papers (most of a
  // megabyte each). The map (2 MB at 75,000 papers) has turns of its own: one answer, built once,
  // is sent to every client, so it counts once per client against a bound it does not use up,
  // and its slow readers must not hold up the pages.
  const largeAnswers = answerGate({ concurrent: 2, heldBytes: 64 * 1024 * 1024, stalledMs: 30_000, waiting: 256 });
  app.get('/v1/papers', largeAnswers);
  app.post('/v1/papers/batch', largeAnswers);
  app.get('/v1/map', answerGate({ concurrent: 2, heldBytes: 256 * 1024 * 1024, stalledMs: 30_000, waiting: 256 }));
  app.post('/v1/search/batch', modelAnswerTurns());
  app.use(searchRoutes(service, apiKeys.configured));

  app.use(pageNotFound());
  app.use(routeNotFound);
  app.use(routeBeforeBodyRefusal);
  app.use(
    errorHandler([
      { path: settings.INDEX_DIR, setting: 'INDEX_DIR' },
      { path: walDirOf(settings), setting: 'WAL_DIR' },
      { path: settings.MODEL_DIR, setting: 'MODEL_DIR' },
    ]),
  );
  return app;
}

/**
 * Node's parser reads a request line naming HTTP/2.0 or HTTP/0.9 as HTTP/1.x (it refuses 1.2 and
 * 3.0 as not HTTP), and the request was answered as one, with no Host required. Neither is
 * spoken over this connection: HTTP/2 begins with its own preface, and HTTP/0.9 names no version.
 */
/** Request bodies held at once, in write bodies at their limit (256 MiB by default): see BodyBudget. */
const bodyBudgetWrites = 8;

const requireHttp1: RequestHandler = (request, _response, next) => {
  if (request.httpVersionMajor !== 1) throw new AppError('invalid_input', 'The request is not valid HTTP/1.1.');
  next();
};

/**
 * HTTP/1.1 requires one Host header (RFC 9112, 3.2); the server leaves the check to the app so the
 * answer has the error shape. Node keeps the first of two, so a second went unseen, and checks of
 * the host (/mcp's allowed hosts) saw one value while a proxy may have acted on the other.
 */
const requireHost: RequestHandler = (request, _response, next) => {
  if (request.httpVersion === '1.1' && request.headers.host === undefined) throw new AppError('invalid_input', 'An HTTP/1.1 request must carry a Host header.');
  const hostLines = request.rawHeaders.filter((name, i) => i % 2 === 0 && name.toLowerCase() === 'host').length;
  if (hostLines > 1) throw new AppError('invalid_input', `A request must carry one Host header, not ${hostLines}.`);
  next();
};

/**
 * Node reads nothing more from a connection once a request on it asks to `Upgrade` (there is no
 * other protocol here, and the request is answered as HTTP): a request pipelined behind it went
 * unanswered until the keep-alive timeout closed the connection. Saying the connection closes
 * after the answer tells the client to send the rest on a new one.
 */
const closeAfterUpgradeRequest: RequestHandler = (request, response, next) => {
  if (request.headers.upgrade !== undefined) response.setHeader('Connection', 'close');
  next();
};

/**
 * HTTP/1.0 has no Transfer-Encoding: an HTTP/1.0 proxy ahead of the server does not read a chunked
 * body as one, and may take its bytes for the start of another request, so RFC 9112 (6.1) has the
 * server answer such a request and close the connection. Node read the chunked body and went on:
 * a request pipelined after it was handled.
 */
const closeAfterHttp10TransferEncoding: RequestHandler = (request, response, next) => {
  if (request.httpVersion === '1.0' && request.headers['transfer-encoding'] !== undefined) {
    response.setHeader('Connection', 'close');
    handleNoMoreRequests(request.socket);
  }
  next();
};

/**
 * A transfer coding other than chunked (`gzip, chunked`): Node frames the body by its final
 * chunked and hands over the bytes still gzipped, which were refused as "not valid UTF-8" JSON,
 * sending the client to look at its body. RFC 9112 answers 501; compression goes in Content-Encoding.
 */
const refuseUnknownTransferCodings: RequestHandler = (request, _response, next) => {
  const declared = request.headers['transfer-encoding'];
  // A list's empty elements count for nothing (RFC 9110, 5.6.1).
  const codings =
    declared
      ?.split(',')
      .map((coding) => coding.trim().toLowerCase())
      .filter(Boolean) ?? [];
  if (codings.some((coding) => coding !== 'chunked')) {
    throw new AppError(
      'transfer_coding_unsupported',
      `The request's Transfer-Encoding "${declared}" names a coding this server does not implement (only chunked); send a compressed body with Content-Encoding instead.`,
    );
  }
  next();
};

/** Whether a paper's page has a paper to show; while the service starts or stops, it is taken to have one. */
async function paperShown(state: ServiceState, name: string): Promise<boolean> {
  if (!state.service) return true;
  try {
    return (await state.service.getPapers([name]))[0] !== undefined;
  } catch {
    // The page asks the API itself, and says what went wrong; its status need not.
    return true;
  }
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

/**
 * A request with a body must say it is JSON (or be a reference file already read as bytes); anything else gets a 415 before parsing.
 * A merge patch is one only with PATCH: a PUT of one would replace the whole paper with the few fields it holds.
 */
const requireJsonBody: RequestHandler = (request, _response, next) => {
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (hasBody && request.method !== 'PATCH' && request.is('application/merge-patch+json')) {
    throw new AppError(
      'unsupported_media_type',
      `A merge patch (application/merge-patch+json) is sent with PATCH; ${request.method} takes application/json${request.method === 'PUT' ? ' and replaces the whole paper' : ''}.`,
      { details: { contentType: request.headers['content-type'] ?? null } },
    );
  }
  if (hasBody && !Buffer.isBuffer(request.body) && !request.is(jsonTypes)) {
    const alternatives =
      request.method === 'POST' && request.path === '/v1/papers' ? ` (or ${importFormats.map((format) => exportMediaTypes[format]).join(' or ')})` : '';
    const fileRoute = request.is([...referenceMediaTypes]) ? '; a BibTeX, RIS or CSL-JSON file is written with POST /v1/papers' : '';
    throw new AppError(
      'unsupported_media_type',
      `The request body must be application/json${alternatives}, not ${request.headers['content-type'] ?? 'unspecified'}${fileRoute}.`,
      {
        details: { contentType: request.headers['content-type'] ?? null },
      },
    );
  }
  next();
};

/**
 * Express parses `trust proxy` as it is set and throws a TypeError for an address it cannot read:
 * its own parser is the check, and a bad TRUST_PROXY stops start-up as any bad setting does.
 */
function setTrustProxy(app: Express, settings: Pick<Config, 'TRUST_PROXY'>): void {
  try {
    const trusted = trustProxyOf(settings);
    app.set('trust proxy', trusted);
    if (typeof trusted === 'string') {
      // Express trusts every hop whose address is named, so a client whose own address is named
      // (on the proxy's machine or network) had its own X-Forwarded-For entries taken, and picked
      // its address: only the peer is the proxy, and the entry it appended is the client's.
      const isProxy = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
      app.set('trust proxy', (address: string, hop: number) => hop === 0 && isProxy(address, hop));
    }
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const problem = `TRUST_PROXY: ${error.message}; it takes true, false, a hop count, or addresses and subnets separated by commas (loopback, 10.0.0.0/8, ::1) (got ${JSON.stringify(settings.TRUST_PROXY)})`;
    throw new AppError('config_invalid', `Invalid configuration: ${problem}`, { details: { problems: [problem] } });
  }
}

/**
 * What the compression middleware compresses: what it would (text, JSON), and the export formats
 * it does not know as text (BibTeX and RIS are plain text, a few hundred KB a page), unless the
 * route chose to send it as it is (a related list computed now, see related-routes.ts).
 */
function compressible(request: Request, response: Response): boolean {
  if (isLeftUncompressed(response)) return false;
  const type = String(response.getHeader('Content-Type') ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  return formatOfMediaType(type) !== undefined || compression.filter(request, response);
}

/**
 * Turns for the routes whose answers wait on the model and can run to megabytes: a search batch
 * (64 searches of 100 papers, 11 MB) or a batch of MCP tool calls. 40 connections that pipelined
 * such batches and read nothing made the server hold 2.8 GB, and every other request waited over
 * a second. Many are built at once, since most of their time is the model's, which batches what
 * arrives together; none while the answers not taken by their clients pass the bound.
 */
function modelAnswerTurns(): RequestHandler {
  return answerGate({ concurrent: 32, heldBytes: 64 * 1024 * 1024, stalledMs: 30_000, waiting: 256 });
}
