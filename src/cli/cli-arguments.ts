import type { z } from 'zod';
import { AppError } from '../errors.js';

/** Validates parsed command-line flags with zod; a bad flag gets its name, the reason and the usage line. */
export function parseCliArguments<Schema extends z.ZodType>(schema: Schema, values: unknown, usage: string): z.infer<Schema> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `--${issue.path.join('.')}: ${issue.message}` : issue.message));
  throw new AppError('config_invalid', `${problems.join('; ')}\nusage: ${usage}`, { details: { problems } });
}
