import { PaperSearchClient, PaperSearchError, type HitsResponse, type RelatedQuery, type StatsResponse } from '../client/paper-search-client.js';
import { AppError } from '../errors.js';
import type { Paper } from '../papers/paper.js';
import { countByFacets, type CollectionFacets, type ListRequest, type PaperSearchBackend, type RankedPaper } from './backend.js';
import type { SentenceRole } from '../search/related/sentence-roles.js';

export interface RemoteBackendOptions {
  /** Sent as `Authorization: Bearer <key>` (reads need it when the server sets AUTH_READS). */
  key?: string | undefined;
  /** Offer the write tools: the server takes writes with this key (see serverAccess). */
  writes?: boolean;
}

/**
 * How long a tool call waits for the server: a server that accepts the connection and never
 * answers must not leave the assistant waiting for fetch's five minutes. Under the official SDKs'
 * default request timeout (60 s), so the client hears server_timeout rather than its own generic
 * timeout; add_papers' 100 papers embed well within it.
 */
const remoteTimeoutMs = 55_000;

/** How long the check of the server at start waits: an assistant starting its tools should not wait for a stuck server. */
const startCheckTimeoutMs = 3_000;

/**
 * What the server at `baseUrl` lets a client with `key` (or none) do, asked once at start (its
 * /v1/stats tells what a request's key allows). A key the server refuses is an error, as POST
 * /mcp answers one with 403: a client given a key means to write, and should hear at once that it
 * cannot. So are an address that is no paper-search API (every tool would fail with
 * route_not_found) and a server that needs a key for reads when none is given. A server without
 * writes, or not reachable yet, is not: the read tools are offered alone, or as usual.
 */
export async function serverAccess(baseUrl: string, key: string | undefined): Promise<'writes' | 'reads only' | 'unknown'> {
  let stats: StatsResponse;
  try {
    stats = await remoteClient(baseUrl, { key }, startCheckTimeoutMs).stats();
  } catch (error) {
    if (!(error instanceof PaperSearchError)) return 'unknown';
    if (key !== undefined && (error.code === 'forbidden' || error.code === 'unauthorized')) throw refusedKey(baseUrl);
    if (error.code === 'unauthorized') {
      throw new AppError(
        'unauthorized',
        `The paper-search server at ${baseUrl} needs an API key for reads (AUTH_READS): pass --key or set PAPER_SEARCH_API_KEY.`,
      );
    }
    // Another kind of server's 404 says the same (a proxy's 502 while the server restarts does not).
    if (error.code === 'route_not_found' || (error.code === 'invalid_response' && error.status === 404)) {
      throw new AppError(
        'config_invalid',
        `${baseUrl} is not the address of a paper-search server's API (GET /v1/stats: ${error.message}): give the address the server prints, such as http://localhost:8080, without a path such as /mcp.`,
      );
    }
    return 'unknown';
  }
  if (key === undefined || !stats.writes.enabled) return 'reads only';
  if (!stats.access.writes) throw refusedKey(baseUrl);
  return 'writes';
}

function refusedKey(baseUrl: string): AppError {
  return new AppError(
    'forbidden',
    `The paper-search server at ${baseUrl} does not accept this API key (--key or PAPER_SEARCH_API_KEY): it is not one of its API_KEYS.`,
  );
}

/** A paper-search server reached over HTTP with the typed client; its errors keep the server's codes. */
export function remoteBackend(baseUrl: string, options: RemoteBackendOptions = {}): PaperSearchBackend {
  const client = remoteClient(baseUrl, options, remoteTimeoutMs);

  const facets: CollectionFacets = async (fields, filter) => {
    const counted = await client.facets({ facets: fields.join(','), year_gte: filter?.year?.gte });
    return { distribution: counted.facet_distribution, papers: counted.papers };
  };
  const page = (request: ListRequest) => ({ k: request.k, offset: request.offset, score_threshold: request.score_threshold, filter: request.filter });
  const backend: PaperSearchBackend = {
    search: async (request) => {
      const answer = await client.search({ query: request.query, mode: request.mode, ...page(request) });
      return { papers: ranked(answer), namedPaper: answer.named_paper, suggestedQuery: answer.suggested_query, namedAuthor: answer.named_author };
    },
    similar: async (request) => ranked(await client.similar({ abstract: request.abstract, title: request.title, mode: request.mode, ...page(request) })),
    related: async (name, request) => {
      try {
        return ranked(await client.related(name, relatedQuery(request)));
      } catch (error) {
        // The route is a GET: a filter the tool takes (1,000 excluded ids, 100 names) can make its
        // URL longer than the server reads (431). Without a facet, recommending from the one paper
        // ranks by the same cosine (docs/api.md), with the filter in a JSON body, as --index and
        // POST /mcp answer it.
        if (!(error instanceof PaperSearchError && error.code === 'headers_too_large' && request.facet === undefined)) throw error;
        return ranked(await client.recommend({ positive: [name], ...page(request) }));
      }
    },
    recommend: async (request) =>
      ranked(
        await client.recommend({
          positive: [...request.positive],
          negative: [...request.negative],
          ...(request.query === undefined ? {} : { query: request.query }),
          ...page(request),
        }),
      ),
    paper: async (name) => complete((await client.paper(name)).paper),
    papers: async (names) => (await client.papers(names)).papers.map((paper) => (paper ? complete(paper) : undefined)),
    listPapers: async (cursor, limit) => {
      const listed = await client.listPapers({ limit, cursor });
      return { papers: listed.papers.map(complete), nextCursor: listed.next_cursor };
    },
    defaultMode: async () => (await client.stats()).defaultMode,
    summary: async () => {
      const stats = await client.stats();
      return { model: stats.model.id, defaultMode: stats.defaultMode, ...(await countByFacets(facets)) };
    },
    writes:
      options.writes !== true
        ? undefined
        : {
            create: async (papers, onExisting) => {
              const written = await client.createPapersWithWarnings(papers, { onExisting });
              return { papers: written.papers.map(complete), warnings: written.warnings, kept: written.kept, replaced: written.replaced };
            },
            update: async (name, changes) => {
              const patched = await client.patchPaper(name, changes);
              return { paper: complete(patched.paper), warnings: patched.warnings ?? [] };
            },
            delete: async (name) => (await client.deletePaper(name)).id,
          },
  };
  return backend;
}

/** A ranked list's page and filter as the query parameters of GET /v1/papers/:id/related. */
function relatedQuery(request: ListRequest & { facet?: SentenceRole | undefined }): RelatedQuery {
  const { year, categories, authors, exclude_ids: excludeIds } = request.filter ?? {};
  return {
    k: request.k,
    offset: request.offset,
    score_threshold: request.score_threshold,
    facet: request.facet,
    year_gte: year?.gte,
    year_lte: year?.lte,
    year_gt: year?.gt,
    year_lt: year?.lt,
    categories_any: categories?.any,
    categories_all: categories?.all,
    authors_any: authors?.any,
    exclude_ids: excludeIds,
  };
}

/**
 * A paper as the API sends it without a `fields` choice: every stored field. Its schema allows
 * a choice, so title and abstract are typed optional; a paper always has both (maybe empty).
 */
function complete<Sent extends { id: string; title?: string | undefined; abstract?: string | undefined }>(paper: Sent): Sent & Paper {
  return { ...paper, title: paper.title ?? '', abstract: paper.abstract ?? '' };
}

function ranked(response: HitsResponse): RankedPaper[] {
  return response.hits.map(({ explain: _explain, ...hit }) => complete(hit));
}

/** The typed client, with the key as a bearer token (a server it cannot reach is its PaperSearchError server_unreachable). */
function remoteClient(baseUrl: string, options: RemoteBackendOptions, timeoutMs: number): PaperSearchClient {
  return new PaperSearchClient(baseUrl, {
    headers: options.key === undefined ? {} : { authorization: `Bearer ${options.key}` },
    timeoutMs,
  });
}
