import { Command, Option } from 'commander';
import { runMcpStdio } from '../../mcp/stdio.js';
import { runInFrame } from '../command-frame.js';
import { examples } from './examples.js';
import { nonEmpty, serverUrl, withUrlGivingWayToIndex } from './list-options.js';

/** `mcp`: the Model Context Protocol server on standard input and output, for AI assistants. */
export function mcpCommand(): Command {
  return withUrlGivingWayToIndex(new Command('mcp'))
    .description('serve the search tools over the Model Context Protocol on stdin/stdout (for AI assistants)')
    .addOption(
      new Option('--url <url>', 'forward every call to a running server instead of opening an index here').env('PAPER_SEARCH_URL').argParser(serverUrl),
    )
    .addOption(new Option('--key <key>', 'API key for that server (offers the write tools)').env('PAPER_SEARCH_API_KEY'))
    .option('--index <dir>', 'index folder to open here, read-only (default: INDEX_DIR, index-data/default)', nonEmpty)
    .addHelpText('after', examples('paper-search mcp --index index-data/default', 'paper-search mcp --url http://127.0.0.1:8080'))
    .action((flags: { url?: string; key?: string; index?: string }) =>
      runInFrame({ settings: { INDEX_DIR: flags.index }, serverUrl: flags.url }, async ({ config }) => {
        await runMcpStdio(flags.url !== undefined ? { url: flags.url, key: flags.key } : { index: config.INDEX_DIR, key: flags.key }, process.env);
        // The protocol is over: nothing the server started may keep the process alive.
        process.exit(0);
      }),
    );
}
