import { Router, type Response } from 'express';
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
    const started = performance.now();
    const {
      allow_title_only: allowTitleOnly,
      skip_invalid: skipInvalid,
      on_existing: onExisting,
    } = parseInput(createPapersQuerySchema, request.query, 'query');
    const referenceFormat = Buffer.isBuffer(request.body) ? referenceFormatOf(request) : undefined;
    const body = Buffer.isBuffer(request.body) ? request.body : withoutNullFields(request.body);
    const batch = isPaperBatch(body);
    const paperSchema = allowTitleOnly ? titleOnlyPaperInputSchema : paperInputSchema;
    if (skipInvalid && (referenceFormat || batch)) {
      // A batch or a BibTeX, RIS or CSL-JSON file, of which the papers that can be are written.
      const items = referenceFormat
        ? await readReferenceBody(referenceBytes(request), referenceFormat, { allowTitleOnly, skipInvalid }, callerOf(response).signal)
        : entriesOfBatch(body, paperSchema);
      const written = await requireWrites(response).createValidPapers(items, { allowTitleOnly, onExisting }, callerOf(response));
      response.status(createdStatus(written));
      await sendJsonInTurns(response, {
        papers: written.papers,
        rejected: written.rejected,
        ...existingOf(written, onExisting),
        ...warningsOf(written.shared),
        took_ms: elapsedMs(started),
      });
      return;
    }
    if (referenceFormat) {
      // A BibTeX, RIS or CSL-JSON file: a batch, all or none, answered as one.
      const items = await readReferenceBody(referenceBytes(request), referenceFormat, { allowTitleOnly, skipInvalid }, callerOf(response).signal);
      const written = await requireWrites(response).createPapers(
        items.filter(isWriteEntry).map((entry) => entry.input),
        { batch: true, allowTitleOnly, onExisting },
        callerOf(response),
      );
      response.status(createdStatus(written));
      await sendJsonInTurns(response, {
        papers: written.papers,
        ...existingOf(written, onExisting),
        ...warningsOf(written.shared),
        took_ms: elapsedMs(started),
      });
      return;
    }
    if (skipInvalid) {
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
    if (onExisting !== 'refuse' && !batch) {
      throw invalidInput(
        `on_existing=${onExisting} applies to a batch ({"papers": [...]}) or a BibTeX, RIS or CSL-JSON body; PUT /v1/papers/{id} writes one paper whether or not it is stored.`,
        [{ path: 'query.on_existing', message: 'only for a batch or a BibTeX, RIS or CSL-JSON body', code: 'custom' }],
      );
    }
    const inputs = batch ? parseInput(paperBatchSchemaOf(paperSchema), body, 'body').papers : [parseInput(paperSchema, body, 'body')];
    const written = await requireWrites(response).createPapers(inputs, { batch, allowTitleOnly, onExisting }, callerOf(response));
    const { papers, shared } = written;
    response.status(createdStatus(written));
    if (batch) {
      await sendJsonInTurns(response, { papers, ...existingOf(written, onExisting), ...warningsOf(shared), took_ms: elapsedMs(started) });
      return;
    }
    response.setHeader('Location', `/v1/papers/${encodeURIComponent(papers[0]!.id)}`);
    response.setHeader('ETag', paperEtag(papers[0]!));
    response.json({ paper: papers[0], ...warningsOf(shared), took_ms: elapsedMs(started) });
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
