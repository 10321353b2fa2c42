import { resolve } from 'node:path';
import zlib from 'node:zlib';
import type { ErrorRequestHandler, Request } from 'express';
import { AppError, isAppError, isOutOfFileDescriptors, isServerFault, toErrorBody, type ErrorBody, type ErrorCode, type InputIssue } from '../errors.js';
import { payloadTooLarge } from './body-parsers.js';
import { lingerBeforeClosing } from './lingering-close.js';
import { noteRejection } from './request-logging.js';
import { isMcpPath } from './rate-limit.js';

/** The request Content-Encodings body-parser decompresses: zstd where Node's zlib has it (22.15 and later). */
const decompressedCodings = ['gzip', 'deflate', 'br', ...('createZstdDecompress' in zlib ? ['zstd'] : [])];

/** body-parser's failure types, mapped to catalog codes. */
const bodyParserErrors: Record<string, (error: Error, request: Request) => AppError> = {
  'entity.parse.failed': (error, request) => new AppError('invalid_json', unparsableBodyMessage(error, request)),
  'entity.too.large': (error) => payloadTooLarge((error as Error & { limit?: number }).limit),
  'encoding.unsupported': (error) => {
    const encoding = (error as Error & { encoding?: string }).encoding;
    return new AppError(
      'unsupported_media_type',
      `The request body's Content-Encoding "${encoding}" is not one this server decompresses (${decompressedCodings.join(', ')}).`,
      {
        details: { encoding },
      },
    );
  },
  'charset.unsupported': (error) => {
    const charset = (error as Error & { charset?: string }).charset;
    return new AppError('unsupported_media_type', `The request body must be UTF-8 JSON; its Content-Type names the charset "${charset}".`, {
      details: { charset },
    });
  },
  'request.aborted': () => new AppError('invalid_input', 'The request was aborted while its body was read.'),
  'request.size.invalid': () => new AppError('invalid_input', 'The request body is shorter or longer than its Content-Length.'),
  'stream.encoding.set': () => new AppError('internal'),
};

/**
 * body-parser refuses JSON that is not an object or array (`"hi"`, `null`) with the same error as
 * broken JSON; saying which it is tells the client what to fix.
 */
function unparsableBodyMessage(error: Error, request: Request): string {
  const body = (error as Error & { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const value: unknown = JSON.parse(body);
      return `The request body must be a JSON object; it is valid JSON, but ${value === null ? 'null' : `a ${typeof value}`}.`;
    } catch {
      // Broken JSON: the parser's own message says where.
    }
  }
  return `The request body is not valid JSON: ${error.message}${request.method === 'POST' && /^\/v1\/papers\/?$/i.test(request.path) ? referenceFileHint(body) : ''}`;
}

/** What to send a BibTeX or RIS file as, for a body of POST /v1/papers that reads as one sent as JSON. */
function referenceFileHint(body: unknown): string {
  if (typeof body !== 'string') return '';
  const start = body.trimStart();
  if (/^@[a-z]+\s*[{(]/i.test(start)) return '. It reads as BibTeX: send it to POST /v1/papers with Content-Type: application/x-bibtex.';
  if (/^TY {1,2}- /.test(start)) return '. It reads as RIS: send it to POST /v1/papers with Content-Type: application/x-research-info-systems.';
  return '';
}

/**
 * Errors from Express's own layers (body parsing, decompression, path decoding) carry an HTTP
 * status in the http-errors style; a 4xx among them is the client's mistake, never a 500.
 */
function toAppError(error: unknown, request: Request): AppError {
  if (isAppError(error)) return error;
  const { type, status, code } = (error ?? {}) as { type?: unknown; status?: unknown; code?: unknown };
  if (typeof type === 'string' && bodyParserErrors[type]) return bodyParserErrors[type](error as Error, request);
  // The decompressor's own failure (zlib's Z_DATA_ERROR, brotli's ERR__ERROR_FORMAT_…, zstd's
  // ZSTD_error_…), which body-parser passes on untyped: the body is not what its Content-Encoding says.
  const encoding = request.headers['content-encoding'];
  if (status === 400 && typeof code === 'string' && encoding !== undefined && !/^\s*identity\s*$/i.test(encoding)) {
    return new AppError('invalid_input', `The request body cannot be decompressed as its Content-Encoding "${encoding}" says: ${(error as Error).message}.`, {
      details: { encoding },
    });
  }
  if (error instanceof URIError) return new AppError('invalid_input', 'The request path is not valid percent-encoding.');
  if (isOutOfFileDescriptors(error)) {
    return new AppError('overloaded', 'The server has no file descriptor left (too many open connections); try again shortly.', { retryAfterSeconds: 5 });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = error instanceof Error ? error.message : undefined;
    if (status === 413) return new AppError('payload_too_large', message);
    if (status === 415) return new AppError('unsupported_media_type', message);
    return new AppError('invalid_input', message ? `The request cannot be read: ${message}` : undefined);
  }
  return new AppError('internal');
}

/**
 * When to try again after a 503 whose cause carries no estimate: a server still loading is
 * usually ready within seconds, and one stopping is being restarted or replaced.
 */
export const notReadyRetryAfterSeconds = 5;
const unavailableRetryAfterSeconds: Partial<Record<ErrorCode, number>> = { not_ready: notReadyRetryAfterSeconds, shutting_down: notReadyRetryAfterSeconds };

/**
 * The one place errors become responses: the catalog fixes status and code; 5xx are logged as
 * errors. `serverFolders` are the folders the server keeps its files in, each with the setting
 * that names it: an answer names the setting instead (`<INDEX_DIR>`), so no client learns where
 * on its disk the server keeps them (a damaged index named its folder in the snapshot's 500).
 */
export function errorHandler(serverFolders: readonly ServerFolder[] = []): ErrorRequestHandler {
  const hidePaths = hidingFolders(serverFolders);
  return (error: unknown, request, response, next) => {
    if (response.headersSent) return next(error);
    const appError = hidePaths(locateIssues(toAppError(error, request), request.method === 'GET' || request.method === 'DELETE' ? 'query' : 'body'));
    if (isServerFault(appError.status)) request.log.error({ err: error, code: appError.code }, 'request failed');
    else noteRejection(response, appError.code, appError.message);
    const retryAfter = appError.retryAfterSeconds ?? unavailableRetryAfterSeconds[appError.code];
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    // An oversized body is not read to its end: closing the connection stops the client sending it,
    // where keeping it open would take in every byte (200 MB for a 200 MB upload) to reuse it.
    if (appError.code === 'payload_too_large') {
      response.setHeader('Connection', 'close');
      lingerBeforeClosing(request.socket);
    }
    const body = toErrorBody(appError);
    response.status(appError.status).json(isMcpPath(request.path) ? mcpErrorBody(body) : body);
  };
}

/** A folder of the server's disk and the setting that names it. */
export interface ServerFolder {
  path: string;
  setting: string;
}

/** An AppError with every mention of the folders, in its message and details, replaced by `<SETTING>`. */
function hidingFolders(folders: readonly ServerFolder[]): (error: AppError) => AppError {
  // Absolute and as configured, longest first, so a folder inside another is named by its own setting.
  const mentions = folders
    // A relative form only with a separator: a folder named "data" would hide every "data" of a message.
    .flatMap(({ path, setting }) =>
      [resolve(path), ...(/[\\/]/.test(path) ? [path.replace(/[\\/]+$/, '')] : [])].map((form) => ({ form, name: `<${setting}>` })),
    )
    .filter(({ form }) => form.length > 1)
    .sort((a, b) => b.form.length - a.form.length)
    // Whole names only: /srv/idx does not name /srv/idx2 (its staging folder /srv/idx.staging-1 it does).
    .map(({ form, name }) => ({ pattern: new RegExp(`${form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_-])`, 'gu'), name }));
  const hide = (text: string) => mentions.reduce((hidden, { pattern, name }) => hidden.replace(pattern, name), text);
  const hideIn = (value: unknown): unknown => {
    if (typeof value === 'string') return hide(value);
    if (Array.isArray(value)) return value.map(hideIn);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, hideIn(inner)]));
    return value;
  };
  return (error) => {
    if (mentions.length === 0) return error;
    const message = hide(error.message);
    const details = hideIn(error.details);
    if (message === error.message && JSON.stringify(details) === JSON.stringify(error.details)) return error;
    return new AppError(error.code, message, { details, cause: error.cause, retryAfterSeconds: error.retryAfterSeconds });
  };
}

/**
 * An error of the MCP endpoint (a key refused, a body too large, a rate limit) as a JSON-RPC error
 * with no id, as the transport's own refusals are: MCP clients read the message from there (the
 * Python SDK showed only "Server returned an error response" for the REST shape). The API's error
 * body is its data. -32000 is the code the SDK's transport gives its own HTTP-level refusals.
 */
function mcpErrorBody(body: ErrorBody) {
  return { jsonrpc: '2.0', id: null, error: { code: -32000, message: body.error.message, data: body.error } };
}

/**
 * Services name a bad field by its place in their input (`offset`, `papers.3`); a client reads it
 * in the request, so those paths are prefixed with where the input came from (`body.offset`).
 */
function locateIssues(error: AppError, where: 'body' | 'query'): AppError {
  const details = error.details as { issues?: InputIssue[] } | undefined;
  if (error.code !== 'invalid_input' || !Array.isArray(details?.issues)) return error;
  const located = details.issues.map((issue) =>
    /^(body|query|params)(\.|$)/.test(issue.path) ? issue : { ...issue, path: issue.path ? `${where}.${issue.path}` : where },
  );
  return new AppError(error.code, error.message, { details: { ...details, issues: located }, cause: error.cause, retryAfterSeconds: error.retryAfterSeconds });
}
