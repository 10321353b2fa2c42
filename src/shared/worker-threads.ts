import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';

/**
 * Starts the worker module `name` that sits beside `from` (an `import.meta.url`). Compiled, that
 * is `name.js`; run from the TypeScript sources (tests, development), the worker has to register
 * tsx itself, because loader hooks do not reach workers.
 */
export function startSiblingWorker(from: string, name: string, workerData: unknown): Worker {
  const extension = extname(fileURLToPath(from));
  const entry = new URL(`./${name}${extension}`, from);
  if (extension !== '.ts') return new Worker(entry, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** What a long computation checks between its steps: throws once it is asked to stop (an AbortSignal is one). */
export type StopCheck = Pick<AbortSignal, 'throwIfAborted'>;

/**
 * Asks a worker thread to stop at its next step. Worker.terminate() is not used on workers that
 * call hnswlib-node: it stops the thread inside a native call, whose next N-API call fails, and
 * the add-on then aborts the whole process ("FATAL ERROR: Error::ThrowAsJavaScriptException
 * napi_throw"). A busy worker reads no messages, so the request is a flag in memory both threads
 * share, read between steps (pass `buffer` in the worker's data and wrap it there).
 */
export class StopRequest implements StopCheck {
  private readonly flag: Int32Array;

  constructor(readonly buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    this.flag = new Int32Array(buffer);
  }

  request(): void {
    Atomics.store(this.flag, 0, 1);
  }

  throwIfAborted(): void {
    if (Atomics.load(this.flag, 0) === 1) throw new AppError('shutting_down', 'The work was stopped: the service is shutting down.');
  }
}
