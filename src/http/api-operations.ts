import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { documentedAs, jsonSchema } from './parameter-docs.js';
import {
  batchResponseSchema,
  createdPapersResponseSchema,
  deletedPaperResponseSchema,
  facetsResponseSchema,
  putPaperResponseSchema,
  paperWrittenResponseSchema,
  errorResponseSchema,
  healthResponseSchema,
  hitsResponseSchema,
  mapResponseSchema,
  paperListResponseSchema,
  paperLookupResponseSchema,
  paperResponseSchema,
  snapshotResponseSchema,
  readyResponseSchema,
  statsResponseSchema,
} from './response-schemas.js';
import {
  batchSearchRequestSchema,
  facetsQuerySchema,
  listPapersQuerySchema,
  maxSearchesPerBatch,
  paperLookupRequestSchema,
  paperQuerySchema,
  recommendRequestSchema,
  relatedQuerySchema,
  searchRequestSchema,
  similarRequestSchema,
} from './schemas.js';
import {
  documentedCreatePapersRequestSchema,
  documentedPaperInputSchema,
  createPapersQuerySchema,
  paperPatchSchema,
  putPaperQuerySchema,
} from './paper-write-schemas.js';

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form: `{id}` for a path parameter. */
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response: z.ZodType;
  /** Success statuses (200 unless given). */
  success?: number[];
  /** A stable name for generated clients. */
  operationId: string;
  /**
   * Who needs an API key: `read` (the default) only when the server sets AUTH_READS, `write`
   * always, `metrics` only with AUTH_METRICS, `open` never.
   */
  access?: 'read' | 'write' | 'metrics' | 'open';
  /** Errors this route can answer besides those every route may (400 invalid input, 401/403 a key as access says, 429, 431). */
  errors: number[];
  /** Its errors are JSON-RPC errors (code -32000) carrying the error shape in `data`, as MCP clients read them. */
  errorsInJsonRpc?: boolean;
  /** Answers whose body is not the error shape (the readiness state, MCP's JSON-RPC errors). */
  otherAnswers?: Record<number, { description: string; schema: z.ZodType }>;
  /** The answer's media type, when not JSON. */
  produces?: string;
  /** Also answers in the export formats (Accept, or the `format` query parameter). */
  exports?: boolean;
  /** Also takes a BibTeX, RIS or CSL-JSON file as its body. */
  imports?: boolean;
  /** The body is a JSON merge patch, also sent as application/merge-patch+json (RFC 7396). */
  mergePatch?: boolean;
  /** Its success answers carry the paper's version as an ETag. */
  etag?: boolean;
  /** Takes If-Match and If-None-Match on the paper's version (and answers 412 when they fail). */
  conditional?: boolean;
}

const readErrors = [405, 503];
/**
 * A write can also be refused while the index folder was rebuilt under the server (409), or fail
 * on the server's side: its log or snapshot cannot be written (500), or the disk is full (507).
 */
const writeErrors = [409, 500, 507, ...readErrors];

const writeOperations = ['createPapers', 'putPaper', 'patchPaper', 'deletePaper', 'takeSnapshot'];
/** Codes only some operations answer: a status's description lists them there alone. */
export const codesOfSomeOperations: Partial<Record<ErrorCode, readonly string[]>> = {
  paper_exists: ['createPapers'],
  index_replaced: writeOperations,
  writes_disabled: writeOperations,
  write_failed: writeOperations,
  write_pending_restart: writeOperations.filter((operation) => operation !== 'takeSnapshot'),
  disk_full: writeOperations,
  snapshot_failed: ['takeSnapshot'],
  map_building: ['getMap'],
  map_failed: ['getMap'],
  feature_unavailable: ['getMap'],
};

/** The JSON-RPC envelope of /mcp, for the document only: the MCP SDK reads and checks the messages. */
const mcpMessageSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number()]).optional(),
  method: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});
const mcpAnswerSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number(), z.null()]),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }).optional(),
});
/** How /mcp answers what the API answers with the error shape: a JSON-RPC error holding that shape's `error`. */
export const mcpRefusalSchema = z
  .object({
    jsonrpc: z.literal('2.0'),
    // Always null (the refusal answers no one request), typed as an answer's id is: a lone `null`
    // type stops openapi-generator from generating a client at all.
    id: mcpAnswerSchema.shape.id,
    // Not a `const`: openapi-generator's Java client writes a numeric one as code that does not compile.
    error: z.object({ code: z.number().int().describe('Always -32000.'), message: z.string(), data: errorResponseSchema.shape.error }).strict(),
  })
  .strict();

/**
 * A JSON-RPC message or a batch of them, documented as one schema of two types (its properties
 * hold for the message, its items for the batch): as an anyOf of an object and an array,
 * openapi-generator's Java client wrote `List<…>.class` and did not compile.
 */
function messageOrBatch(message: z.ZodObject): z.ZodType {
  const messageJson = jsonSchema(message, 'output');
  return documentedAs(z.union([message, z.array(message)]), {
    ...messageJson,
    type: ['object', 'array'],
    items: messageJson,
    description: 'One JSON-RPC message, or a batch: an array of them.',
  });
}

/** Every route the server answers; the OpenAPI document (openapi.ts) and the route test both read this list. */
export const operations: readonly Operation[] = [
  {
    method: 'post',
    path: '/v1/search',
    operationId: 'searchPapers',
    summary: 'Papers for a free-text query',
    body: searchRequestSchema,
    response: hitsResponseSchema,
    exports: true,
    errors: [413, 415, ...readErrors],
  },
  {
    method: 'post',
    path: '/v1/search/batch',
    operationId: 'searchPapersInBatch',
    summary: `Up to ${maxSearchesPerBatch} searches in one call`,
    body: batchSearchRequestSchema,
    response: batchResponseSchema,
    errors: [413, 415, ...readErrors],
  },
  {
    method: 'post',
    path: '/v1/similar',
    operationId: 'findSimilarPapers',
    summary: 'Papers similar to an abstract',
    body: similarRequestSchema,
    response: hitsResponseSchema,
    exports: true,
    errors: [413, 415, ...readErrors],
  },
  {
    method: 'post',
    path: '/v1/recommend',
    operationId: 'recommendPapers',
    summary: 'Papers like the positives and unlike the negatives',
    body: recommendRequestSchema,
    response: hitsResponseSchema,
    exports: true,
    errors: [404, 413, 415, ...readErrors],
  },
  {
    method: 'get',
    path: '/v1/papers',
    operationId: 'listPapers',
    summary: 'List stored papers, with cursor pagination',
    query: listPapersQuerySchema,
    response: paperListResponseSchema,
    exports: true,
    errors: readErrors,
  },
  {
    method: 'post',
    path: '/v1/papers/batch',
    operationId: 'getPapers',
    summary: 'Up to 500 papers by id (or doi:, arxiv: names and links), in the order asked; null for a name no paper has',
    body: paperLookupRequestSchema,
    response: paperLookupResponseSchema,
    exports: true,
    errors: [413, 415, ...readErrors],
  },
  {
    method: 'get',
    path: '/v1/papers/{id}',
    operationId: 'getPaper',
    summary: 'One paper (id, doi:<DOI>, arxiv:<id>, or a DOI or arXiv link)',
    query: paperQuerySchema,
    response: paperResponseSchema,
    exports: true,
    etag: true,
    errors: [404, 412, ...readErrors],
  },
  {
    method: 'get',
    path: '/v1/papers/{id}/related',
    operationId: 'getRelatedPapers',
    summary: 'Papers related to a stored paper',
    query: relatedQuerySchema,
    response: hitsResponseSchema,
    exports: true,
    errors: [404, ...readErrors],
  },
  {
    method: 'post',
    path: '/v1/papers',
    operationId: 'createPapers',
    summary:
      'Add one paper, or {"papers": [...]} up to 1,000, or a BibTeX, RIS or CSL-JSON file of up to 1,000 (all or none, unless skip_invalid; 200 when on_existing kept or replaced every one)',
    query: createPapersQuerySchema,
    body: documentedCreatePapersRequestSchema,
    imports: true,
    response: createdPapersResponseSchema,
    success: [200, 201],
    access: 'write',
    etag: true,
    errors: [409, 413, 415, ...writeErrors],
  },
  {
    method: 'put',
    path: '/v1/papers/{id}',
    operationId: 'putPaper',
    summary: 'Create or replace a paper (201 created, 200 replaced)',
    query: putPaperQuerySchema,
    body: documentedPaperInputSchema,
    response: putPaperResponseSchema,
    success: [200, 201],
    access: 'write',
    etag: true,
    conditional: true,
    // 404 for a doi: or arxiv: name no stored paper answers to (a plain id creates the paper).
    errors: [404, 412, 413, 415, ...writeErrors],
  },
  {
    method: 'patch',
    path: '/v1/papers/{id}',
    operationId: 'patchPaper',
    summary: 'Change some fields of a paper (a JSON merge patch: null removes a field); the vector is kept when title and abstract are',
    query: putPaperQuerySchema,
    body: paperPatchSchema,
    mergePatch: true,
    response: paperWrittenResponseSchema,
    access: 'write',
    etag: true,
    conditional: true,
    errors: [404, 412, 413, 415, ...writeErrors],
  },
  {
    method: 'delete',
    path: '/v1/papers/{id}',
    operationId: 'deletePaper',
    summary: 'Delete a paper',
    response: deletedPaperResponseSchema,
    access: 'write',
    conditional: true,
    errors: [404, 412, ...writeErrors],
  },
  {
    method: 'post',
    path: '/v1/snapshots',
    operationId: 'takeSnapshot',
    summary: 'Fold every logged write into the index folder now, and wait for it',
    response: snapshotResponseSchema,
    access: 'write',
    errors: writeErrors,
  },
  {
    method: 'post',
    path: '/mcp',
    operationId: 'mcp',
    summary:
      'MCP (Model Context Protocol) over Streamable HTTP, stateless, answered as JSON: the paper tools and paper:// resources (docs/mcp.md). ' +
      'Host and Origin must be in MCP_ALLOWED_HOSTS; a valid key adds the write tools',
    body: messageOrBatch(mcpMessageSchema),
    response: messageOrBatch(mcpAnswerSchema),
    success: [200, 202],
    // 403 host_not_allowed whatever the key.
    errors: [403, 413, 415, ...readErrors],
    errorsInJsonRpc: true,
    otherAnswers: {
      400: { description: 'A JSON-RPC error: the body is not JSON-RPC (parse error -32700, invalid request -32600)', schema: mcpAnswerSchema },
      406: {
        description: 'A JSON-RPC error: the Accept header does not allow application/json, the only form this server answers in',
        schema: mcpAnswerSchema,
      },
    },
  },
  {
    method: 'get',
    path: '/v1/facets',
    operationId: 'countFacets',
    summary: 'Papers per year, category or author over the whole collection, filtered',
    query: facetsQuerySchema,
    response: facetsResponseSchema,
    errors: readErrors,
  },
  {
    method: 'get',
    path: '/v1/map',
    operationId: 'getMap',
    summary:
      'Every paper on a 2-D map of the collection (503 map_building with Retry-After while a layout is computed; 409 feature_unavailable on the Weaviate backend)',
    response: mapResponseSchema,
    errors: [409, 500, ...readErrors],
  },
  { method: 'get', path: '/v1/stats', operationId: 'getStats', summary: 'The index being served', response: statsResponseSchema, errors: readErrors },
  { method: 'get', path: '/healthz', operationId: 'checkHealth', access: 'open', summary: 'The process is up', response: healthResponseSchema, errors: [] },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    access: 'metrics',
    summary: 'Metrics in the Prometheus text format (behind a key with AUTH_METRICS)',
    response: z.string(),
    produces: 'text/plain; version=0.0.4',
    errors: [],
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'checkReadiness',
    access: 'open',
    summary: 'The model and index are loaded (503 before, and while the storage or the model is down)',
    response: readyResponseSchema,
    errors: [],
    otherAnswers: { 503: { description: 'Not ready: `status` says why', schema: readyResponseSchema } },
  },
];
