import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isAppError } from '../errors.js';
import { runMcpStdio } from '../mcp/stdio.js';
import { parseCliArguments } from './cli-arguments.js';

const usage = 'paper-search mcp --index <folder> | --url <server> [--key <key>]   (the key may also come from PAPER_SEARCH_API_KEY)';

const argumentsSchema = z
  .strictObject({
    index: z.string().min(1).optional(),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    key: z.string().min(1).optional(),
  })
  .refine((value) => (value.index === undefined) !== (value.url === undefined), { message: 'give exactly one of --index and --url' })
  .refine((value) => value.key === undefined || value.url !== undefined, { message: '--key goes with --url', path: ['key'] });

/**
 * `paper-search mcp`: an MCP server on stdio. Failures to start are one line on stderr and exit
 * code 1 (stdout belongs to the protocol); the process exits once the client disconnects.
 */
export async function mcpCommand(argv: readonly string[], environment: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const { values } = parseArgs({ args: [...argv], options: { index: { type: 'string' }, url: { type: 'string' }, key: { type: 'string' } }, strict: false });
    const parsed = parseCliArguments(argumentsSchema, values, usage);
    const key = parsed.key ?? (parsed.url !== undefined ? environment.PAPER_SEARCH_API_KEY || undefined : undefined);
    await runMcpStdio(parsed.index !== undefined ? { index: parsed.index } : { url: parsed.url!, key }, environment);
    process.exit(0);
  } catch (error) {
    process.stderr.write(
      isAppError(error)
        ? `error [${error.code}]: ${error.message}\n`
        : `unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(isAppError(error) ? 1 : 70);
  }
}
