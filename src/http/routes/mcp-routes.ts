import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { DEFAULT_NEGOTIATED_PROTOCOL_VERSION, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { AppError, isAppError } from '../../errors.js';
import { localBackend } from '../../mcp/local-backend.js';
import { createMcpServer } from '../../mcp/mcp-server.js';
import { jsonRpcError, refusalOfBody, refuseInvalidParams } from '../../mcp/request-checks.js';
import type { SearchService } from '../../search/search-service.js';
import type { WriteService } from '../../writes/write-service.js';
import type { ApiKeys } from '../auth.js';
import type { ClientRateLimit } from '../rate-limit.js';
import { jsonBody, jsonTypes, type BodyBudget } from '../body-parsers.js';
import { callerOf } from '../caller.js';
import { methodNotAllowed } from '../route-refusals.js';
import { whenAnswerDone } from '../answer-done.js';

export interface McpRouteOptions {
  apiKeys: ApiKeys;
  authReads: boolean;
  /** Host names allowed in Host and Origin; `*` allows any. */
  allowedHosts: readonly string[];
  maxBodyBytes: number;
  writeMaxBodyBytes: number;
  /** The room the app's request bodies share. */
  bodies: BodyBudget;
  /** The API's rate limit, when one is set: each message of a JSON-RPC batch counts as a request. */
  rateLimit: ClientRateLimit | undefined;
  search: (response: Response) => SearchService;
  writes: (response: Response) => WriteService;
  /** Turns for the answers, once the caller is let in (see answerGate): a batch of tool calls can answer megabytes. */
  answerTurns: RequestHandler;
}

/**
 * MCP over Streamable HTTP at /mcp, stateless: each POST is one JSON-RPC exchange answered as
 * JSON by a server made for it, so no session lives between requests (and any instance behind a
 * load balancer can answer). Host and Origin are checked first (DNS rebinding protection), then
 * the key, with the REST API's rules: reads are open unless AUTH_READS, and a valid key offers
 * the write tools; only then is the body read, with the write limit when the key allows writes.
 */
export function mcpRoutes(options: McpRouteOptions): Router {
  const router = Router();
  const readGuard = options.apiKeys.requireForReads(options.authReads);
  const keyGuard = options.apiKeys.requireForReads(true);
  const readBody = jsonBody(options.maxBodyBytes, options.bodies);
  const writeBody = jsonBody(options.writeMaxBodyBytes, options.bodies);

  router.use('/mcp', allowedHostsOnly(options.allowedHosts));
  router.post(
    '/mcp',
    (request, response, next) => {
      // Express, compression and the app's own accounting (the body's room, metrics, turns, a
      // hang-up's abort, the shutdown's wait) each watch the answer close: past Node's default of
      // 10, which printed a MaxListenersExceededWarning for every call to /mcp.
      response.setMaxListeners(32);
      // A key that is presented must be valid, even where reads need none: a client that sends
      // one means to write, and should hear that the key is wrong rather than lose the write tools.
      const keyPresented = request.headers.authorization !== undefined && options.apiKeys.configured;
      response.locals.mcpWrites = keyPresented;
      (keyPresented ? keyGuard : readGuard)(request, response, next);
    },
    (request, response, next) => {
      if (request.is(jsonTypes) === false) {
        const type = request.headers['content-type'];
        throw new AppError(
          'unsupported_media_type',
          `MCP requests must be application/json, not ${type === undefined ? 'a body without Content-Type' : type}.`,
        );
      }
      (response.locals.mcpWrites ? writeBody : readBody)(request, response, (error?: unknown) => {
        // JSON-RPC's own parse error for a body that is not UTF-8 or not JSON, rather than the REST API's invalid_json.
        if (isAppError(error) && error.code === 'invalid_json') {
          response.status(400).json(jsonRpcError(null, ErrorCode.ParseError, `Parse error: ${error.message}`));
          return;
        }
        if ((error as { type?: string } | undefined)?.type === 'entity.parse.failed') {
          response.status(400).json(refusalOfUnparsed((error as { body?: unknown }).body));
          return;
        }
        next(error);
      });
    },
    // Once the body is in: a slow upload must not hold a turn.
    options.answerTurns,
    async (request, response) => {
      const refusal = refusalOfBody(request.body);
      if (refusal) {
        response.status(400).json(refusal);
        return;
      }
      // The request counted one; a batch of 100 tool calls is 100 (it was one).
      if (Array.isArray(request.body) && request.body.length > 1) await options.rateLimit?.countMore(response, request.body.length - 1);
      if (!acceptingBothForJsonClients(request)) {
        // The SDK's own 406 says a client must accept both types; JSON alone is what this endpoint needs.
        response.status(406).json(jsonRpcError(null, notAcceptable, 'Not Acceptable: this endpoint answers application/json; send Accept: application/json.'));
        return;
      }
      // Its client gone already: no server to start for an answer no one takes.
      if (request.socket.destroyed) return;
      const writes = response.locals.mcpWrites === true ? options.writes(response) : undefined;
      // Stateless: the version a client agreed on comes with each request, 2025-03-26 where it is not named (the protocol's rule).
      const agreedVersion = () => request.headers['mcp-protocol-version']?.toString() ?? DEFAULT_NEGOTIATED_PROTOCOL_VERSION;
      const server = createMcpServer(
        localBackend(options.search(response), writes, callerOf(response)),
        request.log,
        agreedVersion,
        options.apiKeys.configured ? 'connect with an API key' : 'this server takes no writes (it has no API_KEYS)',
        { limit: toolCallsAtOnce, signal: callerOf(response).signal, answerChars: answerCharsPerRequest },
      );
      // The web-standard transport, whose answer is a Response this route sends (see sendAnswer):
      // every answer is one JSON body (enableJsonResponse), and a batch's must be an array.
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      whenAnswerDone(request.socket, response, () => void server.close());
      await server.connect(transport);
      refuseInvalidParams(transport);
      await sendAnswer(response, await transport.handleRequest(webRequestOf(request), { parsedBody: request.body }), Array.isArray(request.body));
    },
  );
  // Stateless: no server-to-client stream (GET) and no session to end (DELETE).
  router.all('/mcp', methodNotAllowed(['POST']));
  return router;
}

/** The request as the web-standard transport reads it: method, URL and headers; the body is passed parsed. */
function webRequestOf(request: Request): globalThis.Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  // The Host was checked (allowedHostsOnly) and is not needed here: a fixed origin cannot fail to parse.
  return new globalThis.Request(new URL(request.originalUrl, 'http://localhost'), { method: request.method, headers });
}

/**
 * Sends the transport's answer. JSON-RPC 2.0 answers a batch with an array, one holding a single
 * request too (with notifications, say); the SDK sends the answer of such a batch alone, as an
 * object, which a client matching a batch's answers by array cannot read.
 */
async function sendAnswer(response: Response, answer: globalThis.Response, batch: boolean): Promise<void> {
  const text = await answer.text();
  response.status(answer.status);
  answer.headers.forEach((value, name) => response.setHeader(name, value));
  response.end(batch && answer.status === 200 && text.startsWith('{') ? `[${text}]` : text);
}

/**
 * Tool calls of one HTTP request (a batch) run at once: a few, so a batch's model calls still
 * overlap, while other clients' requests are answered between its calls.
 */
const toolCallsAtOnce = 4;

/**
 * The characters of text a batch's tool answers may hold (about 4 MB of JSON, the text and its
 * structured copy): some 1,100 papers cited, a hundred searches of 50 papers well within it. The
 * answer is encoded at once, about 50 ms a megabyte of the server's one thread.
 */
const answerCharsPerRequest = 2_000_000;

/** Refuses a Host, or a browser's Origin, whose host name is not allowed: a page on another site cannot reach /mcp through a rebound DNS name. */
function allowedHostsOnly(allowed: readonly string[]): RequestHandler {
  if (allowed.includes('*')) return (_request, _response, next) => next();
  return (request, _response, next) => {
    const { host, origin } = request.headers;
    const hostName = hostNameOf(host === undefined ? undefined : `http://${host}`);
    if (hostName === undefined || !allowed.includes(hostName)) {
      throw new AppError('host_not_allowed', `The Host "${host ?? ''}" is not allowed for /mcp (allowed: ${allowed.join(', ')}; see MCP_ALLOWED_HOSTS).`, {
        details: { host: host ?? null },
      });
    }
    if (origin !== undefined && !allowed.includes(hostNameOf(origin) ?? '')) {
      throw new AppError('host_not_allowed', `The Origin "${origin}" is not allowed for /mcp (allowed hosts: ${allowed.join(', ')}; see MCP_ALLOWED_HOSTS).`, {
        details: { origin },
      });
    }
    next();
  };
}

function hostNameOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The JSON-RPC error code the SDK gives its own 406, kept for clients that read it. */
const notAcceptable = -32000;

/**
 * The SDK answers 406 to a POST whose Accept does not list both application/json and
 * text/event-stream, though this stateless endpoint only ever answers JSON: `curl` (any type) and
 * clients that send no Accept or only application/json were refused. Such a request is taken as
 * accepting both; false for one that does not accept JSON (`text/html`, `application/json;q=0`). The
 * transport reads the headers webRequestOf copies, so that is where the header is set.
 */
function acceptingBothForJsonClients(request: Request): boolean {
  const { accept } = request.headers;
  // Read as HTTP reads it: case-insensitive, wildcards, and q=0 refusing a type (application/json;q=0).
  if (accept && request.accepts('application/json') === false) return false;
  if (accept?.includes('application/json') && accept.includes('text/event-stream')) return true;
  const both = 'application/json, text/event-stream';
  request.headers.accept = both;
  return true;
}

/**
 * What body-parser refused: text that is not JSON is a parse error (-32700); JSON that is neither
 * an object nor an array (`null`, `"text"`) is JSON-RPC's invalid request (-32600).
 */
function refusalOfUnparsed(text: unknown): ReturnType<typeof jsonRpcError> {
  try {
    JSON.parse(String(text));
  } catch {
    return jsonRpcError(null, ErrorCode.ParseError, 'Parse error: the body is not JSON.');
  }
  return jsonRpcError(null, ErrorCode.InvalidRequest, 'Invalid request: the body is JSON, but neither a JSON-RPC message (an object) nor a batch (an array).');
}
