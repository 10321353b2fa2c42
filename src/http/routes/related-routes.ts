import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { SearchService } from '../../search/search-service.js';
import type { AnswerCache } from '../answer-cache.js';
import type { CacheSlot } from '../../shared/versioned-cache.js';
import { callerOf } from '../caller.js';
import { methodNotAllowed } from '../route-refusals.js';
import { parseInput } from '../../shared/zod-issues.js';
import { paperOfHit } from '../../export/export-papers.js';
import { responseFormat, sendExport, withoutFormat } from '../export-formats.js';
import { listOptions, rankedListBody } from '../ranked-lists.js';
import { paperIdParamsSchema, relatedQuerySchema } from '../schemas.js';
import { keptAnswer, keptHitsAnswer, type KeptAnswer } from '../kept-answer.js';
import { sendKeptAnswer } from '../kept-answer-response.js';

/**
 * GET /v1/papers/:id/related, mounted ahead of the body parsers and the other routers: a related
 * list is a lookup in precomputed lists, so the middleware a request walks past costs more than
 * the list itself. `requestChecks` are the checks every API request passes before its route (a
 * body's type and size, the read key). Its JSON answers are kept encoded (see AnswerCache). Other
 * methods on the path fall through to the body parsers and the search routes' 405.
 */
export function relatedRoutes(requireService: (response: Response) => SearchService, requestChecks: readonly RequestHandler[], answers: AnswerCache): Router {
  const router = Router();

  router.get('/v1/papers/:id/related', ...requestChecks, async (request, response) => {
    const started = performance.now();
    const format = responseFormat(request, response);
    const service = requireService(response);
    // Without a place to keep answers (the cache off, a backend that cannot tell when its contents change), every answer is computed now and sent as such.
    const slot = format === 'json' && answers.capacity > 0 ? answerSlot(service, request.originalUrl) : undefined;
    const keep = (answer: KeptAnswer) => slot && answers.set(slot, answer);
    // A client that asks for a fresh answer (Cache-Control: no-cache) gets one computed now, which is kept.
    const kept = slot && !asksForFreshAnswer(request) && answers.get(slot);
    if (kept) return sendKeptAnswer(request, response, { answer: kept, compressNow: true }, keep, started);
    const { id } = parseInput(paperIdParamsSchema, request.params, 'params');
    const query = parseInput(relatedQuerySchema, withoutFormat(request.query), 'query');
    const options = { ...listOptions(query), facet: query.facet };
    if (format === 'json' && !query.fields && !query.explain && !query.facets?.length) {
      // The usual request: every field, nothing added. Its hits come encoded (see relatedToPaperJson).
      const answer = keptHitsAnswer(await service.relatedToPaperJson(id, options, callerOf(response)));
      keep(answer);
      return sendKeptAnswer(request, response, { answer, compressNow: slot === undefined }, keep, started);
    }
    const list = await service.relatedToPaper(id, options, callerOf(response));
    if (format !== 'json') return sendExport(response, format, list.hits.map(paperOfHit), 'related');
    const answer = keptAnswer(rankedListBody(list, query.fields));
    keep(answer);
    sendKeptAnswer(request, response, { answer, compressNow: slot === undefined }, keep, started);
  });
  // Express would answer OPTIONS itself ("GET, HEAD" as text) before the search routes' 405.
  router.options('/v1/papers/:id/related', methodNotAllowed(['GET']));

  return router;
}

function asksForFreshAnswer(request: Request): boolean {
  return /(^|,)\s*no-cache\s*(,|$)/i.test(request.headers['cache-control'] ?? '');
}

/** Where the answer to `url` is kept, or undefined when the service cannot tell when its contents change. */
function answerSlot(service: SearchService, url: string): CacheSlot | undefined {
  const version = service.contentsVersion();
  return version === undefined ? undefined : { owner: service, version, key: url };
}
