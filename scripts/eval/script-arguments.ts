import { z } from 'zod';

/** A script's parsed flags, or a usage message and exit code 2 (not a stack trace) when one is wrong. */
export function parseScriptArguments<Schema extends z.ZodType>(schema: Schema, values: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  process.stderr.write(`${z.prettifyError(parsed.error)}\n`);
  process.exit(2);
}
