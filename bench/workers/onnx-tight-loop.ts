/**
 * The model's own limit on this machine: the product's ONNX file and tokenizer, onnxruntime-node
 * sessions called in a tight loop on pre-tokenized, length-sorted batches of the same texts the
 * product embeds: each paper's passage (title and abstract) and, since the model gives titles a
 * weight of their own, each title alone (see embedPapers). No I/O, no validation, no pooling, no
 * index: only session.run is timed. The rate is papers (passages) per second.
 *
 * The limit is the best of several layouts, each reported: one session with every thread, in
 * batches of 32 texts, in calls of at most 32 texts and 2,048 tokens (the product's calls until
 * it ran one text a call) and one text a call; and `--workers` sessions of threads ÷ workers
 * each, one per worker thread, side by side, in those calls and one text a call. Which is fastest
 * depends on the CPU and the threads (on one 2-core VM batches of 32 abstracts ran at 0.85x the
 * rate of 8-abstract calls, on another the other way round; one text a call is the fastest on
 * one-thread sessions and the slowest on a two-thread one), so a ceiling measured one way only
 * would flatter or wrong the product.
 * `--papers <jsonl> [--threads 2] [--workers <threads, at most 8>] [--model-dir models]`
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { AutoTokenizer, env } from '@huggingface/transformers';
import ort from 'onnxruntime-node';
import { paperTexts, type PaperText } from '../../src/embedding/paper-vectors.js';
import { getModel } from '../../src/embedding/model-registry.js';
import { reportResult } from '../lib/child-result.js';

const model = getModel('all-MiniLM-L6-v2');
const { hubId, maxTokens } = model;
/** Calls of at most 32 texts and 2,048 tokens (the product's until EMBED_BATCH_SIZE became 1). */
const boundedBatch = { texts: 32, tokens: 2_048 };
/** One text a call: the product's default (EMBED_BATCH_SIZE 1). */
const oneText = { texts: 1, tokens: Number.POSITIVE_INFINITY };

interface Layout {
  name: string;
  workers: number;
  threadsEach: number;
  batch: { texts: number; tokens: number };
}

interface WorkerSetup {
  modelDir: string;
  papersFile: string;
  layout: Layout;
  part: number;
}

function readPapers(papersFile: string): PaperText[] {
  return readFileSync(papersFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PaperText);
}

/** The texts' token ids, shortest first, cut into calls of at most `texts` texts and `tokens` padded tokens. */
async function sortedCalls(modelDir: string, papersFile: string, batch: Layout['batch']): Promise<number[][][]> {
  env.allowRemoteModels = false;
  env.localModelPath = `${modelDir}/`;
  const tokenizer = await AutoTokenizer.from_pretrained(hubId, { local_files_only: true });
  const sequences = paperTexts(readPapers(papersFile), model.titleWeight)
    .texts.map((text) => (tokenizer.encode(text, { add_special_tokens: true }) as number[]).slice(0, maxTokens))
    .sort((a, b) => a.length - b.length);
  const calls: number[][][] = [];
  let call: number[][] = [];
  for (const sequence of sequences) {
    if (call.length > 0 && (call.length >= batch.texts || (call.length + 1) * sequence.length > batch.tokens)) {
      calls.push(call);
      call = [];
    }
    call.push(sequence);
  }
  if (call.length > 0) calls.push(call);
  return calls;
}

/** Tensors are built before timing: the limit is the model's, not the tensor packing's. */
function feedsOf(call: number[][]): Record<string, ort.Tensor> {
  const length = Math.max(...call.map((ids) => ids.length));
  const ids = new BigInt64Array(call.length * length);
  const mask = new BigInt64Array(call.length * length);
  call.forEach((sequence, row) => sequence.forEach((id, column) => ((ids[row * length + column] = BigInt(id)), (mask[row * length + column] = 1n))));
  const dims = [call.length, length];
  return {
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(call.length * length), dims),
  };
}

/** In a worker thread: its share of the calls (every `workers`-th), run when the main thread says go. */
async function runPart(setup: WorkerSetup): Promise<void> {
  const { layout, part } = setup;
  const session = await ort.InferenceSession.create(`${setup.modelDir}/${hubId}/onnx/model_quantized.onnx`, {
    intraOpNumThreads: layout.threadsEach,
    interOpNumThreads: 1,
  });
  const calls = (await sortedCalls(setup.modelDir, setup.papersFile, layout.batch)).filter((_, i) => i % layout.workers === part);
  const feeds = calls.map(feedsOf);
  if (feeds[0]) await session.run(feeds[0]); // first call allocates; not part of the steady state
  parentPort!.postMessage('ready');
  parentPort!.once('message', async () => {
    for (const feed of feeds) await session.run(feed);
    parentPort!.postMessage('done');
  });
}

/** Papers per second of one layout: its workers start together, and the clock stops when the last ends. */
async function measure(layout: Layout, modelDir: string, papersFile: string): Promise<number> {
  const workers = Array.from(
    { length: layout.workers },
    (_, part) =>
      new Worker(new URL(import.meta.url), { workerData: { modelDir, papersFile, layout, part } satisfies WorkerSetup, execArgv: ['--import', 'tsx'] }),
  );
  const next = (worker: Worker) => new Promise<unknown>((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject)));
  try {
    await Promise.all(workers.map(next));
    const started = performance.now();
    await Promise.all(workers.map((worker) => (worker.postMessage('go'), next(worker))));
    const seconds = (performance.now() - started) / 1000;
    return readPapers(papersFile).length / seconds;
  } finally {
    // Also when one failed: the others would keep the process alive.
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

if (isMainThread) {
  const { values } = parseArgs({
    options: {
      papers: { type: 'string' },
      threads: { type: 'string', default: '2' },
      workers: { type: 'string' },
      'model-dir': { type: 'string', default: 'models' },
    },
  });
  if (!values.papers) throw new Error('--papers is required');
  const threads = Number(values.threads);
  // As many sessions as the product's model workers by default: one a thread, at most eight.
  const workers = Math.min(Number(values.workers ?? 8), threads);
  const layouts: Layout[] = [
    { name: `1 session x ${threads} threads, batches of 32`, workers: 1, threadsEach: threads, batch: { texts: 32, tokens: Number.POSITIVE_INFINITY } },
    { name: `1 session x ${threads} threads, calls of 32 texts and 2,048 tokens`, workers: 1, threadsEach: threads, batch: boundedBatch },
    { name: `1 session x ${threads} threads, one text a call`, workers: 1, threadsEach: threads, batch: oneText },
  ];
  if (workers > 1) {
    const threadsEach = Math.floor(threads / workers);
    layouts.push({
      name: `${workers} sessions x ${threadsEach} threads side by side, calls of 32 texts and 2,048 tokens`,
      workers,
      threadsEach,
      batch: boundedBatch,
    });
    layouts.push({ name: `${workers} sessions x ${threadsEach} threads side by side, one text a call`, workers, threadsEach, batch: oneText });
  }
  const rates: Record<string, number> = {};
  for (const layout of layouts) {
    rates[layout.name] = await measure(layout, values['model-dir'], values.papers);
    console.error(`model limit: ${layout.name}: ${rates[layout.name]!.toFixed(1)} papers/s`);
  }
  reportResult({ papersPerSecond: Math.max(...Object.values(rates)), layouts: rates });
} else {
  await runPart(workerData as WorkerSetup);
}
