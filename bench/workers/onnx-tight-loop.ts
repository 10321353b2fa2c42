/**
 * The model's own limit on this machine: the product's ONNX file and tokenizer, one
 * onnxruntime-node session with the ingestion's thread settings, called in a tight loop on
 * pre-tokenized, length-sorted batches of 32 of the same passages the ingestion embeds. No I/O,
 * no validation, no pooling, no index: only session.run is timed.
 * `--papers <jsonl> [--threads 2] [--batch 32] [--model-dir models]`
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AutoTokenizer, env } from '@huggingface/transformers';
import ort from 'onnxruntime-node';
import { paperPassage } from '../../src/embedding/embedder.js';
import { reportResult } from '../lib/child-result.js';

const { values } = parseArgs({
  options: {
    papers: { type: 'string' },
    threads: { type: 'string', default: '2' },
    batch: { type: 'string', default: '32' },
    'model-dir': { type: 'string', default: 'models' },
  },
});
if (!values.papers) throw new Error('--papers is required');
const hubId = 'Xenova/all-MiniLM-L6-v2';
const maxTokens = 256;
const batchSize = Number(values.batch);

env.allowRemoteModels = false;
env.localModelPath = `${values['model-dir']}/`;
const tokenizer = await AutoTokenizer.from_pretrained(hubId, { local_files_only: true });
const session = await ort.InferenceSession.create(`${values['model-dir']}/${hubId}/onnx/model_quantized.onnx`, {
  intraOpNumThreads: Number(values.threads),
  interOpNumThreads: 1,
});

const papers = readFileSync(values.papers, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { title?: string; abstract: string });
const sequences = papers
  .map((paper) => (tokenizer.encode(paperPassage(paper.title, paper.abstract), { add_special_tokens: true }) as number[]).slice(0, maxTokens))
  .sort((a, b) => a.length - b.length);

/** Tensors are built before timing: the limit is the model's, not the tensor packing's. */
const batches = [];
for (let start = 0; start < sequences.length; start += batchSize) {
  const batch = sequences.slice(start, start + batchSize);
  const length = Math.max(...batch.map((ids) => ids.length));
  const ids = new BigInt64Array(batch.length * length);
  const mask = new BigInt64Array(batch.length * length);
  batch.forEach((sequence, row) => sequence.forEach((id, column) => ((ids[row * length + column] = BigInt(id)), (mask[row * length + column] = 1n))));
  const dims = [batch.length, length];
  batches.push({
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(batch.length * length), dims),
  });
}

await session.run(batches[0]!); // first call allocates; not part of the steady state
const started = performance.now();
for (const feeds of batches) await session.run(feeds);
const seconds = (performance.now() - started) / 1000;
reportResult({ papers: sequences.length, seconds, papersPerSecond: sequences.length / seconds });
