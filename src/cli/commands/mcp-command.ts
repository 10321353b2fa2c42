import { Command, Option } from 'commander';
import { AppError } from '../../errors.js';
import { runInFrame } from '../command-frame.js';
import { examples } from './examples.js';

/** Where the MCP server finds its papers (the MCP module's options: src/mcp/stdio.ts). */
type McpStdioOptions = { index: string } | { url: string; key?: string };

type McpModule = { runMcpStdio?: (options: McpStdioOptions, environment: NodeJS.ProcessEnv) => Promise<void> };

/**
 * `mcp`: the Model Context Protocol server on standard input and output, for AI assistants. The
 * MCP module is loaded when the command runs, so the rest of the command line works without it.
 */
export function mcpCommand(): Command {
  return new Command('mcp')
    .description('serve the search tools over the Model Context Protocol on stdin/stdout (for AI assistants)')
    .addOption(new Option('--url <url>', 'forward every call to a running server instead of opening an index here').conflicts('index'))
    .addOption(new Option('--key <key>', 'API key for that server (offers the write tools)').env('PAPER_SEARCH_API_KEY'))
    .option('--index <dir>', 'index folder to open here, read-only (default: INDEX_DIR, index-data/default)')
    .addHelpText('after', examples('paper-search mcp --index index-data/default', 'paper-search mcp --url http://127.0.0.1:8080'))
    .action((flags: { url?: string; key?: string; index?: string }) =>
      runInFrame({ settings: { INDEX_DIR: flags.index }, serverUrl: flags.url }, async ({ config }) => {
        const run = (await loadMcpModule())?.runMcpStdio;
        if (typeof run !== 'function') {
          throw new AppError('command_unavailable', 'The MCP server is not part of this build (src/mcp/stdio.ts is missing). Tell the maintainers.');
        }
        await run(flags.url !== undefined ? { url: flags.url, ...(flags.key ? { key: flags.key } : {}) } : { index: config.INDEX_DIR }, process.env);
        // The protocol is over: nothing the server started may keep the process alive.
        process.exit(0);
      }),
    );
}

async function loadMcpModule(): Promise<McpModule | undefined> {
  // A computed specifier: the module is optional, so the compiler must not require it.
  const specifier = new URL('../../mcp/stdio.js', import.meta.url).href;
  try {
    return (await import(specifier)) as McpModule;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('mcp/stdio');
    if (missing) return undefined;
    throw error;
  }
}
