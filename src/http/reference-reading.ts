import { AppError, type ErrorCode } from '../errors.js';
import type { ImportFormat } from '../export/media-types.js';
import { startWorkerTask } from '../shared/worker-threads.js';
import type { RejectedEntry, WriteEntry } from '../writes/write-entries.js';
import { paperInputsOfReferences } from './reference-bodies.js';

interface ReadOptions {
  allowTitleOnly: boolean;
  skipInvalid: boolean;
}
type Items = (WriteEntry | RejectedEntry)[];

/** What the worker reading a body is given. */
export interface ReferenceJob {
  body: Uint8Array;
  format: ImportFormat;
  options: ReadOptions;
}

/** What the worker finds: the entries, or the refusal the body earned (a catalog error, rebuilt here). */
export type ReferenceJobResult = { items: Items } | { refused: { code: ErrorCode; message: string; details: unknown; retryAfterSeconds?: number } };

/**
 * A reference body larger than this is read on a worker thread. Reading TeX costs about 0.1 ms a
 * command or formula, and some runs of special characters (`^_&#`) cost more the longer they get:
 * BibTeX bodies of 100 KB held the server's one thread, and every other request, for seconds to
 * minutes. RIS and CSL-JSON are read whole before a turn can be given between entries: one RIS
 * record of 3.9 million keyword lines held every request for 13 s, a CSL-JSON array nested a
 * million deep for 2.5 s. Below it (the one reference a reference manager sends) the body is read
 * in place, saving the worker's start, a few hundred milliseconds.
 */
const bytesReadInPlace = 4 * 1024;

/** Bodies waiting for the worker beyond the one it reads; past it, 503 overloaded. */
const maxWaiting = 16;

/** A body still unread after this long is given up (413): split, it is read in parts. */
const readTimeLimitMs = 60_000;

interface Waiting {
  start(): void;
}

/** One body read off the main thread at a time: a hostile one delays other imports, not reads. */
const queue: Waiting[] = [];
let reading = false;

/**
 * The papers of a reference body, as paperInputsOfReferences reads them: in place, or for a
 * body of more than a few kilobytes on a worker thread (see bytesReadInPlace). `signal`
 * (the client gone) drops a body still waiting and stops one being read.
 */
export async function readReferenceBody(body: Buffer, format: ImportFormat, options: ReadOptions, signal?: AbortSignal): Promise<Items> {
  if (body.length <= bytesReadInPlace) return paperInputsOfReferences(body, format, options);
  // Gone already (while the body arrived): its abort will not be heard again.
  if (signal?.aborted) throw new AppError('client_closed_request');
  if (queue.length >= maxWaiting) {
    throw new AppError('overloaded', 'Too many reference files are waiting to be read; try again shortly.', { retryAfterSeconds: 5 });
  }
  await new Promise<void>((resolve, reject) => {
    const waiting: Waiting = {
      start: () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      },
    };
    const leave = () => {
      queue.splice(queue.indexOf(waiting), 1);
      reject(new AppError('client_closed_request'));
    };
    signal?.addEventListener('abort', leave, { once: true });
    queue.push(waiting);
    if (!reading) nextBody();
  });
  try {
    return await readOnWorker({ body, format, options }, signal);
  } finally {
    reading = false;
    nextBody();
  }
}

function nextBody(): void {
  const next = queue.shift();
  if (!next) return;
  reading = true;
  next.start();
}

/**
 * One body read by a worker of its own. The worker is stopped when the client leaves or the time
 * is up (it calls no native add-on, so terminating it is safe), and does not keep a stopping
 * server's process alive.
 */
async function readOnWorker(job: ReferenceJob, signal: AbortSignal | undefined): Promise<Items> {
  const task = startWorkerTask<ReferenceJobResult>(import.meta.url, 'reference-bodies-worker', job);
  task.worker.unref();
  let timer: NodeJS.Timeout | undefined;
  let abandon: (() => void) | undefined;
  const givenUp = new Promise<never>((_, reject) => {
    abandon = () => reject(new AppError('client_closed_request'));
    signal?.addEventListener('abort', abandon, { once: true });
    timer = setTimeout(
      () => reject(new AppError('payload_too_large', `The body took more than ${readTimeLimitMs / 1000} s to read; send it in smaller files.`)),
      readTimeLimitMs,
    );
    timer.unref();
  });
  try {
    const answer = await Promise.race([task.answer, givenUp]);
    if (!answer.ok) throw new AppError('internal', undefined, { cause: new Error(`reading a reference body on a worker failed: ${answer.message}`) });
    if ('refused' in answer) {
      const { code, message, details, retryAfterSeconds } = answer.refused;
      throw new AppError(code, message, { details, retryAfterSeconds });
    }
    return answer.items;
  } finally {
    clearTimeout(timer);
    if (abandon) signal?.removeEventListener('abort', abandon);
    void task.worker.terminate();
  }
}
