import { z } from 'zod';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A script's parsed flags, or one usage line naming each flag at fault and exit code 2 (not a
 * stack trace, nor zod's own lines, which name schema paths rather than flags) when one is wrong.
 */
export function parseScriptArguments<Schema extends z.ZodType>(schema: Schema, values: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const faults = parsed.error.issues.map((issue) => {
    const flag =
      issue.path.length > 0
        ? `--${issue.path.map((part) => String(part).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)).join('.')}`
        : 'the arguments';
    return issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? `${flag} is required` : `${flag}: ${issue.message}`;
  });
  process.stderr.write(`error [usage]: ${faults.join('; ')}.\n`);
  process.exit(2);
}

/** node:util's parseArgs, an unknown or malformed flag said as one usage line with exit code 2 (it was a stack trace). */
export function parsedFlags<Config extends ParseArgsConfig>(config: Config): ReturnType<typeof parseArgs<Config>> {
  try {
    return parseArgs(config);
  } catch (error) {
    process.stderr.write(`error [usage]: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
