import { Router } from 'express';
import type { SearchService } from '../../search/search-service.js';
import { methodNotAllowed, parseInput } from '../error-handling.js';
import { paperIdParamsSchema, relatedQuerySchema, searchRequestSchema, similarRequestSchema } from '../schemas.js';

/** Route handlers validate, call the search service, and shape the response; nothing else. */
export function searchRoutes(requireService: () => SearchService): Router {
  const router = Router();

  router.post('/v1/search', async (request, response) => {
    const started = performance.now();
    const body = parseInput(searchRequestSchema, request.body, 'body');
    const hits = await requireService().searchText(body.query, { k: body.k, mode: body.mode });
    response.json({ hits, took_ms: elapsedMs(started) });
  });
  router.all('/v1/search', methodNotAllowed(['POST']));

  router.post('/v1/similar', async (request, response) => {
    const started = performance.now();
    const body = parseInput(similarRequestSchema, request.body, 'body');
    const hits = await requireService().similarToAbstract(body.abstract, body.title, { k: body.k, mode: body.mode });
    response.json({ hits, took_ms: elapsedMs(started) });
  });
  router.all('/v1/similar', methodNotAllowed(['POST']));

  router.get('/v1/papers/:id', (request, response) => {
    const started = performance.now();
    const { id } = parseInput(paperIdParamsSchema, request.params, 'params');
    const paper = requireService().getPaper(id);
    response.json({ paper, took_ms: elapsedMs(started) });
  });
  router.all('/v1/papers/:id', methodNotAllowed(['GET']));

  router.get('/v1/papers/:id/related', (request, response) => {
    const started = performance.now();
    const { id } = parseInput(paperIdParamsSchema, request.params, 'params');
    const query = parseInput(relatedQuerySchema, request.query, 'query');
    const hits = requireService().relatedToPaper(id, query.k);
    response.json({ hits, took_ms: elapsedMs(started) });
  });
  router.all('/v1/papers/:id/related', methodNotAllowed(['GET']));

  return router;
}

function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
