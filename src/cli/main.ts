#!/usr/bin/env node
import { CommanderError } from 'commander';
import { exitCodes } from './exit-codes.js';
import { buildProgram } from './program.js';

// The `paper-search` executable. Commander's own exits (help, version, a wrong flag) become the documented exit codes.
try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
}
