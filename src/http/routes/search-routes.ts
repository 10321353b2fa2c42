import { Router, type Response } from 'express';
import { selectPaperFields } from '../../search/ranking.js';
import type { SearchService } from '../../search/search-service.js';
import { callerOf, presentsKnownKey } from '../caller.js';
import { methodNotAllowed, onlyQueryParameters } from '../route-refusals.js';
import { parseInput } from '../../shared/zod-issues.js';
import { paperOfHit } from '../../export/export-papers.js';
import { paperFileName, type ExportFormat } from '../../export/media-types.js';
import { responseFormat, sendExport, withoutFormat } from '../export-formats.js';
import { facetBody, listOptions, rankedListBody } from '../ranked-lists.js';
import { elapsedMs } from '../took.js';
import { MapAnswers } from '../map-answers.js';
import { sendKeptAnswer } from '../kept-answer-response.js';
import { paperEtag } from '../../papers/paper-etag.js';
import { assertPreconditions } from '../../papers/preconditions.js';
import { preconditionsOf } from '../entity-tag-headers.js';
import {
  batchSearchRequestSchema,
  facetsQuerySchema,
  listPapersQuerySchema,
  paperIdParamsSchema,
  paperLookupRequestSchema,
  paperQuerySchema,
  recommendRequestSchema,
  searchRequestSchema,
  similarRequestSchema,
} from '../schemas.js';

/** The methods of /v1/papers and /v1/papers/:id, which this router and the write routes share. */
export const paperListMethods = ['GET', 'POST'];
export const paperMethods = ['GET', 'PUT', 'PATCH', 'DELETE'];
/** /v1/papers/batch looks papers up (POST), and is also the path of a paper named "batch". */
export const paperBatchMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The most characters of names X-Papers-Not-Found lists: 500 missing DOIs went past the 16 KiB of
 * headers Node's fetch reads (and nginx's default 4–8 KB buffer); the count says how many there are.
 */
const notFoundHeaderCharacters = 4_000;

/** As many of `names` as fit in `characters`, comma-separated, in order. */
function namesWithin(names: readonly string[], characters: number): string {
  let listed = '';
  for (const name of names) {
    const next = listed === '' ? name : `${listed},${name}`;
    if (next.length > characters) break;
    listed = next;
  }
  return listed;
}

/**
 * Route handlers validate, call the search service, and shape the response; nothing else. Ranked
 * lists and papers answer in the export format the request asks for (see export-formats.ts).
 */
export function searchRoutes(requireService: (response: Response) => SearchService, writesEnabled: boolean): Router {
  const router = Router();
  const mapAnswers = new MapAnswers();

  router.post('/v1/search', onlyQueryParameters(['format']), async (request, response) => {
    const started = performance.now();
    const format = responseFormat(request, response);
    const body = parseInput(searchRequestSchema, request.body, 'body');
    const list = await requireService(response).searchText(body.query, { ...listOptions(body), mode: body.mode }, callerOf(response));
    if (format !== 'json') return sendExport(response, format, list.hits.map(paperOfHit), 'search');
    response.json({ ...rankedListBody(list, body.fields), took_ms: elapsedMs(started) });
  });
  router.all('/v1/search', methodNotAllowed(['POST']));

  router.post('/v1/search/batch', onlyQueryParameters(), async (request, response) => {
    const started = performance.now();
    const body = parseInput(batchSearchRequestSchema, request.body, 'body');
    const results = await requireService(response).searchTextBatch(
      body.queries.map((item) => ({ query: item.query, options: { ...listOptions(item), mode: item.mode } })),
      callerOf(response),
    );
    response.json({
      results: results.map((list, i) => rankedListBody(list, body.queries[i]!.fields)),
      took_ms: elapsedMs(started),
    });
  });
  router.all('/v1/search/batch', methodNotAllowed(['POST']));

  router.post('/v1/similar', onlyQueryParameters(['format']), async (request, response) => {
    const started = performance.now();
    const format = responseFormat(request, response);
    const body = parseInput(similarRequestSchema, request.body, 'body');
    const list = await requireService(response).similarToAbstract(body.abstract, body.title, { ...listOptions(body), mode: body.mode }, callerOf(response));
    if (format !== 'json') return sendExport(response, format, list.hits.map(paperOfHit), 'similar');
    response.json({ ...rankedListBody(list, body.fields), took_ms: elapsedMs(started) });
  });
  router.all('/v1/similar', methodNotAllowed(['POST']));

  router.post('/v1/recommend', onlyQueryParameters(['format']), async (request, response) => {
    const started = performance.now();
    const format = responseFormat(request, response);
    const body = parseInput(recommendRequestSchema, request.body, 'body');
    const list = await requireService(response).recommend(body, listOptions(body), callerOf(response));
    if (format !== 'json') return sendExport(response, format, list.hits.map(paperOfHit), 'recommend');
    response.json({ ...rankedListBody(list, body.fields), took_ms: elapsedMs(started) });
  });
  router.all('/v1/recommend', methodNotAllowed(['POST']));

  router.get('/v1/map', onlyQueryParameters(), async (request, response) => {
    const started = performance.now();
    sendKeptAnswer(request, response, { answer: await mapAnswers.of(requireService(response)), compressNow: true }, () => undefined, started);
  });
  router.all('/v1/map', methodNotAllowed(['GET']));

  router.get('/v1/stats', onlyQueryParameters(), async (_request, response) => {
    const { snapshots, ...stats } = await requireService(response).stats();
    response.json({ ...stats, writes: { enabled: writesEnabled, ...snapshots }, access: { writes: writesEnabled && presentsKnownKey(response) } });
  });
  router.all('/v1/stats', methodNotAllowed(['GET']));

  router.get('/v1/papers', async (request, response) => {
    const started = performance.now();
    const format = responseFormat(request, response);
    const query = parseInput(listPapersQuerySchema, withoutFormat(request.query), 'query');
    const page = await requireService(response).listPapers(query.cursor, query.limit);
    if (format !== 'json') {
      if (page.nextCursor !== null) response.setHeader('Link', `<${nextPageUrl(request.originalUrl, format, page.nextCursor)}>; rel="next"`);
      return sendExport(response, format, page.papers, 'papers');
    }
    response.json({ papers: page.papers.map((paper) => selectPaperFields(paper, query.fields)), next_cursor: page.nextCursor, took_ms: elapsedMs(started) });
  });
  router.all('/v1/papers', methodNotAllowed(paperListMethods));

  router.post('/v1/papers/batch', onlyQueryParameters(['format']), async (request, response) => {
    const started = performance.now();
    const format = responseFormat(request, response);
    const body = parseInput(paperLookupRequestSchema, request.body, 'body');
    const papers = await requireService(response).getPapers(body.ids);
    if (format !== 'json') {
      // A file has no place for them (RIS and CSL-JSON have no comments): the names no paper has, in headers.
      const missing = [...new Set(body.ids.filter((_, i) => papers[i] === undefined))];
      // The count always, 0 included, so a client reads it without telling "none" from "not said".
      response.setHeader('X-Papers-Not-Found-Count', String(missing.length));
      if (missing.length > 0) response.setHeader('X-Papers-Not-Found', namesWithin(missing.map(encodeURIComponent), notFoundHeaderCharacters));
      return sendExport(
        response,
        format,
        papers.filter((paper) => paper !== undefined),
        'papers',
      );
    }
    response.json({ papers: papers.map((paper) => (paper ? selectPaperFields(paper, body.fields) : null)), took_ms: elapsedMs(started) });
  });
  // A paper may be named "batch": its GET, PUT, PATCH and DELETE go on to the paper's routes.
  router.all('/v1/papers/batch', (request, response, next) =>
    request.method === 'HEAD' || paperMethods.includes(request.method) ? next() : methodNotAllowed(paperBatchMethods)(request, response, next),
  );

  router.get('/v1/papers/:id', async (request, response) => {
    const started = performance.now();
    const format = responseFormat(request, response);
    const { id } = parseInput(paperIdParamsSchema, request.params, 'params');
    const { fields } = parseInput(paperQuerySchema, withoutFormat(request.query), 'query');
    const paper = await requireService(response).getPaper(id);
    // If-None-Match is a cache's revalidation (a 304, see revalidation.ts); If-Match names the version the client expects.
    const { ifMatch } = preconditionsOf(request);
    if (ifMatch !== undefined) assertPreconditions({ ifMatch }, { present: true, etag: paperEtag(paper) }, paper.id, 'was not sent');
    if (format !== 'json') return sendExport(response, format, [paper], paperFileName(paper.id));
    // The stored version, for a write's If-Match; a selection of fields is another representation.
    if (fields === undefined) response.setHeader('ETag', paperEtag(paper));
    response.json({ paper: selectPaperFields(paper, fields), took_ms: elapsedMs(started) });
  });
  router.all('/v1/papers/:id', methodNotAllowed(paperMethods));

  router.all('/v1/papers/:id/related', methodNotAllowed(['GET']));

  router.get('/v1/facets', async (request, response) => {
    const started = performance.now();
    const query = parseInput(facetsQuerySchema, request.query, 'query');
    const counts = await requireService(response).collectionFacets(query.facets, query.filter);
    response.json({ ...facetBody(counts), papers: counts.papers, took_ms: elapsedMs(started) });
  });
  router.all('/v1/facets', methodNotAllowed(['GET']));

  return router;
}

/** The URL of the next page of a listing: the same query with the next cursor (exports carry it in a Link header). */
function nextPageUrl(originalUrl: string, format: ExportFormat, cursor: string): string {
  const url = new URL(originalUrl, 'http://server');
  // Named in the link even when Accept chose it: the link alone asks for the next page in it.
  url.searchParams.set('format', format);
  url.searchParams.set('cursor', cursor);
  return `${url.pathname}${url.search}`;
}
