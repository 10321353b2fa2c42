import { createRequire } from 'node:module';
import { Command } from 'commander';
import { doctorCommand } from './commands/doctor-command.js';
import { devCommands } from './commands/dev-commands.js';
import { addCommand } from './commands/add-command.js';
import { ingestCommand } from './commands/ingest-command.js';
import { mcpCommand } from './commands/mcp-command.js';
import { modelCommand } from './commands/model-command.js';
import { queryCommands } from './commands/query-commands.js';
import { serveCommands } from './commands/serve-commands.js';
import { verifyCommand } from './commands/verify-command.js';

const packageVersion = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

const overview = `
Exit codes: 0 ok, 1 failure, 2 usage (a wrong flag, argument or value).
Output: on a terminal a table and coloured logs; in a pipe, or with --json, JSON lines on stdout.
Messages and logs go to stderr. NO_COLOR turns colour off. Settings: the environment (README).

Examples:
  $ paper-search start                                          # index the sample if needed, then serve on :8080
  $ paper-search search "video compression" --index index-data/default
  $ paper-search search "video compression" --url http://127.0.0.1:8080 --json
  $ paper-search ingest --input my-papers.jsonl --index index-data/mine
`;

/** The `paper-search` command line: every command, its flags and help. */
export function buildProgram(): Command {
  const program = new Command('paper-search')
    .description('Self-hosted semantic search for scientific papers: search, ingest, serve.')
    .version(packageVersion, '-V, --version')
    .enablePositionalOptions()
    .addHelpText('after', overview)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false });
  for (const command of [
    ...queryCommands(),
    ingestCommand(),
    addCommand(),
    ...serveCommands(),
    modelCommand(),
    verifyCommand(),
    doctorCommand(),
    mcpCommand(),
    ...devCommands(),
  ]) {
    program.addCommand(command);
  }
  configureEveryCommand(program);
  return program;
}

/**
 * The arguments to parse: after a first word that names no command, a help flag is dropped, and
 * `help <words>` whose words name no command (`help serach`, `help model fetc`) is parsed as
 * those words up to the first that names none, so that the mistake is reported (exit 2, with
 * commander's "Did you mean …?") instead of answered with an overview and exit 0.
 */
export function argumentsToParse(program: Command, args: readonly string[]): string[] {
  const [first] = args;
  const subcommand = (parent: Command, word: string) => parent.commands.find((command) => command.name() === word || command.aliases().includes(word));
  if (first === 'help') {
    let parent = program;
    const words = args.slice(1).filter((word) => !word.startsWith('-'));
    for (const [i, word] of words.entries()) {
      const named = subcommand(parent, word);
      if (!named) return words.slice(0, i + 1);
      parent = named;
    }
  }
  const namesCommand = first === undefined || first.startsWith('-') || first === 'help' || subcommand(program, first) !== undefined;
  return namesCommand ? [...args] : args.filter((arg) => arg !== '--help' && arg !== '-h');
}

/**
 * On every command: help, --version and a wrong flag throw a CommanderError (with its exit code)
 * instead of ending the process, so main decides the exit code; a wrong flag is reported as the
 * command line's other mistakes are (`error [usage]: …`) and points to --help.
 */
function configureEveryCommand(command: Command, path: readonly string[] = [command.name()]): void {
  command
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(message.replace(/^error: /, 'error [usage]: ')) })
    // The whole command, as it is run: `paper-search model fetch --help`.
    .showHelpAfterError(`(see ${[...path, '--help'].join(' ')} for its usage)`);
  for (const child of command.commands) configureEveryCommand(child, [...path, child.name()]);
}
