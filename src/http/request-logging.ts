import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { isServerFault } from '../errors.js';
import type { Logger } from '../log.js';
import { wasCutAtShutdown } from './connection-drain.js';
import { wasLeftUnhandled } from './connection-requests.js';
import { answerOutsideApp, type OutsideAppAnswer } from './unparsable-request.js';

const requestIdPattern = /^[\w.:-]{1,128}$/;
/** Probed every few seconds by orchestrators and scrapers: logged at debug, whatever they answer. */
const probePaths = new Set(['/healthz', '/readyz', '/metrics']);

/** Words a query parameter's name holds when a client may mean its value as a secret (no route reads one: keys go in the Authorization header). */
const secretWords = /key|token|secret|passw|credential|signature|bearer|verifier|assertion/;
// Short names signed URLs and OAuth use for theirs: Azure's SAS `sig`, `jwt`, an authorization `code`.
const secretNames = /^(auth|authorization|session|sessionid|sig|sas|jwt|pwd|pass|otp|code|cookie)$/;

/**
 * A parameter named like a secret, judged on its letters alone: `api_key[]`, `key.` or `key%00`
 * (decoded, a NUL after the word) name one as `api_key` does, and were logged as sent.
 */
function isSecretParameter(name: string): boolean {
  const lower = name.toLowerCase();
  const letters = lower.replace(/[^a-z]/g, '');
  // Each piece too: `auth_code` and `oauth_code` hold a short name among others.
  return secretWords.test(letters) || secretNames.test(letters) || lower.split(/[^a-z]+/).some((piece) => secretNames.test(piece));
}

/** A raw query that may name a secret: one of the words a secret parameter's name holds, or a percent-escape that may spell one. */
const mayNameSecret = /key|token|secret|pass|credential|signature|bearer|verifier|assertion|auth|session|sig|sas|jwt|pwd|otp|code|cookie|%/i;

/**
 * The URL as logged: the value of any query parameter named like a secret (`?api_key=…`) replaced.
 * Every request is logged, so a query without such a word (`?k=10`) is returned unparsed.
 */
export function withoutSecrets(url: string): string {
  const start = url.indexOf('?');
  if (start < 0 || !mayNameSecret.test(url.slice(start + 1))) return url;
  const parameters = new URLSearchParams(url.slice(start + 1));
  if (![...parameters.keys()].some(isSecretParameter)) return url;
  for (const name of new Set(parameters.keys())) {
    if (isSecretParameter(name)) parameters.set(name, '[redacted]');
  }
  return `${url.slice(0, start)}?${parameters.toString()}`;
}

/** Why a request was refused (a 4xx), said in its one log line rather than a line of its own. */
const rejections = new WeakMap<object, { code: string; message: string }>();

export function noteRejection(response: object, code: string, message: string): void {
  rejections.set(response, { code, message });
}

function withRejection(response: object, fields: object): object {
  const rejection = rejections.get(response);
  return rejection ? { ...fields, ...rejection } : fields;
}

/**
 * One log line per request, carrying its request id (the client's X-Request-Id if it sent a
 * valid one, else a new UUID, echoed in the response); a refused one adds the error's code and message. Only the method, URL and peer address of a request are
 * logged: never its headers, so never an API key, and not one sent in the query by mistake. A 5xx is an error, except a 503 (starting,
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
      if (wasLeftUnhandled(request)) return 'silent';
      if (probePaths.has(request.url?.split('?')[0] ?? '')) return 'debug';
      if (response.statusCode === 503) return 'warn';
      // pino-http makes up an error for every 5xx: only a fault of the server's is one.
      return isServerFault(response.statusCode) || (error !== undefined && response.statusCode < 500) ? 'error' : 'info';
    },
    customSuccessObject: (_request, response, fields: object) => withRejection(response, fields),
    // pino-http's own words, but for a request whose connection the shutdown timeout closed, which a client's leaving would look like.
    customSuccessMessage: (request, response) => {
      if (wasCutAtShutdown(response)) return 'request cut by the shutdown timeout';
      // Answered where its body broke off: the status and code its client got, not the app's.
      const outside = answerOutsideApp(request);
      if (outside) return `request refused while its body was read: ${outside.status} ${outside.code}: ${outside.message}`;
      return !request.readableAborted && response.writableEnded ? 'request completed' : 'request aborted';
    },
    // pino-http takes every 5xx, a 503 refusal too, for an error: the 503 the shutdown timeout gives too.
    customErrorMessage: (_request, response) => (wasCutAtShutdown(response) ? 'request cut by the shutdown timeout' : 'request errored'),
    customErrorObject: (_request, response, _error, fields: object) => withRejection(response, fields),
    serializers: {
      // The client's address, so an operator can tell which client is refused or floods: Express's
      // request.ip, the forwarded one behind a proxy TRUST_PROXY trusts.
      req: (request: { id: unknown; method: string; url: string; remoteAddress?: string; raw?: { ip?: string } }) => ({
        id: request.id,
        method: request.method,
        url: withoutSecrets(request.url),
        remoteAddress: request.raw?.ip ?? request.remoteAddress,
      }),
      // pino's own serializer says null for an answer whose headers were not sent: so is the 503
      // the shutdown timeout wrote on the connection itself.
      res: (response: { statusCode: number | null; raw?: ServerResponse }) => ({
        statusCode: response.raw !== undefined && wasCutAtShutdown(response.raw) ? response.raw.statusCode : response.statusCode,
      }),
      // pino-http makes up an error for every 5xx; a 503 has nothing to trace. Real failures
      // are logged by the error middleware with their cause.
      err: (error: Error) => (error.message.startsWith('failed with status code') ? undefined : pino.stdSerializers.err(error)),
    },
  }) as RequestHandler;
}

/**
 * The one log line of a request answered before it reached a route (431, bytes that are not HTTP,
 * a 408, an unmet Expect, CONNECT), in the shape of the others: they were counted in the metrics
 * under route="unparsed" and logged nowhere.
 */
export function logAnswerOutsideApp(log: Logger, answer: OutsideAppAnswer): void {
  const level = answer.status === 503 ? 'warn' : isServerFault(answer.status) ? 'error' : 'info';
  log[level](
    {
      req: {
        id: answer.requestId,
        method: answer.method,
        ...(answer.url === undefined ? {} : { url: withoutSecrets(answer.url) }),
        remoteAddress: answer.remoteAddress,
      },
      res: { statusCode: answer.status },
      code: answer.code,
      message: answer.message,
    },
    'request refused before it reached a route',
  );
}
