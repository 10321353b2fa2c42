import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { AppError } from '../errors.js';

/**
 * Starts the worker module `name` that sits beside `from` (an `import.meta.url`). Compiled, that
 * is `name.js`; run from the TypeScript sources (tests, development), the worker has to register
 * tsx itself, because loader hooks do not reach workers.
 */
export function startSiblingWorker(from: string, name: string, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const extension = extname(fileURLToPath(from));
  const entry = new URL(`./${name}${extension}`, from);
  if (extension !== '.ts') return new Worker(entry, { workerData, resourceLimits });
  // tsx named by its location: an evaluated module resolves a bare name from the working directory.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
}

/** A worker's one answer, or why there is none. */
export type TaskAnswer<T> = ({ ok: true } & T) | { ok: false; message: string };

/** A worker thread that answers once: its answer (a failure, should it die or exit first), its end, and the thread. */
export interface WorkerTask<T> {
  readonly answer: Promise<TaskAnswer<T>>;
  readonly exited: Promise<void>;
  readonly worker: Worker;
}

/** Starts the worker module `name` beside `from` (see startSiblingWorker) for one answer. */
export function startWorkerTask<T>(from: string, name: string, workerData: unknown): WorkerTask<T> {
  const worker = startSiblingWorker(from, name, workerData);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const answer = new Promise<TaskAnswer<T>>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (error) => resolve({ ok: false, message: error.message }));
    worker.once('exit', (code) => resolve({ ok: false, message: `the worker exited with code ${code}` }));
  });
  return { answer, exited, worker };
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

/** Stops when any of `checks` does. */
export function eitherStop(...checks: readonly StopCheck[]): StopCheck {
  return { throwIfAborted: () => checks.forEach((check) => check.throwIfAborted()) };
}
