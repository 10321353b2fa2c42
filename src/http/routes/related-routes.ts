import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { SearchService } from '../../search/search-service.js';
import type { AnswerCache } from '../answer-cache.js';
import type { CacheSlot } from '../../shared/versioned-cache.js';
import { callerOf } from '../caller.js';
import { methodNotAllowed } from '../error-handling.js';
import { parseInput } from '../../shared/zod-issues.js';
import { paperOfHit } from '../../export/export-papers.js';
import { responseFormat, sendExport, withoutFormat } from '../export-formats.js';
import { listOptions, rankedListBody } from '../ranked-lists.js';
import { paperIdParamsSchema, relatedQuerySchema } from '../schemas.js';
import {
  compressionThreshold,
  gzippedAnswer,
  isGzipped,
  keptAnswer,
  keptHitsAnswer,
  leaveUncompressed,
  plainAnswer,
  withGzip,
  type KeptAnswer,
} from '../kept-answer.js';
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
    // Without a place to keep answers (the cache off, a backend that cannot tell when its contents change), every answer is computed now and sent as such.
    const slot = format === 'json' && answers.capacity > 0 ? answerSlot(service, request.originalUrl) : undefined;
    const keep = (answer: KeptAnswer) => slot && answers.set(slot, answer);
    // A client that asks for a fresh answer (Cache-Control: no-cache) gets one computed now, which is kept.
    const kept = slot && !asksForFreshAnswer(request) && answers.get(slot);
    if (kept) return sendAnswer(request, response, { answer: kept, compressNow: true }, keep, started);
    const { id } = parseInput(paperIdParamsSchema, request.params, 'params');
    const query = parseInput(relatedQuerySchema, withoutFormat(request.query), 'query');
    const options = { ...listOptions(query), facet: query.facet };
    if (format === 'json' && !query.fields && !query.explain && !query.facets?.length) {
      // The usual request: every field, nothing added. Its hits come encoded (see relatedToPaperJson).
      const answer = keptHitsAnswer(await service.relatedToPaperJson(id, options, callerOf(response)));
      keep(answer);
      return sendAnswer(request, response, { answer, compressNow: slot === undefined }, keep, started);
    }
    const list = await service.relatedToPaper(id, options, callerOf(response));
    if (format !== 'json') return sendExport(response, format, list.hits.map(paperOfHit), 'related');
    const answer = keptAnswer(rankedListBody(list, query.fields));
    keep(answer);
    sendAnswer(request, response, { answer, compressNow: slot === undefined }, keep, started);
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

/**
 * Sends a kept answer ended with this request's took_ms, as response.json would have written it.
 * A client that takes gzip gets it compressed from the answer's kept gzip prefix (made once, and
 * kept through `keep`). Compressing an 18 KB list costs several times what the rest of the
 * request does (about twice what computing it does), so an answer computed for this request and
 * kept goes uncompressed (`compressNow` false), as HTTP allows (identity is acceptable unless the
 * client refuses it): it is compressed when it is asked for again. An answer that cannot be kept
 * is compressed at once (`compressNow`), or no client would ever get it compressed. The
 * compression middleware leaves an answer that already has a Content-Encoding alone.
 */
function sendAnswer(
  request: Request,
  response: Response,
  { answer, compressNow }: { answer: KeptAnswer; compressNow: boolean },
  keep: (answer: KeptAnswer) => void,
  started: number,
): void {
  const ending = `,"took_ms":${elapsedMs(started)}}`;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  let chunks: Buffer[];
  const compressible = answer.open.length + ending.length >= compressionThreshold;
  if (compressible) response.vary('Accept-Encoding');
  if (compressible && takesGzip(request) && (isGzipped(answer) || compressNow || refusesIdentity(request))) {
    const compressed = withGzip(answer);
    if (compressed !== answer) keep(compressed);
    chunks = gzippedAnswer(compressed, ending);
    response.setHeader('Content-Encoding', 'gzip');
  } else {
    chunks = plainAnswer(answer, ending);
    leaveUncompressed(response);
  }
  response.setHeader(
    'Content-Length',
    chunks.reduce((length, chunk) => length + chunk.length, 0),
  );
  // Corked, the headers and every chunk leave in one write when end() uncorks.
  response.cork();
  for (const chunk of chunks.slice(0, -1)) response.write(chunk);
  response.end(chunks.at(-1));
}

/** Whether the request's Accept-Encoding takes gzip over no encoding (no header: no encoding, as the compression middleware reads it). */
function takesGzip(request: Request): boolean {
  return request.headers['accept-encoding'] !== undefined && request.acceptsEncodings(['gzip', 'identity']) === 'gzip';
}

/** Whether the request's Accept-Encoding refuses an uncompressed answer (`identity;q=0`, or `*;q=0` without identity named). */
function refusesIdentity(request: Request): boolean {
  return request.acceptsEncodings('identity') === false;
}
