import fc from 'fast-check';
import type { Planned } from './load.js';

/** One operation of the OpenAPI document, as the generators need it. */
export interface Operation {
  method: string;
  /** The path template, `{id}` style. */
  path: string;
  queryParameters: string[];
  hasBody: boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>>;
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      queryParameters: (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
      hasBody: operation.requestBody !== undefined,
    })),
  );
}

const pollutingKeys = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf'];

/** Numbers JSON cannot carry or the service should not take: written as raw text so they reach the parser as sent. */
const awkwardNumberText = fc.constantFrom(
  '1e400',
  '-1e400',
  '1e-400',
  '9007199254740993',
  '-0',
  '123456789012345678901234567890',
  '0.1e1',
  '1.7976931348623157e308',
  '5e-324',
);

/** Scalars a field of any type may be handed instead of its own. */
const wrongScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53 + 2, -1, 0, 1e21, 1e308, -1e308),
  fc.boolean(),
  fc.constant(null),
  fc.constant('x'.repeat(100_000)),
);

/** JSON values with prototype-polluting keys anywhere in them. */
const pollutingObject: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, wrongScalar, tie('object'), fc.array(tie('value'), { maxLength: 4 })),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...pollutingKeys), fc.string({ maxLength: 12 })), tie('value'), { maxKeys: 5 }),
})).value;

/** A field name the service knows, so wrong values reach its validation and not just "unknown field". */
const knownField = fc.constantFrom(
  'query',
  'queries',
  'k',
  'mode',
  'filter',
  'title',
  'abstract',
  'positive',
  'negative',
  'id',
  'papers',
  'authors',
  'categories',
  'date',
  'year',
  'doi',
  'fields',
  'cursor',
  'limit',
  'offset',
  'explain',
  'facets',
  'gte',
  'lte',
  'any',
  'all',
);

const plausibleBody: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  body: fc.dictionary(fc.oneof(knownField, fc.constantFrom(...pollutingKeys)), tie('value'), { maxKeys: 6 }),
  value: fc.oneof(
    { depthSize: 'small' },
    wrongScalar,
    tie('body'),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(fc.record({ query: wrongScalar, k: wrongScalar }), { maxLength: 70 }),
  ),
})).body;

/** Text of a body: JSON of a generated value, or bytes JSON parsers must refuse. */
const bodyBytes: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 5, arbitrary: plausibleBody.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')) },
  { weight: 2, arbitrary: pollutingObject.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')) },
  {
    weight: 2,
    arbitrary: fc.tuple(knownField, awkwardNumberText).map(([field, number]) => Buffer.from(`{"${field}":${number},"query":"neural networks","k":${number}}`)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => Buffer.from(`${'{"filter":'.repeat(depth)}1${'}'.repeat(depth)}`)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 1,
    // Invalid UTF-8 inside a JSON string: a lone continuation byte, an overlong form, a cut sequence, a surrogate.
    arbitrary: fc
      .constantFrom([0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0xf4, 0x90, 0x80, 0x80])
      .map((bad) => Buffer.concat([Buffer.from('{"query":"neural '), Buffer.from(bad), Buffer.from(' nets","k":3}')])),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('', '{', '{"query":', 'null', '[]', '"text"', '{"query":"a"}{"query":"b"}', 'NaN', '{"k":NaN}', '{"k":Infinity}')
      .map((text) => Buffer.from(text)),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('{"query":"\\ud800","k":3}', '{"query":"\\u0000\\u001f","k":3}', '{"query":"x","query":"y","k":1,"k":2}')
      .map((text) => Buffer.from(text)),
  },
);

/**
 * A value of a query-string parameter: wrong types, huge and non-finite numbers, broken
 * percent-encoding. Long values stay short enough that a request's head fits Node's 16 KiB (a
 * longer head is refused before the app; the API tests check that answer).
 */
const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '-0', '0x10', '1.5', '', '%', '%E0%A4%A', '%FF', '%C0%AF', '%00', 'true', '[]', '{}', 'a,b,,c'),
  fc.constant('y'.repeat(1_500)),
);

/** The path with its `{id}` filled by a generated segment (often not a real id, sometimes not valid UTF-8). */
const pathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('%', '%E0%A4%A', '%FF%FE', '..%2F..%2Fetc%2Fpasswd', '__proto__', 'constructor', '%00', 'a'.repeat(3_000), '.', '..'),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/x-bibtex',
  'application/x-research-info-systems',
  'application/merge-patch+json',
  '*/*',
  'garbage',
);

const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/x-bibtex', 'text/event-stream', 'garbage/garbage;q=oops'),
    authorization: fc.constantFrom('Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', 'Bearer wrong-key', `Bearer ${'k'.repeat(2_000)}`, 'Bearer \u00e9'),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'identity;q=0', 'x'),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not an address', '::1, 10.0.0.1'),
    'mcp-session-id': fc.constantFrom('nonexistent', '', '../x'),
  },
  { requiredKeys: [] },
);

/**
 * Requests to one operation: its query parameters and extra ones (polluting keys, duplicates),
 * a generated path segment, a generated body under a generated content type, odd headers.
 */
export function requestsFor(operation: Operation, validKey: string): fc.Arbitrary<Planned> {
  const parameterName = fc.oneof(
    { weight: 4, arbitrary: operation.queryParameters.length > 0 ? fc.constantFrom(...operation.queryParameters) : fc.constant('k') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__[polluted]', 'constructor[prototype][polluted]', '__proto__', 'toString', 'a[b][c][d][e][f][g]', 'k[]', 'q'),
    },
  );
  // Repeated names are duplicate parameters (`k=1&k=2`).
  const query = fc
    .array(fc.tuple(parameterName, queryValue), { maxLength: 6 })
    .map((pairs) => pairs.map(([name, value]) => `${encodeURIComponent(name).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${value}`).join('&'));
  return fc
    .record({
      segment: pathSegment,
      query,
      body: operation.hasBody || operation.method !== 'GET' ? fc.option(bodyBytes, { freq: 8 }) : fc.constant(null),
      contentType: fc.option(contentType, { freq: 6 }),
      headers: extraHeaders,
      withKey: fc.boolean(),
    })
    .map(({ segment, query: queryString, body, contentType: type, headers, withKey }) => {
      const path = operation.path.replace(/\{[^}]+\}/g, segment) + (queryString ? `?${queryString}` : '');
      const sentHeaders: Record<string, string> = { ...headers };
      if (withKey) sentHeaders.authorization = `Bearer ${validKey}`;
      if (type) sentHeaders['content-type'] = type;
      return { route: `${operation.method} ${operation.path}`, method: operation.method, path, headers: sentHeaders, body: body ?? undefined };
    });
}
