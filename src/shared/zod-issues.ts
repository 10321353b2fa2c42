import type { z } from 'zod';
import { invalidInput } from '../errors.js';

/** What a number field says of a JSON number beyond the double range, which parses as Infinity. */
export const nonFiniteNumberMessage = 'must be a finite number (a JSON number beyond ±1.8e308 reads as infinite)';

/**
 * An issue's message in the API's words where zod's would puzzle a client: a JSON number beyond
 * the double range (`1e400`) parses as Infinity, which zod calls "expected number, received
 * Infinity" of a value that was written as a number.
 */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.expected === 'number' && /^-?Infinity$/.test(String((issue as { received?: unknown }).received))) {
    return nonFiniteNumberMessage;
  }
  return issue.message;
}

/** Issues named in one answer, and the length of each message: a hostile body cannot make the error large. */
export const maxIssues = 10;
const maxIssueMessage = 200;

/**
 * Parses with zod and turns a failure into a 400 that names each bad field (the first ten; the
 * count of the others is given), every message cut to a bounded length. `where` is the input's
 * place in the request: an HTTP body, query or params, or a tool's arguments.
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown, where: 'body' | 'query' | 'params' | 'arguments'): z.infer<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const all = parsed.error.issues;
  const issues = all.slice(0, maxIssues).map((issue) => ({
    path: boundedIssueText([where, ...issue.path.slice(0, 20).map(String)].join('.')),
    message: boundedIssueText(issueMessage(issue)),
    code: issue.code,
  }));
  const more = all.length - issues.length;
  throw invalidInput(
    `Invalid ${where === 'arguments' ? where : `request ${where}`}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
    issues,
    more > 0 ? { moreIssues: more } : {},
  );
}

/** An issue's text (a path, a message, a key) cut to a bounded length. */
export function boundedIssueText(text: string): string {
  return text.length > maxIssueMessage ? `${text.slice(0, maxIssueMessage - 1)}…` : text;
}
