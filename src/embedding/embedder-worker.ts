/**
 * Runs the model off the main thread. ONNX Runtime's Node binding computes synchronously, so in
 * the main thread every model call would stall HTTP, index lookups and shutdown for its whole
 * duration. The main thread's scheduler (see EmbedScheduler) decides which texts go to the worker
 * at once; the worker embeds them in order, in model runs of at most EMBED_BATCH_SIZE texts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TransformersEmbedder } from './transformers-embedder.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const embedder = await TransformersEmbedder.create(setup.model, setup.options);
// A session's first call allocates its working memory and loads the query session: paid here,
// before the worker says it is ready, so that no request of a fresh (or restarted) worker does.
await embedder.embedQueries(['warm up the model']);
await embedder.embedPassages(['warm up the model with a passage']);

let closing = false;
/** The model call in progress (or the last one): the model is disposed only after it. */
let turn: Promise<void> = Promise.resolve();

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function embed(request: Extract<WorkerRequest, { type: 'embed' }>): Promise<void> {
  if (closing) {
    reply({ type: 'error', id: request.id, message: 'the model is shutting down' });
    return;
  }
  try {
    const vectors = request.kind === 'query' ? await embedder.embedQueries(request.texts) : await embedder.embedPassages(request.texts);
    const { dimension } = embedder.model;
    const packed = new Float32Array(vectors.length * dimension);
    vectors.forEach((vector, i) => packed.set(vector, i * dimension));
    reply({ type: 'vectors', id: request.id, packed }, [packed.buffer]);
  } catch (error) {
    reply({ type: 'error', id: request.id, message: (error as Error).message });
  }
}

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'embed') {
    turn = turn.then(() => embed(request));
    return;
  }
  // Requests still queued are refused, the model call in progress finishes, and only then is the
  // session disposed: disposing under a running call fails.
  closing = true;
  void turn.then(async () => {
    await embedder.dispose();
    port.close();
  });
});

reply({ type: 'ready' });
