import type { Request, Response } from 'express';
import { z } from 'zod';
import { exportPapers } from '../export/export-papers.js';
import { exportFormats, exportMediaTypeAliases, exportMediaTypes, formatExtensions, formatOfMediaType, type ExportFormat } from '../export/media-types.js';
import type { Paper } from '../papers/paper.js';
import { parseInput } from '../shared/zod-issues.js';
import { givenOnce } from './schemas.js';

/** What ranked lists and papers can be answered as: the API's JSON, or an export format. */
export const responseFormats = ['json', ...exportFormats] as const;
export type ResponseFormat = (typeof responseFormats)[number];

const formatQuerySchema = z.object({ format: z.enum(responseFormats, givenOnce).optional() });

/**
 * The representation a request asks for: the `format` query parameter, else the best type of its
 * Accept header among JSON and the export types. JSON unless one of them names an export, so an
 * Accept the API cannot meet (a browser's text/html) still gets JSON, as before exports existed.
 */
export function responseFormat(request: Request, response: Response): ResponseFormat {
  response.vary('Accept');
  const { format } = parseInput(formatQuerySchema, { format: request.query.format }, 'query');
  if (format) return format;
  const accepted = request.accepts([
    'application/json',
    ...exportFormats.flatMap((exported) => [exportMediaTypes[exported], ...exportMediaTypeAliases[exported]]),
  ]);
  return (accepted && formatOfMediaType(accepted)) || 'json';
}

/** Query parameters without `format`, for the routes' strict query schemas. */
export function withoutFormat(query: Request['query']): Request['query'] {
  const { format: _format, ...rest } = query;
  return rest;
}

/** Papers, or the papers of a ranked list in its order (scores and explanations left out), in an export format. */
export function sendExport(response: Response, format: ExportFormat, papers: readonly Paper[], name: string): void {
  const body = exportPapers(papers, format);
  response.setHeader('Content-Type', `${exportMediaTypes[format]}; charset=utf-8`);
  response.setHeader('Content-Disposition', `inline; filename="${name}.${formatExtensions[format]}"`);
  response.send(body);
}
