import { PaperSearchError } from '../client/paper-search-client.js';
import { isAppError, isDiskFull } from '../errors.js';

/** The command line's exit codes (docs/cli.md). */
export const exitCodes = {
  ok: 0,
  /** The command could not do its work: a missing index, an unknown paper, a server that does not answer... */
  failure: 1,
  /** The command line itself is wrong: an unknown flag, a missing argument, a value out of range. */
  usage: 2,
} as const;

/** Codes that mean a value given on the command line was refused, whether the local service or a server said so (k out of range, say). */
const usageCodes = new Set(['invalid_input', 'invalid_json']);

/** A usage error the command line finds itself (a flag combination, a missing file argument). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Failure {
  /** A catalog code, or a server's (a newer server may have codes this client does not know). */
  code: string;
  message: string;
  exitCode: number;
}

/** Turns whatever a command threw into one sentence, a stable code and an exit code. */
export function failureOfCommand(error: unknown, serverUrl?: string): Failure {
  if (error instanceof UsageError) return { code: 'usage', message: error.message, exitCode: exitCodes.usage };
  if (error instanceof PaperSearchError && error.code === 'server_unreachable' && serverUrl) {
    const { reason } = (error.details ?? {}) as { reason?: string };
    return {
      code: 'server_unreachable',
      message: `Cannot reach ${serverUrl} (${reason ?? 'no answer'}). Is the server running? Start one with: paper-search serve`,
      exitCode: exitCodes.failure,
    };
  }
  if (error instanceof PaperSearchError && serverUrl) {
    return {
      code: error.code,
      message: `${error.message}${serverHint(error.code, serverUrl)}`,
      exitCode: usageCodes.has(error.code) ? exitCodes.usage : exitCodes.failure,
    };
  }
  if (isAppError(error) || error instanceof PaperSearchError) {
    return { code: error.code, message: error.message, exitCode: usageCodes.has(error.code) ? exitCodes.usage : exitCodes.failure };
  }
  if (isDiskFull(error)) {
    return {
      code: 'disk_full',
      message: `The disk is full (${(error as Error).message}). Free space and run the command again; an index being replaced was left as it was.`,
      exitCode: exitCodes.failure,
    };
  }
  return { code: 'internal', message: error instanceof Error ? (error.stack ?? error.message) : String(error), exitCode: exitCodes.failure };
}

/** What to change on the command line when a server refused a request for a reason the server words in HTTP's terms. */
function serverHint(code: string, serverUrl: string): string {
  switch (code) {
    case 'unauthorized':
      return ' Give the key with --key (or PAPER_SEARCH_API_KEY).';
    case 'forbidden':
      return ' Check --key (or PAPER_SEARCH_API_KEY).';
    case 'route_not_found':
      // A path is right only for a server behind a proxy that serves it under that path.
      return new URL(serverUrl).pathname.replace(/\/+$/, '') === ''
        ? ''
        : ` Is --url the server's base address? It has a path (${new URL(serverUrl).pathname}), which only a server behind a proxy at that path has.`;
    default:
      return '';
  }
}
