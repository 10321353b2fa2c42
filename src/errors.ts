/**
 * The error catalog: every failure the service can report has one stable code here, and the code
 * fixes the HTTP status. Domain code throws AppError; only the HTTP error middleware turns it
 * into a response, and the CLIs turn it into a message and an exit code.
 */
export const errorCatalog = {
  invalid_input: { status: 400, message: 'The request is invalid.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  route_not_found: { status: 404, message: 'No such route.' },
  unauthorized: { status: 401, message: 'An API key is required: send Authorization: Bearer <key>.' },
  forbidden: { status: 403, message: 'The API key is not valid.' },
  host_not_allowed: { status: 403, message: 'The Host or Origin of the request is not allowed here (see MCP_ALLOWED_HOSTS).' },
  writes_disabled: { status: 403, message: 'Writes are disabled: no API key is configured (set API_KEYS).' },
  paper_not_found: { status: 404, message: 'No paper with this id.' },
  paper_exists: { status: 409, message: 'A paper with this id already exists.' },
  precondition_failed: { status: 412, message: "The paper is not in the state the request's If-Match or If-None-Match header names; nothing was written." },
  method_not_allowed: { status: 405, message: 'This method is not allowed on this route.' },
  headers_too_large: { status: 431, message: 'The request line and headers are too large (16 KiB at most).' },
  rate_limited: { status: 429, message: 'Too many requests; try again later.' },
  request_timeout: { status: 408, message: 'The request did not arrive in time.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  expectation_failed: { status: 417, message: 'The Expect header asks for something this server does not do.' },
  transfer_coding_unsupported: { status: 501, message: 'The request names a transfer coding this server does not implement (only chunked).' },
  unsupported_media_type: { status: 415, message: 'The request body must be application/json.' },
  feature_unavailable: { status: 409, message: 'This feature is not available on the storage backend this server uses.' },
  // The typed client's own failures (no answer, or one it cannot read), with the catalog's codes
  // so that the CLI and the MCP server report them like the server's.
  server_unreachable: { status: 502, message: 'The paper-search server cannot be reached.' },
  server_timeout: { status: 504, message: 'The paper-search server did not answer in time.' },
  invalid_response: { status: 502, message: "The paper-search server's answer does not match the API's schema." },
  not_ready: { status: 503, message: 'The service is starting: the model and index are not loaded yet.' },
  shutting_down: { status: 503, message: 'The service is shutting down.' },
  overloaded: { status: 503, message: 'The service is overloaded; try again shortly.' },
  // Never sent: the client has gone. It ends the request's work, and names it in the log.
  client_closed_request: { status: 499, message: 'The client closed the connection before its answer was ready.' },
  storage_unavailable: { status: 503, message: 'The storage backend cannot be reached; try again shortly.' },
  model_unavailable: { status: 503, message: 'The model is not available.' },
  write_failed: { status: 500, message: 'The write could not be made durable; it was not applied.' },
  write_pending_restart: {
    status: 500,
    message: 'The write is logged but could not be applied in memory: restart the server, which applies it from the write-ahead log.',
  },
  disk_full: { status: 507, message: 'The disk holding the index is full; nothing was written. Free space and try again.' },
  index_replaced: {
    status: 409,
    message: 'The index folder was rebuilt by another process while this server ran; writes are refused until the server is restarted on the new build.',
  },
  snapshot_failed: { status: 500, message: 'The snapshot failed; the write-ahead log still holds every write.' },
  map_building: { status: 503, message: 'The map of the collection is being computed; ask again after Retry-After seconds.' },
  map_failed: { status: 500, message: 'The map layout of the collection could not be computed.' },
  index_corrupt: { status: 500, message: 'The index files are damaged or incomplete.' },
  internal: { status: 500, message: 'Internal error.' },
  // Start-up and CLI failures: they never reach a client, but share the catalog so logs and
  // exit messages use the same stable codes.
  config_invalid: { status: 500, message: 'The configuration is invalid.' },
  port_unavailable: { status: 500, message: 'The server cannot listen on its address and port.' },
  model_unknown: { status: 500, message: 'Unknown model id.' },
  model_missing: { status: 500, message: 'The model files are missing.' },
  model_fetch_failed: { status: 500, message: 'The model files could not be fetched.' },
  model_checksum_mismatch: { status: 500, message: 'The model file does not match its pinned checksum.' },
  index_missing: { status: 500, message: 'No index was found.' },
  index_incompatible: { status: 500, message: 'The index cannot be served with this model or format.' },
  wal_corrupt: { status: 500, message: 'The write-ahead log is damaged.' },
  index_locked: { status: 500, message: 'The index folder is served, or being built, by another process.' },
  wal_incompatible: { status: 500, message: 'The write-ahead log was written in a record format this version does not read.' },
  input_unreadable: { status: 500, message: 'The input file cannot be read.' },
  input_malformed: { status: 500, message: 'The input file is malformed.' },
  input_rejected: { status: 500, message: 'A record was rejected (strict mode).' },
  command_unavailable: { status: 500, message: 'This command needs something this installation lacks.' },
  usage: { status: 400, message: 'The command line is wrong: see the command with --help.' },
  interrupted: { status: 500, message: 'Stopped by a signal; the work was abandoned.' },
  output_failed: { status: 500, message: "The command's output could not be written." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/** The start-up and command-line failures of the catalog: no answer of the API carries them. */
export const commandLineCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'config_invalid',
  'port_unavailable',
  'model_unknown',
  'model_missing',
  'model_fetch_failed',
  'model_checksum_mismatch',
  'index_missing',
  'index_incompatible',
  'wal_corrupt',
  'index_locked',
  'wal_incompatible',
  'input_unreadable',
  'input_malformed',
  'input_rejected',
  'command_unavailable',
  'usage',
  'interrupted',
  'output_failed',
]);

export interface AppErrorOptions {
  /** Machine-readable particulars for the client (the response's `error.details`). */
  details?: unknown;
  /** The underlying failure, for logs; never sent to a client. */
  cause?: unknown;
  /** When the client may try again (sent as `Retry-After`). */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message?: string, options: AppErrorOptions = {}) {
    super(message ?? errorCatalog[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The one JSON error shape every client sees. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function toErrorBody(error: AppError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

/** A file system write refused for want of space (or of the user's quota). */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Whether an answer's status is the server's own fault, logged as an error: not a 503 (the
 * service's passing state, said with Retry-After), nor a 501 (a client asking for what is not
 * implemented, a transfer coding).
 */
export function isServerFault(status: number): boolean {
  return status >= 500 && status !== 501 && status !== 503;
}

/** The process has no file descriptor left (its own limit, or the system's): a passing shortage, while connections hold them. */
export function isOutOfFileDescriptors(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}

/**
 * An error's message for an answer or a log line a client may see: Node's file system errors end
 * with the paths they were about (`…, open '/srv/index/wal-000007.log'`), and no answer names
 * the server's folders; each path is cut to its file name.
 */
export function describeFailure(error: unknown): string {
  const { message, path, dest } = (error ?? {}) as { message?: unknown; path?: unknown; dest?: unknown };
  let described = typeof message === 'string' ? message : String(error);
  for (const named of [path, dest]) {
    if (typeof named === 'string' && named.length > 0) described = described.split(named).join(named.split(/[\\/]/).pop() || named);
  }
  return described;
}

/** Whether a code (from another thread or process, say) is one of the catalog's. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorCatalog, code);
}

/** One problem with a request's input; `path` names the field (`k`, `filter.year.gte`, `queries.3.query`). */
export interface InputIssue {
  path: string;
  message: string;
  code: string;
}

/** The 400 for input the service cannot take, naming each problem. */
export function invalidInput(message: string, issues: readonly InputIssue[], extra: Record<string, unknown> = {}): AppError {
  return new AppError('invalid_input', message, { details: { issues, ...extra } });
}
