import type { z } from 'zod';

/**
 * An issue's message in the API's words where zod's would puzzle a client: a JSON number beyond
 * the double range (`1e400`) parses as Infinity, which zod calls "expected number, received
 * Infinity" of a value that was written as a number.
 */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.expected === 'number' && /^-?Infinity$/.test(String((issue as { received?: unknown }).received))) {
    return 'must be a finite number (a JSON number beyond ±1.8e308 reads as infinite)';
  }
  return issue.message;
}
