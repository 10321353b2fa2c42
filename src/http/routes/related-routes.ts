import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { SearchService } from '../../search/search-service.js';
import type { AnswerCache, AnswerSlot } from '../answer-cache.js';
import { callerOf } from '../caller.js';
import { methodNotAllowed, parseInput } from '../error-handling.js';
import { paperOfHit, responseFormat, sendExport, withoutFormat } from '../export-formats.js';
import { listOptions, rankedListBody } from '../ranked-lists.js';
import { paperIdParamsSchema, relatedQuerySchema } from '../schemas.js';
import { elapsedMs } from '../took.js';

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
    const slot = format === 'json' ? answerSlot(service, request.originalUrl) : undefined;
    // A client that asks for a fresh answer (Cache-Control: no-cache) gets one computed now, which is kept.
    const kept = slot && !asksForFreshAnswer(request) && answers.get(slot);
    if (kept) return sendAnswer(response, kept, started);
    const { id } = parseInput(paperIdParamsSchema, request.params, 'params');
    const query = parseInput(relatedQuerySchema, withoutFormat(request.query), 'query');
    const list = await service.relatedToPaper(id, { ...listOptions(query), facet: query.facet }, callerOf(response));
    if (format !== 'json') return sendExport(response, format, list.hits.map(paperOfHit), 'related');
    const answer = encodeAnswer(rankedListBody(list, query.fields));
    if (slot) answers.set(slot, answer);
    sendAnswer(response, answer, started);
  });
  // Express would answer OPTIONS itself ("GET, HEAD" as text) before the search routes' 405.
  router.options('/v1/papers/:id/related', methodNotAllowed(['GET']));

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
 * The answer as JSON in memory of its own: Buffer.from would put a short one in a slice of a
 * shared 8 KiB pool, which a kept answer would hold on to whole.
 */
function encodeAnswer(body: object): Buffer {
  const json = JSON.stringify(body);
  const answer = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
  answer.write(json);
  return answer;
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
