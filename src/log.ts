import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * Structured JSON logs, one logger per process, children per concern: on stdout, or on stderr
 * (written synchronously) where stdout carries something else, such as the MCP stdio protocol.
 */
export function createLogger(level: LevelWithSilent, name = 'paper-search', output: 'stdout' | 'stderr' = 'stdout'): Logger {
  const options = { name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  return output === 'stderr' ? pino(options, pino.destination({ dest: 2, sync: true })) : pino(options);
}
