import { AppError, type ErrorCode } from '../errors.js';
import type { ImportFormat } from '../export/media-types.js';
import { startWorkerTask, type TaskAnswer } from '../shared/worker-threads.js';
import type { RejectedEntry, WriteEntry } from '../writes/write-service.js';
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

/** What the worker read: the entries, or the refusal the body earned (a catalog error, rebuilt here). */
type ReferenceJobResult = { items: Items } | { refused: { code: ErrorCode; message: string; details: unknown } };

export type ReferenceJobAnswer = TaskAnswer<ReferenceJobResult>;

/**
 * A BibTeX body with more TeX than this (commands and math, counted by their `\` and `$`) is read
 * on a worker thread. Reading TeX costs about 0.1 ms a command or formula: a body of 25,000 of
 * them (100 KB) held the server's one thread for over 3 s, every other request waiting. Below it,
 * at most a few tenths of a second, the body is read in place, saving the worker's start (a few
 * hundred milliseconds) for the one reference a reference manager sends.
 */
const texMarksInPlace = 2_000;

/** One body read off the main thread at a time: a hostile one delays other imports, not reads. */
let workerQueue: Promise<unknown> = Promise.resolve();

/**
 * The papers of a reference body, as paperInputsOfReferences reads them: in place, or on a worker
 * thread when the body holds much TeX (see texMarksInPlace).
 */
export async function readReferenceBody(body: Buffer, format: ImportFormat, options: ReadOptions): Promise<Items> {
  if (format !== 'bibtex' || !hasMoreTexMarks(body, texMarksInPlace)) return paperInputsOfReferences(body, format, options);
  const turn = workerQueue.then(() => readOnWorker({ body, format, options }));
  workerQueue = turn.catch(() => undefined);
  return turn;
}

async function readOnWorker(job: ReferenceJob): Promise<Items> {
  const task = startWorkerTask<ReferenceJobResult>(import.meta.url, 'reference-bodies-worker', job);
  const answer = await task.answer;
  await task.exited;
  if (!answer.ok) throw new AppError('internal', `Reading the body failed: ${answer.message}`);
  if ('refused' in answer) throw new AppError(answer.refused.code, answer.refused.message, { details: answer.refused.details });
  return answer.items;
}

/** Whether `body` holds more than `limit` backslashes and dollar signs (stops counting past it). */
function hasMoreTexMarks(body: Buffer, limit: number): boolean {
  let marks = 0;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if ((byte === 0x5c || byte === 0x24) && ++marks > limit) return true;
  }
  return false;
}
