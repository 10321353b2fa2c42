import { z } from 'zod';
import { commandLineCodes, errorCatalog, type ErrorCode } from '../errors.js';
import { exportMediaTypeAliases, exportMediaTypes, formatNames, importFormats } from '../export/media-types.js';
import { responseFormats } from './export-formats.js';
import { documentedAs, parameterDocOf, type JsonSchema } from './parameter-docs.js';
import { isApiPath } from './rate-limit.js';
import {
  batchResponseSchema,
  createdPapersResponseSchema,
  deletedPaperResponseSchema,
  facetsResponseSchema,
  putPaperResponseSchema,
  patchedPaperResponseSchema,
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
  documentedCreatePapersRequestSchema,
  documentedPaperInputSchema,
  facetsQuerySchema,
  listPapersQuerySchema,
  maxSearchesPerBatch,
  paperLookupRequestSchema,
  paperQuerySchema,
  recommendRequestSchema,
  createPapersQuerySchema,
  paperPatchSchema,
  putPaperQuerySchema,
  relatedQuerySchema,
  searchRequestSchema,
  similarRequestSchema,
} from './schemas.js';

interface Operation {
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
const codesOfSomeOperations: Partial<Record<ErrorCode, readonly string[]>> = {
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
const mcpRefusalSchema = z
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

/** Every route the server answers; the document below and the route test both read this list. */
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
    errors: [404, ...readErrors],
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
    response: patchedPaperResponseSchema,
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

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema: generated }) => {
      const documented = parameterDocOf(zodSchema);
      if (!documented) return;
      for (const key of Object.keys(generated)) delete (generated as JsonSchema)[key];
      Object.assign(generated, documented);
    },
  }) as JsonSchema;
  return rest;
}

function describeStatus(status: number, operationId: string): string {
  const codes = Object.entries(errorCatalog)
    .filter(
      ([code, entry]) =>
        entry.status === status && !commandLineCodes.has(code as ErrorCode) && (codesOfSomeOperations[code as ErrorCode]?.includes(operationId) ?? true),
    )
    .map(([code]) => code);
  return codes.length > 0 ? `Error: ${codes.join(', ')}` : 'Error';
}

const stringHeader = (description: string) => ({ description, schema: { type: 'string' } });
const responseHeaders = {
  requestId: stringHeader("The request's id, as its log line carries it: the client's own X-Request-Id if it sent a valid one."),
  retryAfter: { description: 'Seconds to wait before asking again.', schema: { type: 'integer', minimum: 0 } },
  rateLimit: stringHeader('With a rate limit set (RATE_LIMIT_REQUESTS): the requests left in the window and the seconds until it resets (IETF draft).'),
  rateLimitPolicy: stringHeader('With a rate limit set: the limit and its window (IETF draft).'),
  location: stringHeader('The created paper (one paper written; a batch has no Location).'),
  link: stringHeader('The next page, `<url>; rel="next"`, while there is one.'),
  contentDisposition: stringHeader('On an answer in an export format: its file name, `inline; filename="….bib"`.'),
  wwwAuthenticate: stringHeader('The scheme a key is given in: `Bearer realm="paper-search"`.'),
  allow: stringHeader('The methods the path takes.'),
  papersNotFoundCount: {
    description: 'On an answer in an export format (a file has no place for them): how many names no paper has, 0 when every one was found.',
    schema: { type: 'integer', minimum: 0 },
  },
  papersNotFound: stringHeader(
    'On an answer in an export format: the names no paper has, each percent-encoded, comma-separated (cut at whole names if there are too many to fit: compare the count).',
  ),
  etag: stringHeader("The paper's version (JSON answers of one paper, without `fields`): send it back in If-Match to write only that version."),
};

/** A write's conditions on the paper's version (RFC 9110 §13.1). */
const conditionalHeaders = [
  {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'Write only if the paper is stored with one of these ETags (or, with `*`, stored at all); else 412 precondition_failed.',
    schema: { type: 'string' },
  },
  {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'Write only if the paper is not stored (`*`: create, never replace), or not with one of these ETags; else 412 precondition_failed.',
    schema: { type: 'string' },
  },
];

/** A read's revalidation of a cached copy (RFC 9110 §13.1.2). */
const revalidationHeader = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: "A cached copy's ETag (or `*`): if the paper is stored with it (stored at all, for `*`), the answer is 304 Not Modified with no body.",
  schema: { type: 'string' },
};

/**
 * Statuses answered on the connection before any route sees the request (unparsable-request.ts),
 * so in the error shape on every path; a 413 is so only for a body announced too large with
 * `Expect: 100-continue`.
 */
const answeredBeforeRoutes = new Set([408, 417, 431]);

function errorSchemaOf(operation: Operation, status: number): unknown {
  const errorShape = { $ref: '#/components/schemas/Error' };
  if (!operation.errorsInJsonRpc || answeredBeforeRoutes.has(status)) return errorShape;
  const jsonRpc = jsonSchema(mcpRefusalSchema, 'output');
  return status === 413 ? { anyOf: [jsonRpc, errorShape] } : jsonRpc;
}

/** The headers an operation's answer with this status carries (`limited`: its path is rate-limited). */
function headersOf(operation: Operation, status: number, limited: boolean): Record<string, unknown> {
  return {
    'X-Request-Id': responseHeaders.requestId,
    ...(status === 429 || status === 503 ? { 'Retry-After': responseHeaders.retryAfter } : {}),
    ...(status === 401 ? { 'WWW-Authenticate': responseHeaders.wwwAuthenticate } : {}),
    ...(status === 405 ? { Allow: responseHeaders.allow } : {}),
    ...(limited ? { RateLimit: responseHeaders.rateLimit, 'RateLimit-Policy': responseHeaders.rateLimitPolicy } : {}),
    ...(status === 201 && operation.operationId === 'createPapers' ? { Location: responseHeaders.location } : {}),
    ...(status === 200 && operation.operationId === 'listPapers' ? { Link: responseHeaders.link } : {}),
    ...(status === 200 && operation.exports ? { 'Content-Disposition': responseHeaders.contentDisposition } : {}),
    ...((status === 200 || status === 201 || status === 304) && operation.etag ? { ETag: responseHeaders.etag } : {}),
    ...(status === 200 && operation.operationId === 'getPapers'
      ? { 'X-Papers-Not-Found-Count': responseHeaders.papersNotFoundCount, 'X-Papers-Not-Found': responseHeaders.papersNotFound }
      : {}),
  };
}

const text = { type: 'string' };
const textOrNumber = { type: ['string', 'number'] };
/**
 * A CSL-JSON item: the fields the export writes and the import reads, described so that generated
 * clients type them; CSL has many more, which the import ignores and a bibliography may hold.
 */
const cslItemSchema = {
  type: 'object',
  properties: {
    id: textOrNumber,
    type: text,
    title: text,
    abstract: text,
    author: {
      type: 'array',
      items: {
        type: 'object',
        properties: { family: text, given: text, 'dropping-particle': text, 'non-dropping-particle': text, suffix: text, literal: text },
        additionalProperties: true,
      },
    },
    issued: {
      type: 'object',
      properties: { 'date-parts': { type: 'array', items: { type: 'array', items: textOrNumber } }, raw: text, literal: text },
      additionalProperties: true,
    },
    DOI: text,
    URL: text,
    keyword: { type: ['string', 'array'], items: text },
    'container-title': { type: ['string', 'array'], items: text },
    volume: textOrNumber,
    issue: textOrNumber,
    page: textOrNumber,
    publisher: text,
    number: textOrNumber,
    note: text,
  },
  additionalProperties: true,
};

/** The papers of an answer in each export format, in the answer's order: text files, and CSL-JSON's array of items. */
const exportContent = {
  [exportMediaTypes.bibtex]: { schema: { type: 'string', description: 'A .bib file: one entry per paper, keyed by its id.' } },
  [exportMediaTypes.ris]: { schema: { type: 'string', description: 'A .ris file: one record per paper.' } },
  [exportMediaTypes['csl-json']]: { schema: { type: 'array', items: cslItemSchema, description: 'CSL-JSON items, one per paper.' } },
};

const importContent = Object.fromEntries(
  importFormats.flatMap((format) => {
    const schema =
      format === 'csl-json'
        ? {
            type: 'array',
            items: cslItemSchema,
            description: 'A CSL-JSON bibliography (an array of CSL items); every item needs an abstract, unless allow_title_only=true.',
          }
        : { type: 'string', description: `A ${formatNames[format].name} file; every entry needs an abstract, unless allow_title_only=true.` };
    return [exportMediaTypes[format], ...exportMediaTypeAliases[format]].map((type) => [type, { schema }]);
  }),
);

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function buildOpenApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const parameters: unknown[] = [];
    if (operation.path.includes('{id}')) parameters.push({ name: 'id', in: 'path', required: true, schema: { type: 'string' } });
    if (operation.conditional) parameters.push(...conditionalHeaders);
    const revalidates = operation.etag === true && operation.method === 'get';
    if (revalidates) parameters.push(revalidationHeader);
    if (operation.query) {
      const query = jsonSchema(operation.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
      }
    }
    if (operation.exports) {
      parameters.push({
        name: 'format',
        in: 'query',
        required: false,
        description: 'Answer in this format instead of JSON (or send Accept with its media type); errors stay JSON.',
        schema: { type: 'string', enum: [...responseFormats] },
      });
    }
    const responses: Record<string, unknown> = {};
    const limited = isApiPath(operation.path);
    for (const status of operation.success ?? [200]) {
      const headers = headersOf(operation, status, limited);
      responses[status] =
        status === 202
          ? { description: 'Accepted (a notification or a response: no body)', headers }
          : {
              description: status === 201 ? 'Created' : 'OK',
              headers,
              content: {
                [operation.produces ?? 'application/json']: { schema: jsonSchema(operation.response, 'output') },
                ...(operation.exports ? exportContent : {}),
              },
            };
    }
    if (revalidates) {
      responses[304] = { description: 'Not Modified: the cached copy If-None-Match names is current (no body)', headers: headersOf(operation, 304, limited) };
    }
    const access = operation.access ?? 'read';
    const statuses = [
      // Every API route refuses query parameters it does not know.
      ...(operation.body || operation.query || operation.path.startsWith('/v1/') ? [400] : []),
      ...(access === 'open' ? [] : [401, 403]),
      ...(limited ? [429] : []),
      // Any request whose line and headers pass Node's limit, a long query string included.
      431,
      // Any request whose Expect header asks for more than 100-continue.
      417,
      // A body that does not arrive in time, or is sent with a transfer coding other than chunked.
      ...(operation.body ? [408, 501] : []),
      // A body sent to any API route must be JSON, whether the route reads one or not.
      ...(operation.path.startsWith('/v1/') ? [415] : []),
      ...operation.errors,
    ];
    for (const status of [...new Set(statuses)].sort((a, b) => a - b)) {
      responses[status] = {
        description: describeStatus(status, operation.operationId),
        headers: headersOf(operation, status, limited),
        content: {
          'application/json': { schema: errorSchemaOf(operation, status) },
        },
      };
    }
    for (const [status, answer] of Object.entries(operation.otherAnswers ?? {})) {
      responses[status] = {
        description: answer.description,
        headers: headersOf(operation, Number(status), limited),
        content: { 'application/json': { schema: jsonSchema(answer.schema, 'output') } },
      };
    }
    paths[operation.path] = {
      ...paths[operation.path],
      [operation.method]: {
        operationId: operation.operationId,
        summary: operation.summary,
        // A key is optional ({}) where the server's settings decide whether it needs one.
        security: access === 'open' ? [] : access === 'write' ? [{ apiKey: [] }] : [{}, { apiKey: [] }],
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(operation.body
          ? {
              requestBody: {
                required: true,
                content: {
                  'application/json': { schema: jsonSchema(operation.body, 'input') },
                  ...(operation.mergePatch ? { 'application/merge-patch+json': { schema: jsonSchema(operation.body, 'input') } } : {}),
                  ...(operation.imports ? importContent : {}),
                },
              },
            }
          : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'paper-search',
      version,
      description: 'Self-hosted semantic search for scientific papers.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    // Relative: the server that serves this document, wherever it is reached from.
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: jsonSchema(errorResponseSchema, 'output') },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A key from the API_KEYS setting. Writes always need one; reads only with AUTH_READS=true.' },
      },
    },
  };
}
