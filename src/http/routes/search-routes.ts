import { Router, type Response } from 'express';
import type { PaperFilter } from '../../papers/paper-filter.js';
import { selectFields, selectPaperFields } from '../../search/ranking.js';
import type { RelatedOptions, SearchService } from '../../search/search-service.js';
import { callerOf } from '../caller.js';
import { methodNotAllowed, parseInput } from '../error-handling.js';
import { elapsedMs } from '../took.js';
import {
  batchSearchRequestSchema,
  listPapersQuerySchema,
  paperIdParamsSchema,
  paperQuerySchema,
  recommendRequestSchema,
  relatedQuerySchema,
  searchRequestSchema,
  similarRequestSchema,
} from '../schemas.js';

/** Route handlers validate, call the search service, and shape the response; nothing else. */
export function searchRoutes(requireService: (response: Response) => SearchService, writesEnabled: boolean): Router {
  const router = Router();

  router.post('/v1/search', async (request, response) => {
    const started = performance.now();
    const body = parseInput(searchRequestSchema, request.body, 'body');
    const hits = await requireService(response).searchText(body.query, { ...listOptions(body), mode: body.mode }, callerOf(response));
    response.json({ hits: hits.map((hit) => selectFields(hit, body.fields)), took_ms: elapsedMs(started) });
  });
  router.all('/v1/search', methodNotAllowed(['POST']));

  router.post('/v1/search/batch', async (request, response) => {
    const started = performance.now();
    const body = parseInput(batchSearchRequestSchema, request.body, 'body');
    const results = await requireService(response).searchTextBatch(
      body.queries.map((item) => ({ query: item.query, options: { ...listOptions(item), mode: item.mode } })),
      callerOf(response),
    );
    response.json({
      results: results.map((hits, i) => ({ hits: hits.map((hit) => selectFields(hit, body.queries[i]!.fields)) })),
      took_ms: elapsedMs(started),
    });
  });
  router.all('/v1/search/batch', methodNotAllowed(['POST']));

  router.post('/v1/similar', async (request, response) => {
    const started = performance.now();
    const body = parseInput(similarRequestSchema, request.body, 'body');
    const hits = await requireService(response).similarToAbstract(body.abstract, body.title, { ...listOptions(body), mode: body.mode }, callerOf(response));
    response.json({ hits: hits.map((hit) => selectFields(hit, body.fields)), took_ms: elapsedMs(started) });
  });
  router.all('/v1/similar', methodNotAllowed(['POST']));

  router.post('/v1/recommend', async (request, response) => {
    const started = performance.now();
    const body = parseInput(recommendRequestSchema, request.body, 'body');
    const hits = await requireService(response).recommend(body.positive, body.negative, listOptions(body), callerOf(response));
    response.json({ hits: hits.map((hit) => selectFields(hit, body.fields)), took_ms: elapsedMs(started) });
  });
  router.all('/v1/recommend', methodNotAllowed(['POST']));

  router.get('/v1/stats', async (_request, response) => {
    const { snapshots, ...stats } = await requireService(response).stats();
    response.json({ ...stats, writes: { enabled: writesEnabled, ...snapshots } });
  });
  router.all('/v1/stats', methodNotAllowed(['GET']));

  router.get('/v1/papers', async (request, response) => {
    const started = performance.now();
    const query = parseInput(listPapersQuerySchema, request.query, 'query');
    const page = await requireService(response).listPapers(query.cursor, query.limit);
    response.json({ papers: page.papers, next_cursor: page.nextCursor, took_ms: elapsedMs(started) });
  });
  router.all('/v1/papers', methodNotAllowed(['GET', 'POST']));

  router.get('/v1/papers/:id', async (request, response) => {
    const started = performance.now();
    const { id } = parseInput(paperIdParamsSchema, request.params, 'params');
    const { fields } = parseInput(paperQuerySchema, request.query, 'query');
    const paper = await requireService(response).getPaper(id);
    response.json({ paper: selectPaperFields(paper, fields), took_ms: elapsedMs(started) });
  });
  router.all('/v1/papers/:id', methodNotAllowed(['GET', 'PUT', 'DELETE']));

  router.get('/v1/papers/:id/related', async (request, response) => {
    const started = performance.now();
    const { id } = parseInput(paperIdParamsSchema, request.params, 'params');
    const query = parseInput(relatedQuerySchema, request.query, 'query');
    const hits = await requireService(response).relatedToPaper(id, listOptions(query), callerOf(response));
    response.json({ hits: hits.map((hit) => selectFields(hit, query.fields)), took_ms: elapsedMs(started) });
  });
  router.all('/v1/papers/:id/related', methodNotAllowed(['GET']));

  return router;
}

/** The transport's list options (snake_case, as in the API) as the search service takes them. */
function listOptions(input: {
  k: number;
  offset: number;
  score_threshold?: number | undefined;
  filter?: PaperFilter | undefined;
  explain?: boolean | undefined;
}): RelatedOptions {
  return { k: input.k, offset: input.offset, scoreThreshold: input.score_threshold, filter: input.filter, explain: input.explain };
}
