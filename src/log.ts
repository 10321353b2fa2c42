import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; one logger per process, children per concern. */
export function createLogger(level: LevelWithSilent, name = 'paper-search'): Logger {
  return pino({ name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
