import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { SearchService } from '../../search/search-service.js';
import type { AnswerCache, AnswerSlot } from '../answer-cache.js';
import { callerOf } from '../caller.js';
import { parseInput } from '../error-handling.js';
import { paperOfHit, responseFormat, sendExport, withoutFormat } from '../export-formats.js';
import { listOptions, rankedListBody } from '../ranked-lists.js';
import { paperIdParamsSchema, relatedQuerySchema } from '../schemas.js';
import { elapsedMs } from '../took.js';

/**
 * GET /v1/papers/:id/related, mounted ahead of the body parsers and the other routers: a related
 * list is a lookup in precomputed lists, so the middleware a request walks past costs more than
 * the list itself. Its JSON answers are kept encoded (see AnswerCache). Other methods on the path
 * fall through to the search routes' 405.
 */
export function relatedRoutes(requireService: (response: Response) => SearchService, requireForReads: RequestHandler, answers: AnswerCache): Router {
  const router = Router();

  router.get('/v1/papers/:id/related', requireForReads, async (request, response) => {
    const started = performance.now();
    const format = responseFormat(request, response);
    const service = requireService(response);
    const slot = format === 'json' ? answerSlot(service, request.originalUrl) : undefined;
    // A client that asks for a fresh answer (Cache-Control: no-cache) gets one computed now, which is kept.
    const kept = slot && !asksForFreshAnswer(request) && answers.get(slot);
    if (kept) return sendAnswer(response, kept, started);
    const { id } = parseInput(paperIdParamsSchema, request.params, 'params');
    const query = parseInput(relatedQuerySchema, withoutFormat(request.query), 'query');
    const list = await service.relatedToPaper(id, { ...listOptions(query), facet: query.facet }, callerOf(response));
    if (format !== 'json') return sendExport(response, format, list.hits.map(paperOfHit), 'related');
    const answer = Buffer.from(JSON.stringify(rankedListBody(list, query.fields)));
    if (slot) answers.set(slot, answer);
    sendAnswer(response, answer, started);
  });

  return router;
}

function asksForFreshAnswer(request: Request): boolean {
  return /(^|,)\s*no-cache\s*(,|$)/i.test(request.headers['cache-control'] ?? '');
}

/** Where the answer to `url` is kept, or undefined when the service cannot tell when its contents change. */
function answerSlot(service: SearchService, url: string): AnswerSlot | undefined {
  const version = service.contentsVersion();
  return version === undefined ? undefined : { owner: service, version, key: url };
}

/**
 * Sends an encoded answer (a JSON object, so it ends with `}`) with this request's took_ms as its
 * last member, as response.json would have written it.
 */
function sendAnswer(response: Response, answer: Buffer, started: number): void {
  const body = Buffer.concat([answer.subarray(0, -1), Buffer.from(`,"took_ms":${elapsedMs(started)}}`)]);
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', body.length);
  response.end(body);
}
