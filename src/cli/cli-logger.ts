import { createRequire } from 'node:module';
import { pino, type DestinationStream, type LevelWithSilent } from 'pino';
import type { Logger } from '../log.js';
import type { StreamTraits } from './output/terminal.js';

const require = createRequire(import.meta.url);

/**
 * The command line's logger. Logs are messages, so they go to stderr (stdout carries data:
 * hits, papers, the server's URL line): JSON lines when stderr is not a terminal (for log
 * collectors and scripts), pino-pretty's readable lines on a terminal, coloured unless NO_COLOR.
 */
export function createCliLogger(level: LevelWithSilent, stderr: StreamTraits): Logger {
  const options = { name: 'paper-search', level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (!stderr.isTerminal) return pino(options, pino.destination({ fd: 2, sync: true }));
  // Loaded only for a terminal: a pipe or a container never pays for it.
  const pretty = require('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  return pino(options, pretty({ destination: 2, sync: true, colorize: stderr.color, ignore: 'pid,hostname,name', translateTime: 'HH:MM:ss' }));
}
