import type { Command as CommandType } from 'commander';
import { Command } from 'commander';
import type { Config } from '../../config/config.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { runInFrame } from '../command-frame.js';
import { examples } from './examples.js';

/** What the MCP module (src/mcp/index.ts) exports for this command. */
export interface McpStdioOptions {
  config: Config;
  log: Logger;
  /** A running server to forward to; without it the index (config.INDEX_DIR) is opened in this process. */
  url?: string;
  key?: string;
}

type McpModule = { runMcpStdio?: (options: McpStdioOptions) => Promise<void> };

/**
 * `mcp`: the Model Context Protocol server on standard input and output, for AI assistants. The
 * MCP module is loaded when the command runs, so the command line works without it.
 */
export function mcpCommand(): CommandType {
  return new Command('mcp')
    .description('serve the search tools over the Model Context Protocol on stdin/stdout (for AI assistants)')
    .option('--url <url>', 'forward to a running server instead of opening the index here')
    .option('--key <key>', 'API key sent to that server')
    .option('--index <dir>', 'index folder to open (INDEX_DIR; default index-data/default)')
    .addHelpText('after', examples('paper-search mcp --index index-data/default', 'paper-search mcp --url http://127.0.0.1:8080'))
    .action((flags: { url?: string; key?: string; index?: string }) =>
      runInFrame({ settings: { INDEX_DIR: flags.index }, serverUrl: flags.url }, async ({ config, log }) => {
        const run = (await loadMcpModule())?.runMcpStdio;
        if (typeof run !== 'function') {
          throw new AppError(
            'command_unavailable',
            'The MCP server is not available in this build (src/mcp/index.ts exporting runMcpStdio is missing). Tell the maintainers.',
          );
        }
        await run({ config, log, url: flags.url, key: flags.key });
      }),
    );
}

async function loadMcpModule(): Promise<McpModule | undefined> {
  // A computed specifier: the module is optional, so the compiler must not require it.
  const specifier = new URL('../../mcp/index.js', import.meta.url).href;
  try {
    return (await import(specifier)) as McpModule;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('/mcp/index');
    if (missing) return undefined;
    throw error;
  }
}
