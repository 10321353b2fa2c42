import type { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { exportMediaTypes, type ExportFormat } from '../export/media-types.js';
import { errorResponseSchema } from '../http/response-schemas.js';

/**
 * A non-2xx answer, with the API's stable error code; also no answer at all: 502
 * `server_unreachable` (refused, unknown host, connection reset) and 504 `server_timeout`.
 * `retryAfterSeconds` is the answer's Retry-After (429 `rate_limited`, 503 `overloaded`,
 * `not_ready`, ...): how long to wait before sending the request again.
 */
export class PaperSearchError extends Error {
  constructor(
    readonly status: number,
    // A newer server may answer a code this client's catalog does not know yet.
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'PaperSearchError';
  }
}

export interface PaperSearchClientOptions {
  /** Sent with every request (an Authorization header, say); a call's own Accept and Content-Type win over these. */
  headers?: Record<string, string>;
  /** Replaces the global fetch (for tests, proxies, retries). */
  fetch?: typeof fetch;
  /**
   * How long a request may wait for its whole answer; past it the call fails with
   * `server_timeout` (status 504). None by default: fetch's own limits apply (5 minutes).
   */
  timeoutMs?: number;
  /**
   * Cancels every call of this client when it aborts (a sync the user stops): the call rejects
   * with the signal's reason, as fetch does (an AbortError unless another was given).
   */
  signal?: AbortSignal;
}

/** The paper's version, as its `ETag` gives it (a whole record's answer carries one), for a conditional write. */
export type Versioned<Answer> = Answer & { etag?: string };

/**
 * The client's wire: sends a call to the server (headers, timeout, cancellation) and reads its
 * answer, checked against the call's response schema, or the API error it stands for.
 */
export class ClientTransport {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(
    baseUrl: string,
    private readonly options: PaperSearchClientOptions = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** A JSON call; `body` is sent as JSON, or as text or bytes of `contentType` when one is given. */
  async call<Schema extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    schema: Schema,
    body?: unknown,
    contentType?: string,
  ): Promise<z.output<Schema>> {
    return (await this.answer(method, path, schema, body, {}, contentType)).data;
  }

  /** A call whose answer carries the paper's version, returned with it as `etag`. */
  async versioned<Schema extends z.ZodType<object>>(
    method: 'GET' | 'PUT' | 'PATCH',
    path: string,
    schema: Schema,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Versioned<z.output<Schema>>> {
    const { data, response } = await this.answer(method, path, schema, body, headers);
    return withEtag(data, response);
  }

  /**
   * A GET of a copy the client keeps, tagged `etag`: undefined while that copy is current (304
   * Not Modified, no body), else the answer and its new tag.
   */
  async revalidated<Schema extends z.ZodType<object>>(path: string, schema: Schema, etag: string): Promise<Versioned<z.output<Schema>> | undefined> {
    const sent = await this.send('GET', path, 'application/json', undefined, undefined, { 'if-none-match': etag });
    if (sent.response.status === 304) return undefined;
    const { data, response } = this.read('GET', path, schema, sent);
    return withEtag(data, response);
  }

  async answer<Schema extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    schema: Schema,
    body: unknown,
    headers: Record<string, string>,
    contentType?: string,
  ): Promise<{ data: z.output<Schema>; response: Response }> {
    return this.read(method, path, schema, await this.send(method, path, 'application/json', body, contentType, headers));
  }

  /** A JSON answer checked against `schema`, or the API error it stands for. */
  private read<Schema extends z.ZodType>(
    method: string,
    path: string,
    schema: Schema,
    { response, text }: { response: Response; text: string },
  ): { data: z.output<Schema>; response: Response } {
    const read = readJson(text);
    if (!read.ok)
      throw new PaperSearchError(response.status, 'invalid_response', `${method} ${path} answered ${response.status} with a body that is not JSON.`);
    if (!response.ok) throw failure(method, path, response, read.json);
    const parsed = parseAnswer(schema, read.json);
    if (!parsed.success) throw new PaperSearchError(response.status, 'invalid_response', `${method} ${path}: unexpected response: ${parsed.error.message}`);
    return { data: parsed.data, response };
  }

  /** A call answered in an export format: the exported text; failures are JSON errors as for any call. */
  async export(method: 'GET' | 'POST', path: string, format: ExportFormat, body?: unknown): Promise<string> {
    return (await this.exportAnswer(method, path, format, body)).text;
  }

  async exportAnswer(method: 'GET' | 'POST', path: string, format: ExportFormat, body?: unknown): Promise<{ response: Response; text: string }> {
    const { response, text } = await this.send(method, path, exportMediaTypes[format], body);
    if (!response.ok) {
      const read = readJson(text);
      throw failure(method, path, response, read.ok ? read.json : undefined);
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith(exportMediaTypes[format])) {
      throw new PaperSearchError(
        response.status,
        'invalid_response',
        `${method} ${path} answered ${type || 'no content type'}, not ${exportMediaTypes[format]}.`,
      );
    }
    return { response, text };
  }

  private async send(
    method: string,
    path: string,
    accept: string,
    body: unknown,
    contentType?: string,
    headers: Record<string, string> = {},
  ): Promise<{ response: Response; text: string }> {
    const { timeoutMs, signal: cancel } = this.options;
    const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    const signals = [cancel, timeout].filter((given) => given !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    // The call's Accept and Content-Type say what it takes and sends: a default of the same name,
    // in any case, must not replace them or be joined to them.
    const requestHeaders = new Headers(this.options.headers);
    requestHeaders.set('accept', accept);
    if (body !== undefined) requestHeaders.set('content-type', contentType ?? 'application/json');
    for (const [name, value] of Object.entries(headers)) requestHeaders.set(name, value);
    try {
      const response = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: requestHeaders,
        // Bytes come from the import methods, typed Uint8Array<ArrayBuffer> as fetch takes them.
        body:
          body === undefined ? undefined : contentType ? (body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : String(body)) : JSON.stringify(body),
        signal,
      });
      return { response, text: await response.text() };
    } catch (error) {
      if (cancel?.aborted) throw cancel.reason;
      if (timeout?.aborted) {
        throw new PaperSearchError(504, 'server_timeout', `${method} ${path}: ${this.baseUrl} did not answer within ${timeoutMs! / 1000} s.`);
      }
      // fetch's TypeError ("fetch failed", the reason in its cause: refused, unknown host, reset).
      if (error instanceof TypeError) {
        const cause = error.cause as { code?: string; message?: string } | undefined;
        const reason = cause?.code ?? cause?.message ?? error.message;
        throw new PaperSearchError(502, 'server_unreachable', `${method} ${path}: the paper-search server at ${this.baseUrl} cannot be reached (${reason}).`, {
          reason,
        });
      }
      throw error;
    }
  }
}

/** An answer with the version its ETag names, when it has one. */
function withEtag<Data extends object>(data: Data, response: Response): Versioned<Data> {
  const etag = response.headers.get('etag');
  return etag === null ? data : Object.assign(data, { etag });
}

/** A body's JSON (undefined when empty), or not ok when it is not JSON. */
function readJson(text: string): { ok: true; json: unknown } | { ok: false } {
  if (text.length === 0) return { ok: true, json: undefined };
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The error a non-2xx answer stands for: the API's own, or invalid_response when the body is not one. */
function failure(method: string, path: string, response: Response, json: unknown): PaperSearchError {
  const { status } = response;
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  const error = errorResponseSchema.safeParse(json);
  if (error.success) return new PaperSearchError(status, error.data.error.code, error.data.error.message, error.data.error.details, retryAfter);
  return new PaperSearchError(status, 'invalid_response', `${method} ${path} answered ${status}.`, undefined, retryAfter);
}

/** A Retry-After header in seconds from now: a number of seconds, or a date (RFC 9110 §10.2.3). */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * An answer as `schema` reads it, with the fields it does not know left out. The response
 * schemas are strict, which holds the server to its documented answers (its tests and the
 * OpenAPI document); a client of an earlier version must still read the answer of a later server
 * that adds a field (a write's `warnings`) rather than fail on a write that succeeded.
 */
function parseAnswer<Schema extends z.ZodType>(schema: Schema, json: unknown): z.ZodSafeParseResult<z.output<Schema>> {
  const parsed = schema.safeParse(json);
  if (parsed.success || !parsed.error.issues.every((issue) => issue.code === 'unrecognized_keys')) return parsed;
  const known = structuredClone(json);
  for (const issue of parsed.error.issues) {
    const holder = issue.path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown>)[key], known) as Record<string, unknown>;
    for (const key of issue.code === 'unrecognized_keys' ? issue.keys : []) delete holder[key];
  }
  return schema.safeParse(known);
}
