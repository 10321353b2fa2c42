import { commandLineCodes, errorCatalog, type ErrorCode } from '../errors.js';
import { exportMediaTypeAliases, exportMediaTypes, formatNames, importFormats } from '../export/media-types.js';
import { codesOfSomeOperations, mcpRefusalSchema, operations, type Operation } from './api-operations.js';
import { responseFormats } from './export-formats.js';
import type { z } from 'zod';
import { paperPatchSchema, documentedPaperInputSchema } from './paper-write-schemas.js';
import { jsonSchema, type JsonSchema, type NamedSchemas } from './parameter-docs.js';
import { isApiPath } from './rate-limit.js';
import {
  errorResponseSchema,
  hitSchema,
  hitsResponseSchema,
  paperFieldsSchema,
  paperWrittenResponseSchema,
  writeWarningSchema,
  writtenPaperSchema,
} from './response-schemas.js';
import { filterSchema } from './schemas.js';

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

/** An optional header naming the paper's version (RFC 9110 §13.1). */
function versionHeader(name: 'If-Match' | 'If-None-Match', description: string) {
  return { name, in: 'header', required: false, description, schema: { type: 'string' } };
}

/** A write's conditions on the paper's version. */
const conditionalHeaders = [
  versionHeader('If-Match', 'Write only if the paper is stored with one of these ETags (or, with `*`, stored at all); else 412 precondition_failed.'),
  versionHeader(
    'If-None-Match',
    'Write only if the paper is not stored (`*`: create, never replace), or not with one of these ETags; else 412 precondition_failed.',
  ),
];

/** A read's conditions: the revalidation of a cached copy (§13.1.2), and the version the client expects. */
const readConditionHeaders = [
  versionHeader(
    'If-None-Match',
    "A cached copy's ETag (or `*`): if the paper is stored with it (stored at all, for `*`), the answer is 304 Not Modified with no body.",
  ),
  versionHeader('If-Match', 'Answer only if the paper is stored with one of these ETags (or, with `*`, stored at all); else 412 precondition_failed.'),
];

/**
 * Statuses answered on the connection before any route sees the request (unparsable-request.ts),
 * so in the error shape on every path; a 413 is so only for a body announced too large with
 * `Expect: 100-continue`.
 */
const answeredBeforeRoutes = new Set([408, 417, 431]);

/**
 * The error shape's name: not `Error`, which typescript-fetch renamed ModelError (a warning per
 * use) and which Java's generated model made ambiguous with java.lang.Error in every app.
 */
const errorSchemaName = 'ErrorResponse';

function errorSchemaOf(operation: Operation, status: number): unknown {
  const errorShape = { $ref: `#/components/schemas/${errorSchemaName}` };
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

const cslItem = { $ref: '#/components/schemas/CslItem' };

/** The papers of an answer in each export format, in the answer's order: text files, and CSL-JSON's array of items. */
const exportContent = {
  [exportMediaTypes.bibtex]: { schema: { type: 'string', description: 'A .bib file: one entry per paper, keyed by its id.' } },
  [exportMediaTypes.ris]: { schema: { type: 'string', description: 'A .ris file: one record per paper.' } },
  [exportMediaTypes['csl-json']]: { schema: { type: 'array', items: cslItem, description: 'CSL-JSON items, one per paper.' } },
};

const importContent = Object.fromEntries(
  importFormats.flatMap((format) => {
    const schema =
      format === 'csl-json'
        ? {
            type: 'array',
            items: cslItem,
            description: 'A CSL-JSON bibliography (an array of CSL items); every item needs an abstract, unless allow_title_only=true.',
          }
        : { type: 'string', description: `A ${formatNames[format].name} file; every entry needs an abstract, unless allow_title_only=true.` };
    return [exportMediaTypes[format], ...exportMediaTypeAliases[format]].map((type) => [type, { schema }]);
  }),
);

/**
 * Shapes several operations share, described once under these names: generated clients make one
 * type of each, named so (they named each use after its operation and place: PUT's body was
 * CreatePapersRequestAnyOf1, the related papers a RecommendPapers200Response, and Go's client had
 * an unnamed struct for the filter, which a caller has to spell out whole to fill).
 */
const sharedShapes = new Map<z.ZodType, string>([
  [filterSchema, 'SearchFilter'],
  [hitSchema, 'Hit'],
  [hitsResponseSchema, 'RankedList'],
  [paperFieldsSchema, 'PaperFields'],
  [writtenPaperSchema, 'Paper'],
  [paperWrittenResponseSchema, 'PaperWritten'],
  [writeWarningSchema, 'WriteWarning'],
  [documentedPaperInputSchema, 'PaperInput'],
  [paperPatchSchema, 'PaperPatch'],
]);

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function buildOpenApiDocument(version: string): JsonSchema {
  const named: NamedSchemas = { names: sharedShapes, described: {} };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const parameters: unknown[] = [];
    if (operation.path.includes('{id}')) parameters.push({ name: 'id', in: 'path', required: true, schema: { type: 'string' } });
    if (operation.conditional) parameters.push(...conditionalHeaders);
    const revalidates = operation.etag === true && operation.method === 'get';
    if (revalidates) parameters.push(...readConditionHeaders);
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
                [operation.produces ?? 'application/json']: { schema: jsonSchema(operation.response, 'output', named) },
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
                  'application/json': { schema: jsonSchema(operation.body, 'input', named) },
                  ...(operation.mergePatch ? { 'application/merge-patch+json': { schema: jsonSchema(operation.body, 'input', named) } } : {}),
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
      schemas: { [errorSchemaName]: jsonSchema(errorResponseSchema, 'output'), CslItem: cslItemSchema, ...named.described },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A key from the API_KEYS setting. Writes always need one; reads only with AUTH_READS=true.' },
      },
    },
  };
}
