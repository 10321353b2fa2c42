#!/usr/bin/env node
import { CommanderError } from 'commander';
import { isDiskFull, type ErrorCode } from '../errors.js';
import { exitCodes } from './exit-codes.js';
import { argumentsToParse, buildProgram } from './program.js';

// A reader that stops early (`paper-search search … | head`) closes the pipe: stop quietly, as
// other command-line tools do. Any other failure to write the output (a full disk) is one error
// line, not a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // A command serving a protocol on stdout (mcp) listens too, and stops itself: its model workers
  // must be closed first.
  if (error.code === 'EPIPE' && process.stdout.listenerCount('error') > 1) return;
  // A failure said before the reader went (a paper not found) keeps its exit code.
  if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok);
  const code: ErrorCode = isDiskFull(error) ? 'disk_full' : 'output_failed';
  process.stderr.write(`error [${code}]: Cannot write the output: ${error.message}\n`);
  process.exit(exitCodes.failure);
});

// The `paper-search` executable. Commander's own exits (help, version, a wrong flag) become the documented exit codes.
try {
  const program = buildProgram();
  await program.parseAsync(argumentsToParse(program, process.argv.slice(2)), { from: 'user' });
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
}
