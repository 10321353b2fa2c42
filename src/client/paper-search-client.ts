import type { z } from 'zod';
import {
  batchResponseSchema,
  errorResponseSchema,
  hitsResponseSchema,
  paperListResponseSchema,
  paperResponseSchema,
  statsResponseSchema,
} from '../http/response-schemas.js';
import type {
  batchSearchRequestSchema,
  listPapersQuerySchema,
  recommendRequestSchema,
  relatedQuerySchema,
  searchRequestSchema,
  similarRequestSchema,
} from '../http/schemas.js';

export type SearchRequest = z.input<typeof searchRequestSchema>;
export type SimilarRequest = z.input<typeof similarRequestSchema>;
export type RecommendRequest = z.input<typeof recommendRequestSchema>;
export type BatchSearchRequest = z.input<typeof batchSearchRequestSchema>;
/**
 * Query parameters of a GET route, as a caller writes them: the server's schema reads every
 * parameter from a string, so numbers and booleans are accepted here and sent as text.
 */
type QueryParameters<Schema extends z.ZodType> = {
  [Name in keyof z.input<Schema>]?: z.input<Schema>[Name] extends string | undefined ? string | number | boolean : z.input<Schema>[Name];
};

export type RelatedQuery = QueryParameters<typeof relatedQuerySchema>;
export type ListPapersQuery = QueryParameters<typeof listPapersQuerySchema>;
export type HitsResponse = z.output<typeof hitsResponseSchema>;
export type BatchResponse = z.output<typeof batchResponseSchema>;
export type PaperResponse = z.output<typeof paperResponseSchema>;
export type PaperListResponse = z.output<typeof paperListResponseSchema>;
export type StatsResponse = z.output<typeof statsResponseSchema>;

/** A non-2xx answer, with the API's stable error code. */
export class PaperSearchError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'PaperSearchError';
  }
}

export interface PaperSearchClientOptions {
  /** Sent with every request (an Authorization header, say). */
  headers?: Record<string, string>;
  /** Replaces the global fetch (for tests, proxies, retries). */
  fetch?: typeof fetch;
}

/**
 * A typed client of the HTTP API, built on the server's own zod schemas: requests are typed by
 * the request schemas, and responses are checked against the response schemas.
 */
export class PaperSearchClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(
    baseUrl: string,
    private readonly options: PaperSearchClientOptions = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  search(request: SearchRequest): Promise<HitsResponse> {
    return this.call('POST', '/v1/search', hitsResponseSchema, request);
  }

  searchBatch(request: BatchSearchRequest): Promise<BatchResponse> {
    return this.call('POST', '/v1/search/batch', batchResponseSchema, request);
  }

  similar(request: SimilarRequest): Promise<HitsResponse> {
    return this.call('POST', '/v1/similar', hitsResponseSchema, request);
  }

  recommend(request: RecommendRequest): Promise<HitsResponse> {
    return this.call('POST', '/v1/recommend', hitsResponseSchema, request);
  }

  /** `id` may also be `doi:<DOI>` or `arxiv:<id>`. */
  related(id: string, query: RelatedQuery = {}): Promise<HitsResponse> {
    return this.call('GET', `/v1/papers/${encodeURIComponent(id)}/related${queryString(query)}`, hitsResponseSchema);
  }

  paper(id: string): Promise<PaperResponse> {
    return this.call('GET', `/v1/papers/${encodeURIComponent(id)}`, paperResponseSchema);
  }

  listPapers(query: ListPapersQuery = {}): Promise<PaperListResponse> {
    return this.call('GET', `/v1/papers${queryString(query)}`, paperListResponseSchema);
  }

  stats(): Promise<StatsResponse> {
    return this.call('GET', '/v1/stats', statsResponseSchema);
  }

  private async call<Schema extends z.ZodType>(method: 'GET' | 'POST', path: string, schema: Schema, body?: unknown): Promise<z.output<Schema>> {
    const response = await this.fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...this.options.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      throw new PaperSearchError(response.status, 'invalid_response', `${method} ${path} answered ${response.status} with a body that is not JSON.`);
    }
    if (!response.ok) {
      const error = errorResponseSchema.safeParse(json);
      if (error.success) throw new PaperSearchError(response.status, error.data.error.code, error.data.error.message, error.data.error.details);
      throw new PaperSearchError(response.status, 'invalid_response', `${method} ${path} answered ${response.status}.`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new PaperSearchError(response.status, 'invalid_response', `${method} ${path}: unexpected response: ${parsed.error.message}`);
    return parsed.data;
  }
}

/** Query parameters from an object: arrays become comma lists, except author names (repeated). */
function queryString(query: Record<string, unknown>): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (name === 'authors_any') for (const item of value) parameters.append(name, String(item));
      else parameters.set(name, value.join(','));
    } else {
      parameters.set(name, String(value));
    }
  }
  const text = parameters.toString();
  return text.length > 0 ? `?${text}` : '';
}
