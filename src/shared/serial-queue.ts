/**
 * Runs tasks one at a time in the order they were queued: each starts once the one before it has
 * settled, whether that one succeeded or failed.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Settles (never rejects) once every task queued so far has settled. */
  idle(): Promise<unknown> {
    return this.tail;
  }
}
