import type { Logger } from '../log.js';
import { dieOfSignal, onStopSignals } from '../shared/process-end.js';

/**
 * Ctrl-C, SIGTERM or SIGHUP stops a build (ingest, or start indexing the sample) cleanly (its partial folder or collection removed, the index it was to
 * replace untouched) rather than killing the process with it half-written in Weaviate; a second
 * signal exits at once.
 */
export function stopOnSignal(log: Logger): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // Dies of the signal, as without a handler (process.exit ran the model's native teardown
      // under its running threads and aborted), after what must go however it ends.
      dieOfSignal(signal);
      return;
    }
    log.warn({ signal }, 'stopping: the build is abandoned after the group being embedded, unless it is already being written (signal again to exit at once)');
    controller.abort(signal);
  };
  return { signal: controller.signal, release: onStopSignals(stop) };
}
