/**
 * Runs the model off the main thread. ONNX Runtime's Node binding computes synchronously, so in
 * the main thread every model call would stall HTTP, index lookups and shutdown for its whole
 * duration. Requests that arrive while the model is busy are embedded together in the next call
 * (micro-batching), which is where concurrent queries gain throughput.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TransformersEmbedder } from './transformers-embedder.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const embedder = await TransformersEmbedder.create(setup.model, setup.options);

const queue: Extract<WorkerRequest, { type: 'embed' }>[] = [];
let scheduled = false;
let running = false;
let closing = false;
/** The drain in progress (or the last one): the model is disposed only after it. */
let draining: Promise<void> = Promise.resolve();

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function drain(): Promise<void> {
  running = true;
  try {
    while (queue.length > 0) {
      const batch = queue.splice(0, queue.length);
      try {
        // One model pass per kind over every waiting request (queries and passages differ in
        // prefix and in how long texts are handled); the embedder sorts by length internally.
        for (const kind of ['query', 'passage'] as const) {
          const requests = batch.filter((request) => request.kind === kind);
          if (requests.length === 0) continue;
          const texts = requests.flatMap((request) => request.texts);
          const vectors = kind === 'query' ? await embedder.embedQueries(texts) : await embedder.embedPassages(texts);
          let offset = 0;
          for (const request of requests) {
            const packed = new Float32Array(request.texts.length * embedder.model.dimension);
            for (let i = 0; i < request.texts.length; i++) packed.set(vectors[offset + i]!, i * embedder.model.dimension);
            offset += request.texts.length;
            reply({ type: 'vectors', id: request.id, packed }, [packed.buffer]);
          }
        }
      } catch (error) {
        for (const request of batch) reply({ type: 'error', id: request.id, message: (error as Error).message });
      }
    }
  } finally {
    running = false;
  }
}

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'embed') {
    if (closing) {
      reply({ type: 'error', id: request.id, message: 'the model is shutting down' });
      return;
    }
    queue.push(request);
    // A running drain picks the request up; otherwise wait one turn so that the other messages
    // already waiting arrive and share the model call.
    if (!running && !scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        draining = drain();
      });
    }
  } else {
    // Requests still queued (their clients may be gone) are refused, the model call in progress
    // finishes, and only then is the session disposed: disposing under a running call fails.
    closing = true;
    for (const waiting of queue.splice(0)) reply({ type: 'error', id: waiting.id, message: 'the model is shutting down' });
    void (async () => {
      await draining;
      await embedder.dispose();
      port.close();
    })();
  }
});

reply({ type: 'ready' });
