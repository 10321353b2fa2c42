import { readFileSync } from 'node:fs';

/** File descriptors left for the service's own files (index, log, snapshots, model, logging) beyond its connections. */
const reservedDescriptors = 256;
/** Where the open-file limit cannot be read (not Linux) or is unlimited. */
const unknownLimitConnections = 10_000;
const fewestConnections = 64;

/**
 * How many connections the server holds at once. Each takes a file descriptor, and a client that
 * opened 21,000 idle ones took all 20,000 of the process: new clients were dropped, the page,
 * /readyz, /v1/stats and snapshots failed with EMFILE. What happens past the limit is
 * capConnections'. By default the process's open-file limit less what the service needs for itself.
 */
export function connectionLimit(configured: number | undefined, openFiles: number | undefined): number {
  if (configured !== undefined) return configured;
  if (openFiles === undefined) return unknownLimitConnections;
  return Math.max(fewestConnections, openFiles - reservedDescriptors);
}

/** The process's soft limit on open files (Linux's /proc/self/limits), unless unreadable or unlimited. */
export function openFileLimit(limitsFile = '/proc/self/limits'): number | undefined {
  let limits: string;
  try {
    limits = readFileSync(limitsFile, 'utf8');
  } catch {
    return undefined;
  }
  const soft = Number(/^Max open files\s+(\S+)/m.exec(limits)?.[1]);
  return Number.isSafeInteger(soft) && soft > 0 ? soft : undefined;
}
