import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { ImportFormat } from '../../export/media-types.js';
import { invalidInput } from '../../errors.js';
import { paperEtag } from '../../papers/paper-etag.js';
import type { SharedIdentifier } from '../../writes/shared-identifiers.js';
import type { ExistingPaperChoice } from '../../writes/existing-papers.js';
import { isWriteEntry } from '../../writes/write-entries.js';
import type { WriteService, WrittenPapers } from '../../writes/write-service.js';
import { callerOf } from '../caller.js';
import { preconditionsOf } from '../entity-tag-headers.js';
import { methodNotAllowed, onlyQueryParameters } from '../route-refusals.js';
import { parseInput } from '../../shared/zod-issues.js';
import { elapsedMs } from '../took.js';
import { sendJsonInTurns } from '../json-in-turns.js';
import { referenceBytes, referenceFormatOf } from '../reference-bodies.js';
import { readReferenceBody } from '../reference-reading.js';
import { entriesOfBatch } from '../skipping-batches.js';
import { paperBatchMethods, paperListMethods, paperMethods } from './search-routes.js';
import { paperIdParamsSchema } from '../schemas.js';
import {
  createPapersQuerySchema,
  isPaperBatch,
  paperBatchSchemaOf,
  paperInputSchema,
  paperPatchSchema,
  putPaperQuerySchema,
  titleOnlyPaperInputSchema,
} from '../paper-write-schemas.js';

/**
 * POST /v1/papers, PUT, PATCH and DELETE /v1/papers/:id, POST /v1/snapshots: validate, hand to
 * the write service, answer. The API key check runs before these, in the app (ahead of body
 * parsing).
 */
export function writeRoutes(requireWrites: (response: Response) => WriteService): Router {
  const router = Router();

  router.post('/v1/papers', onlyQueryParameters(Object.keys(createPapersQuerySchema.shape)), async (request, response) => {
    const post: PapersPost = {
      started: performance.now(),
      query: parseInput(createPapersQuerySchema, request.query, 'query'),
      referenceFormat: Buffer.isBuffer(request.body) ? referenceFormatOf(request) : undefined,
      body: Buffer.isBuffer(request.body) ? request.body : withoutNullFields(request.body),
      writes: () => requireWrites(response),
    };
    if (post.query.skip_invalid && (post.referenceFormat || isPaperBatch(post.body))) await createValidPapers(post, request, response);
    else if (post.referenceFormat) await createPapersOfReferences(post, post.referenceFormat, request, response);
    else await createPapersOfJson(post, response);
  });

  router.put('/v1/papers/:id', onlyQueryParameters(Object.keys(putPaperQuerySchema.shape)), async (request, response) => {
    const started = performance.now();
    const { id } = parseInput(paperIdParamsSchema, request.params, 'params');
    const { allow_title_only: allowTitleOnly } = parseInput(putPaperQuerySchema, request.query, 'query');
    const input = parseInput(allowTitleOnly ? titleOnlyPaperInputSchema : paperInputSchema, withoutNullFields(request.body), 'body');
    const { paper, created, shared } = await requireWrites(response).putPaper(id, input, callerOf(response), {
      allowTitleOnly,
      preconditions: preconditionsOf(request),
    });
    response.setHeader('ETag', paperEtag(paper));
    response.status(created ? 201 : 200).json({ paper, created, ...warningsOf(shared), took_ms: elapsedMs(started) });
  });

  router.patch('/v1/papers/:id', onlyQueryParameters(Object.keys(putPaperQuerySchema.shape)), async (request, response) => {
    const started = performance.now();
    const { id } = parseInput(paperIdParamsSchema, request.params, 'params');
    const { allow_title_only: allowTitleOnly } = parseInput(putPaperQuerySchema, request.query, 'query');
    const patch = parseInput(paperPatchSchema, request.body, 'body');
    const { paper, shared } = await requireWrites(response).patchPaper(id, patch, callerOf(response), {
      allowTitleOnly,
      preconditions: preconditionsOf(request),
    });
    response.setHeader('ETag', paperEtag(paper));
    response.json({ paper, ...warningsOf(shared), took_ms: elapsedMs(started) });
  });

  router.delete('/v1/papers/:id', onlyQueryParameters(), async (request, response) => {
    const started = performance.now();
    const { id: name } = parseInput(paperIdParamsSchema, request.params, 'params');
    const id = await requireWrites(response).deletePaper(name, { preconditions: preconditionsOf(request) });
    response.json({ id, deleted: true, took_ms: elapsedMs(started) });
  });

  router.post('/v1/snapshots', onlyQueryParameters([], { takesBody: false }), async (_request, response) => {
    const started = performance.now();
    const snapshot = await requireWrites(response).snapshot();
    response.json({ snapshot, took_ms: elapsedMs(started) });
  });
  router.all('/v1/snapshots', methodNotAllowed(['POST']));
  // Express would answer OPTIONS itself from this router's routes alone (Allow: POST, as text).
  router.options('/v1/papers', methodNotAllowed(paperListMethods));
  router.options('/v1/papers/batch', methodNotAllowed(paperBatchMethods));
  router.options('/v1/papers/:id', methodNotAllowed(paperMethods));

  return router;
}

/** A POST /v1/papers request, read as far as choosing how to write it. */
interface PapersPost {
  started: number;
  query: z.output<typeof createPapersQuerySchema>;
  /** Set when the body is a BibTeX, RIS or CSL-JSON file. */
  referenceFormat: ImportFormat | undefined;
  /** The file's bytes, or the JSON body without its null fields. */
  body: unknown;
  /** Asked for once the body is read: a refusal for want of writes comes after the body's own errors. */
  writes: () => WriteService;
}

/** A batch or a BibTeX, RIS or CSL-JSON file (skip_invalid), of which the papers that can be are written. */
async function createValidPapers(post: PapersPost, request: Request, response: Response): Promise<void> {
  const { allow_title_only: allowTitleOnly, on_existing: onExisting } = post.query;
  const items = post.referenceFormat
    ? await readReferenceBody(referenceBytes(request), post.referenceFormat, { allowTitleOnly, skipInvalid: true }, callerOf(response).signal)
    : entriesOfBatch(post.body, paperSchemaOf(post.query));
  const written = await post.writes().createValidPapers(items, { allowTitleOnly, onExisting }, callerOf(response));
  response.status(createdStatus(written));
  await sendJsonInTurns(response, {
    papers: written.papers,
    rejected: written.rejected,
    ...existingOf(written, onExisting),
    ...warningsOf(written.shared),
    took_ms: elapsedMs(post.started),
  });
}

/** A BibTeX, RIS or CSL-JSON file: a batch, all or none, answered as one. */
async function createPapersOfReferences(post: PapersPost, format: ImportFormat, request: Request, response: Response): Promise<void> {
  const { allow_title_only: allowTitleOnly, on_existing: onExisting } = post.query;
  const items = await readReferenceBody(referenceBytes(request), format, { allowTitleOnly, skipInvalid: false }, callerOf(response).signal);
  const written = await post.writes().createPapers(
    items.filter(isWriteEntry).map((entry) => entry.input),
    { batch: true, allowTitleOnly, onExisting },
    callerOf(response),
  );
  response.status(createdStatus(written));
  await sendJsonInTurns(response, {
    papers: written.papers,
    ...existingOf(written, onExisting),
    ...warningsOf(written.shared),
    took_ms: elapsedMs(post.started),
  });
}

/** One paper, or a batch ({"papers": [...]}) written all or none. */
async function createPapersOfJson(post: PapersPost, response: Response): Promise<void> {
  const { allow_title_only: allowTitleOnly, on_existing: onExisting } = post.query;
  const batch = isPaperBatch(post.body);
  refuseOptionsOfBatchesOnly(post, batch);
  const paperSchema = paperSchemaOf(post.query);
  const inputs = batch ? parseInput(paperBatchSchemaOf(paperSchema), post.body, 'body').papers : [parseInput(paperSchema, post.body, 'body')];
  const written = await post.writes().createPapers(inputs, { batch, allowTitleOnly, onExisting }, callerOf(response));
  const { papers, shared } = written;
  response.status(createdStatus(written));
  if (batch) {
    await sendJsonInTurns(response, { papers, ...existingOf(written, onExisting), ...warningsOf(shared), took_ms: elapsedMs(post.started) });
    return;
  }
  response.setHeader('Location', `/v1/papers/${encodeURIComponent(papers[0]!.id)}`);
  response.setHeader('ETag', paperEtag(papers[0]!));
  response.json({ paper: papers[0], ...warningsOf(shared), took_ms: elapsedMs(post.started) });
}

/** A JSON body that is not a batch takes neither skip_invalid nor on_existing, and is no array. */
function refuseOptionsOfBatchesOnly({ query, body }: PapersPost, batch: boolean): void {
  if (query.skip_invalid) {
    throw invalidInput('skip_invalid applies to a batch ({"papers": [...]}) or a BibTeX, RIS or CSL-JSON body, not to one paper.', [
      { path: 'query.skip_invalid', message: 'only for a batch or a BibTeX, RIS or CSL-JSON body', code: 'custom' },
    ]);
  }
  if (Array.isArray(body)) {
    // A JSON array: most likely a CSL-JSON bibliography sent as plain JSON.
    throw invalidInput(
      'The body is a JSON array: send papers as {"papers": [...]}, or a CSL-JSON bibliography (Zotero, Pandoc) with Content-Type: application/vnd.citationstyles.csl+json.',
      [{ path: 'body', message: 'expected an object ({"papers": [...]} or one paper), received an array', code: 'invalid_type' }],
    );
  }
  if (query.on_existing !== 'refuse' && !batch) {
    throw invalidInput(
      `on_existing=${query.on_existing} applies to a batch ({"papers": [...]}) or a BibTeX, RIS or CSL-JSON body; PUT /v1/papers/{id} writes one paper whether or not it is stored.`,
      [{ path: 'query.on_existing', message: 'only for a batch or a BibTeX, RIS or CSL-JSON body', code: 'custom' }],
    );
  }
}

function paperSchemaOf(query: PapersPost['query']): typeof paperInputSchema | typeof titleOnlyPaperInputSchema {
  return query.allow_title_only ? titleOnlyPaperInputSchema : paperInputSchema;
}

/** 201 when the write created a paper; 200 when it only replaced or kept stored ones (on_existing). */
function createdStatus({ papers, replaced }: WrittenPapers): number {
  return papers.length > replaced.length ? 201 : 200;
}

/** The ids on_existing kept or replaced, in the answer when it was asked for. */
function existingOf({ kept, replaced }: WrittenPapers, onExisting: ExistingPaperChoice): { kept?: string[]; replaced?: string[] } {
  return onExisting === 'refuse' ? {} : { kept, replaced };
}

/** A write answer's `warnings`, present only when there is one (answers without stay as they were). */
function warningsOf(shared: readonly SharedIdentifier[]): { warnings?: readonly SharedIdentifier[] } {
  return shared.length > 0 ? { warnings: shared } : {};
}

/**
 * A written paper (or each paper of a batch) without the fields sent as null: a paper's field is
 * absent or has a value, as ingestion reads a record, and generated clients send every optional
 * field, null when it is not set. (In a PATCH, null removes the field.)
 */
function withoutNullFields(body: unknown): unknown {
  const withoutNulls = (value: unknown) =>
    typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
      ? Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null))
      : value;
  if (!isPaperBatch(body)) return withoutNulls(body);
  const { papers, ...rest } = body as { papers: unknown };
  return { ...rest, papers: Array.isArray(papers) ? papers.map(withoutNulls) : papers };
}
