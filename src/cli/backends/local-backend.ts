import type { Config } from '../../config/config.js';
import { parseInput } from '../../shared/zod-issues.js';
import { listOptions, rankedListBody } from '../../http/ranked-lists.js';
import { elapsedMs } from '../../http/took.js';
import {
  paperIdParamsSchema,
  paperLookupRequestSchema,
  paperQuerySchema,
  recommendRequestSchema,
  relatedQuerySchema,
  searchRequestSchema,
  similarRequestSchema,
} from '../../http/schemas.js';
import type { Logger } from '../../log.js';
import { selectPaperFields } from '../../search/ranking.js';
import { openReadOnlyServices } from '../../read-only-services.js';
import type { QueryBackend } from './query-backend.js';

/**
 * The index folder opened in this process (the model loaded too), read-only (see
 * openReadOnlyServices: a server may be serving the same folder): requests are validated by the
 * HTTP API's own schemas and answered by the same service calls, so the output is the same as a
 * server's.
 */
export async function localBackend(config: Config, log: Logger): Promise<QueryBackend> {
  const services = await openReadOnlyServices(config, log, { endOnSignal: true });
  const search = services.search;
  return {
    search: async (request) => {
      const started = performance.now();
      const body = parseInput(searchRequestSchema, request, 'body');
      const list = await search.searchText(body.query, { ...listOptions(body), mode: body.mode });
      return { ...rankedListBody(list, body.fields), took_ms: elapsedMs(started) };
    },
    similar: async (request) => {
      const started = performance.now();
      const body = parseInput(similarRequestSchema, request, 'body');
      const list = await search.similarToAbstract(body.abstract, body.title, { ...listOptions(body), mode: body.mode });
      return { ...rankedListBody(list, body.fields), took_ms: elapsedMs(started) };
    },
    related: async (id, query) => {
      const started = performance.now();
      parseInput(paperIdParamsSchema, { id }, 'params');
      const parsed = parseInput(relatedQuerySchema, queryParameters(query), 'query');
      const list = await search.relatedToPaper(id, { ...listOptions(parsed), facet: parsed.facet });
      return { ...rankedListBody(list, parsed.fields), took_ms: elapsedMs(started) };
    },
    recommend: async (request) => {
      const started = performance.now();
      const body = parseInput(recommendRequestSchema, request, 'body');
      const list = await search.recommend(body, listOptions(body));
      return { ...rankedListBody(list, body.fields), took_ms: elapsedMs(started) };
    },
    paper: async (id, requested) => {
      const started = performance.now();
      parseInput(paperIdParamsSchema, { id }, 'params');
      const { fields } = parseInput(paperQuerySchema, requested === undefined ? {} : { fields: [...requested] }, 'query');
      return { paper: selectPaperFields(await search.getPaper(id), fields), took_ms: elapsedMs(started) };
    },
    papers: async (ids, requested) => {
      const started = performance.now();
      const body = parseInput(paperLookupRequestSchema, { ids, ...(requested === undefined ? {} : { fields: requested }) }, 'body');
      const papers = await search.getPapers(body.ids);
      return { papers: papers.map((paper) => (paper ? selectPaperFields(paper, body.fields) : null)), took_ms: elapsedMs(started) };
    },
    close: () => services.close(),
  };
}

/** The GET route's parameters as the HTTP layer receives them: text, and lists as a repeated parameter (each name whole, commas and all). */
function queryParameters(query: Record<string, unknown>): Record<string, string | string[]> {
  const parameters: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parameters[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return parameters;
}
