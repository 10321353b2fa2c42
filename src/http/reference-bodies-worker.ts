import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../errors.js';
import type { TaskAnswer } from '../shared/worker-threads.js';
import { paperInputsOfReferences } from './reference-bodies.js';
import type { ReferenceJob, ReferenceJobResult } from './reference-reading.js';

/** Reads one reference body (see readReferenceBody) and answers once. */
const { body, format, options } = workerData as ReferenceJob;
let answer: TaskAnswer<ReferenceJobResult>;
try {
  answer = { ok: true, items: await paperInputsOfReferences(Buffer.from(body.buffer, body.byteOffset, body.byteLength), format, options) };
} catch (error) {
  answer = isAppError(error)
    ? { ok: true, refused: { code: error.code, message: error.message, details: error.details, retryAfterSeconds: error.retryAfterSeconds } }
    : { ok: false, message: error instanceof Error ? error.message : String(error) };
}
parentPort!.postMessage(answer);
