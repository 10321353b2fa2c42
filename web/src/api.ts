import { exportMediaTypes, type ExportFormat } from '../../src/export/media-types.js';
import type {
  FacetsResponse,
  HitsResponse,
  PaperResponse,
  RecommendRequest,
  SearchRequest,
  SimilarRequest,
  StatsResponse,
} from '../../src/client/paper-search-client.js';

export type Hit = HitsResponse['hits'][number];
export type Paper = PaperResponse['paper'];
export type { FacetsResponse, HitsResponse, PaperResponse, RecommendRequest, SearchRequest, SimilarRequest, StatsResponse };

/** An API failure as a sentence for a person (never the JSON), with the API's code for the page's logic. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** When the server says to try again (Retry-After), in seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Whether the same request may succeed later: the server was unreachable, slow, busy or failing, not refusing the request itself. */
  get passing(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

interface ErrorBody {
  error?: {
    code?: string;
    message?: string;
    details?: { issues?: { path?: string; message?: string }[]; ids?: string[]; id?: string; retryAfterSeconds?: number };
  };
}

/** The API's answer, or an ApiError whose message can be shown as it is. `signal` cancels a request the person has moved past. */
export async function api<Answer>(path: string, init: { body?: unknown; signal?: AbortSignal } = {}): Promise<Answer> {
  const answer = parsedJson(await answerText(path, init, 'application/json'));
  // Every answer of the API is JSON: any other is a proxy's page or a cut answer, which was taken for no data.
  if (answer === undefined) throw new ApiError(0, 'unreadable_answer', "The server's answer could not be read. Try again in a moment.");
  return answer as Answer;
}

/** The papers `ids`, in that order, as a reference manager's file (POST /v1/papers/batch?format=…), or an ApiError. */
export function exportedPapers(ids: readonly string[], format: ExportFormat): Promise<string> {
  return answerText(`/v1/papers/batch?format=${format}`, { body: { ids } }, exportMediaTypes[format]);
}

/** The address of one paper as a reference manager's file. */
export function exportedPaperPath(id: string, format: ExportFormat): string {
  return `/v1/papers/${encodeURIComponent(id)}?format=${format}`;
}

export function exportedPaper(id: string, format: ExportFormat): Promise<string> {
  return answerText(exportedPaperPath(id, format), {}, exportMediaTypes[format]);
}

/**
 * How long the page waits for an answer: a server that stopped answering (suspended, or a proxy
 * holding the connection) left "Searching…" on screen for good. A running server refuses, itself,
 * a search whose model call cannot start within REQUEST_TIMEOUT_MS (30 s by default).
 */
const answerTimeoutMs = 45_000;

async function answerText(path: string, init: { body?: unknown; signal?: AbortSignal }, accept: string): Promise<string> {
  // One signal for both reasons to stop, joined by hand: AbortSignal.any is too recent for some browsers.
  const stopped = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stopped.abort();
  }, answerTimeoutMs);
  const stop = () => stopped.abort();
  if (init.signal?.aborted) stop();
  init.signal?.addEventListener('abort', stop, { once: true });
  try {
    const response = await fetch(path, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: init.body === undefined ? { accept } : { accept, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: stopped.signal,
    });
    return await checkedText(response);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (timedOut) throw new ApiError(0, 'timeout', `The server did not answer within ${answerTimeoutMs / 1000} seconds. Try again in a moment.`);
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'unreachable', 'The server cannot be reached. Check that it is running, then try again.');
  } finally {
    clearTimeout(timer);
    init.signal?.removeEventListener('abort', stop);
  }
}

/** The answer's text, or an ApiError saying why the server refused. */
async function checkedText(response: Response): Promise<string> {
  const text = await response.text();
  if (!response.ok) {
    const body = parsedJson(text) as ErrorBody | undefined;
    const retryAfter = Number(response.headers.get('retry-after') ?? body?.error?.details?.retryAfterSeconds);
    throw new ApiError(
      response.status,
      body?.error?.code ?? 'http_error',
      sentenceFor(response.status, body),
      Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
    );
  }
  return text;
}

/** JSON text as a value; undefined for no text or text that is not JSON (an error page from a proxy). */
function parsedJson(text: string): unknown {
  try {
    return text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** What went wrong, said for a person. */
function sentenceFor(status: number, body: ErrorBody | undefined): string {
  const error = body?.error;
  switch (error?.code) {
    case 'not_ready':
      return 'The server is still loading the model and the index. Try again in a moment.';
    case 'map_building':
      return 'The map is being prepared. It appears here when it is ready.';
    case 'shutting_down':
      return 'The server is shutting down.';
    case 'paper_not_found': {
      const ids = error.details?.ids ?? (error.details?.id ? [error.details.id] : []);
      return ids.length > 1 ? `These papers are not in the collection: ${ids.join(', ')}.` : `There is no paper “${ids[0] ?? ''}” in the collection.`;
    }
    case 'unauthorized':
    case 'forbidden':
      return 'This server asks for an API key to search, which this page cannot send.';
    case 'invalid_input': {
      const issues = error.details?.issues?.map((issue) => `${(issue.path ?? '').replace(/^(body|query|params)\./, '')}: ${issue.message}`);
      return `The request was refused: ${issues && issues.length > 0 ? issues.join('; ') : (error.message ?? 'invalid input')}.`.replace(/\.\.$/, '.');
    }
    default:
      return error?.message ?? `The server answered with an error (HTTP ${status}).`;
  }
}
