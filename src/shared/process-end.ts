/**
 * Work to do however the process ends: on its exit, and before a signal ends it. Node runs no
 * `exit` listener when a signal kills the process, so the command line's own "exit at once" on a
 * second Ctrl-C, and a signal no command handles, end it through dieOfSignal.
 */
const cleanups = new Set<() => void>();

/**
 * The signals that ask a process to stop: Ctrl-C, a service manager's stop, and a closed terminal
 * or a manager hanging up (without a handler, SIGHUP ended a command at once, its partial build
 * or temporary folder left behind).
 */
export const stopSignals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Calls `handler` on each stop signal until what it returns is called. */
export function onStopSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  for (const signal of stopSignals) process.on(signal, handler);
  return () => {
    for (const signal of stopSignals) process.off(signal, handler);
  };
}
let listening = false;

/** Runs `cleanup` (synchronous) when the process ends; returns what stops that. */
export function onProcessEnd(cleanup: () => void): () => void {
  if (!listening) {
    listening = true;
    process.once('exit', runCleanups);
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs the cleanups, then ends the process by `signal` as if nothing handled it (exit 128 + its number). */
export function dieOfSignal(signal: NodeJS.Signals): void {
  runCleanups();
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}

function runCleanups(): void {
  for (const cleanup of cleanups) cleanup();
  cleanups.clear();
}
