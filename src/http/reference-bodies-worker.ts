import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../errors.js';
import { paperInputsOfReferences } from './reference-bodies.js';
import type { ReferenceJob, ReferenceJobAnswer } from './reference-reading.js';

/** Reads one reference body (see readReferenceBody) and answers once. */
const { body, format, options } = workerData as ReferenceJob;
let answer: ReferenceJobAnswer;
try {
  answer = { items: await paperInputsOfReferences(Buffer.from(body.buffer, body.byteOffset, body.byteLength), format, options) };
} catch (error) {
  answer = isAppError(error)
    ? { refused: { code: error.code, message: error.message, details: error.details, retryAfterSeconds: error.retryAfterSeconds } }
    : { failed: error instanceof Error ? error.message : String(error) };
}
parentPort!.postMessage(answer);
