import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

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
