import type { HitsResponse, PaperResponse, RecommendRequest, SearchRequest, SimilarRequest, StatsResponse } from '../../src/client/paper-search-client.js';

export type Hit = HitsResponse['hits'][number];
export type Paper = PaperResponse['paper'];
export type { HitsResponse, PaperResponse, RecommendRequest, SearchRequest, SimilarRequest, StatsResponse };

/** An API failure as a sentence for a person (never the JSON), with the API's code for the page's logic. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { issues?: { path?: string; message?: string }[]; ids?: string[]; id?: string } };
}

/** The API's answer, or an ApiError whose message can be shown as it is. `signal` cancels a request the person has moved past. */
export async function api<Answer>(path: string, init: { body?: unknown; signal?: AbortSignal } = {}): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: init.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'unreachable', 'The server cannot be reached. Check that it is running, then try again.');
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok)
    throw new ApiError(
      response.status,
      (json as ErrorBody | undefined)?.error?.code ?? 'http_error',
      sentenceFor(response.status, json as ErrorBody | undefined),
    );
  return json as Answer;
}

/** What went wrong, said for a person. */
function sentenceFor(status: number, body: ErrorBody | undefined): string {
  const error = body?.error;
  switch (error?.code) {
    case 'not_ready':
      return 'The server is still loading the model and the index. Try again in a moment.';
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
      return `The search was refused: ${issues && issues.length > 0 ? issues.join('; ') : (error.message ?? 'invalid input')}.`.replace(/\.\.$/, '.');
    }
    default:
      return error?.message ?? `The server answered with an error (HTTP ${status}).`;
  }
}
