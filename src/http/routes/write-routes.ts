import { randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import { AppError } from '../../errors.js';
import { mapRecordToPaper } from '../../papers/paper-record.js';
import type { Paper } from '../../papers/paper.js';
import type { WriteService } from '../../writes/write-service.js';
import type { SearchService } from '../../search/search-service.js';
import { parseInput } from '../error-handling.js';
import { elapsedMs } from '../took.js';
import { createPapersRequestSchema, paperIdParamsSchema, paperInputSchema, type PaperInput } from '../schemas.js';

export interface WriteRouteDependencies {
  requireService: (response: Response) => SearchService;
  requireWrites: (response: Response) => WriteService;
}

/** POST /v1/papers, PUT and DELETE /v1/papers/:id: validate, hand to the write service, answer. */
/** The API key check runs before these, in the app (ahead of body parsing). */
export function writeRoutes({ requireService, requireWrites }: WriteRouteDependencies): Router {
  const router = Router();

  router.post('/v1/papers', async (request, response) => {
    const started = performance.now();
    const body: unknown = request.body;
    const batch = typeof body === 'object' && body !== null && 'papers' in body;
    const inputs = batch ? parseInput(createPapersRequestSchema.options[0], body, 'body').papers : [parseInput(paperInputSchema, body, 'body')];
    const papers = inputs.map((input, i) => toStoredPaper(input, input.id ?? randomUUID(), batch ? `body.papers.${i}` : 'body'));
    const duplicates = papers.map((paper) => paper.id).filter((id, i, ids) => ids.indexOf(id) !== i);
    if (duplicates.length > 0) {
      throw new AppError(
        'invalid_input',
        `Invalid request body: body.papers: ids must be unique within one request (${[...new Set(duplicates)].map((id) => `"${id}"`).join(', ')} repeat).`,
        {
          details: {
            issues: [{ path: 'body.papers', message: 'duplicate ids', code: 'custom' }],
            ids: [...new Set(duplicates)],
          },
        },
      );
    }
    await requireWrites(response).create(papers);
    response.status(201);
    if (batch) {
      response.json({ papers, took_ms: elapsedMs(started) });
      return;
    }
    response.setHeader('Location', `/v1/papers/${encodeURIComponent(papers[0]!.id)}`);
    response.json({ paper: papers[0], took_ms: elapsedMs(started) });
  });

  router.put('/v1/papers/:id', async (request, response) => {
    const started = performance.now();
    const { id: named } = parseInput(paperIdParamsSchema, request.params, 'params');
    const input = parseInput(paperInputSchema, request.body, 'body');
    // doi:/arxiv: forms name the stored paper they resolve to; a new paper takes the id as given.
    const id = requireService(response).storedId(named) ?? named;
    if (input.id !== undefined && input.id !== id) {
      throw new AppError('invalid_input', `The body's id "${input.id}" differs from the path's "${id}"; leave it out or make them equal.`, {
        details: {
          issues: [{ path: 'body.id', message: 'differs from the path id', code: 'custom' }],
        },
      });
    }
    const paper = toStoredPaper(input, id, 'body');
    const { created } = await requireWrites(response).put(paper);
    response.status(created ? 201 : 200).json({ paper, created, took_ms: elapsedMs(started) });
  });

  router.delete('/v1/papers/:id', async (request, response) => {
    const started = performance.now();
    const { id: named } = parseInput(paperIdParamsSchema, request.params, 'params');
    const id = requireService(response).storedId(named);
    if (id === undefined) throw new AppError('paper_not_found', `No paper with id "${named}".`, { details: { id: named } });
    await requireWrites(response).delete(id);
    response.json({ id, deleted: true, took_ms: elapsedMs(started) });
  });

  return router;
}

/** Ingestion's mapping, so a written paper is normalized exactly like an ingested one. */
function toStoredPaper(input: PaperInput, id: string, path: string): Paper {
  const mapped = mapRecordToPaper({ ...input, id });
  if (!mapped.ok)
    throw new AppError('invalid_input', `Invalid paper at ${path}: ${mapped.message}.`, {
      details: { issues: [{ path, message: mapped.message, code: 'custom' }] },
    });
  return mapped.paper;
}
