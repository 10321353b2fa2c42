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
    queue.push(request);
    // A running drain picks the request up; otherwise wait one turn so that the other messages
    // already waiting arrive and share the model call.
    if (!running && !scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        void drain();
      });
    }
  } else if (request.type === 'count') {
    reply({ type: 'count', id: request.id, tokens: embedder.countPassageTokens(request.text) });
  } else {
    void embedder.dispose().then(() => port.close());
  }
});

reply({ type: 'ready' });
