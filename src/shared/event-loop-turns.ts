import { setImmediate } from 'node:timers/promises';

/**
 * For a long task on the main thread: returns a function to await between its steps, which lets
 * the event loop take a turn (other requests answered) once `ms` have passed since the last one,
 * and otherwise returns at once.
 */
export function turnsEvery(ms: number): () => Promise<void> {
  let turnAt = performance.now() + ms;
  return async () => {
    if (performance.now() < turnAt) return;
    await setImmediate();
    turnAt = performance.now() + ms;
  };
}
