import type { z } from 'zod';
import { PaperSearchError } from '../client/paper-search-client.js';
import { AppError, isAppError, isServerFault, toErrorBody, type ErrorBody, type InputIssue } from '../errors.js';
import type { Logger } from '../log.js';
import { parseInput } from '../shared/zod-issues.js';

/** Where a request's input is, as error paths name it (the HTTP API says `body`): a tool's arguments, or a request's params. */
type InputPlace = 'arguments' | 'params';

/** Parses tool arguments; a failure is the API's invalid_input, naming each bad argument (as bounded as the API's). */
export function parseArguments<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  return parseInput(schema, input ?? {}, 'arguments');
}

/**
 * A tool failure as the HTTP API would answer it, `{"error": {"code", "message", "details"?}}`:
 * the service's errors, and a remote server's, keep their codes; field paths name the tool's
 * arguments (or, for a resource request, its params). Anything else is a bug, logged, and
 * reported as `internal`.
 */
export function toolErrorBody(error: unknown, log: Logger, where: InputPlace = 'arguments'): ErrorBody {
  if (isAppError(error)) {
    if (isServerFault(error.status) && error.code !== 'server_unreachable') log.error({ err: error, code: error.code }, 'tool failed');
    return locateIssues(toErrorBody(error), where);
  }
  if (error instanceof PaperSearchError) {
    return locateIssues({ error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } }, where);
  }
  log.error({ err: error }, 'tool failed');
  return { error: { code: 'internal', message: 'Internal error.' } };
}

/**
 * Runs a service call made with one argument of a tool (update_paper's `changes`), so that its
 * input issues name fields of that argument (`changes.abstract`) rather than of the arguments.
 */
export async function withIssuesUnder<T>(argument: string, task: () => Promise<T>): Promise<T> {
  // The service's own paths and a server's body paths are the argument's; a server's `params.id`
  // (the paper's name) or query is not, and is left for locateIssues.
  const rooted = (path: string) => (/^(query|params)(\.|$)/.test(path) ? path : [argument, path.replace(/^body(\.|$)/, '')].filter(Boolean).join('.'));
  const underArgument = (details: unknown) => {
    const issues = (details as { issues?: InputIssue[] } | undefined)?.issues;
    return Array.isArray(issues) ? { ...(details as object), issues: issues.map((issue) => ({ ...issue, path: rooted(issue.path) })) } : details;
  };
  try {
    return await task();
  } catch (error) {
    if (isAppError(error) && error.code === 'invalid_input')
      throw new AppError('invalid_input', error.message, { details: underArgument(error.details), cause: error });
    if (error instanceof PaperSearchError && error.code === 'invalid_input')
      throw new PaperSearchError(error.status, error.code, error.message, underArgument(error.details));
    throw error;
  }
}

/** Issue paths as the request's input: a service's own (`offset`) or a server's (`body.offset`, `query.cursor`) become `arguments.offset`. */
function locateIssues(body: ErrorBody, where: InputPlace): ErrorBody {
  const details = body.error.details as { issues?: InputIssue[] } | undefined;
  if (body.error.code !== 'invalid_input' || !Array.isArray(details?.issues)) return body;
  const issues = details.issues.map((issue) => {
    if (issue.path === where || issue.path.startsWith(`${where}.`)) return issue;
    const local = issue.path.replace(/^(body|query|params)(\.|$)/, '');
    return { ...issue, path: local ? `${where}.${local}` : where };
  });
  return { error: { ...body.error, details: { ...details, issues } } };
}
