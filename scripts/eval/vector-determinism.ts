/**
 * Does a text's vector depend on the other texts of the same model call? The int8 models quantize
 * activations dynamically (DynamicQuantizeLinear: one scale per tensor, i.e. per batch), so it
 * can. Measures, with the product's TransformersEmbedder in process:
 *
 *  - cosine of each text embedded alone vs in a batch of 32 texts of mixed lengths (the ingestion
 *    path with EMBED_BATCH_SIZE=32, its default until one text a run), vs in a batch of 32 texts of the same token length (no padding), vs alone but padded
 *    to a fixed bucket length, and alone twice (run-to-run);
 *  - ingestion throughput, one text per call vs batches of 32, alternated block by block in one
 *    process, as a ratio.
 *
 *   node --import tsx scripts/eval/vector-determinism.ts [--model <id>] [--papers 1000] [--probe 64]
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/config.js';
import { paperPassage } from '../../src/embedding/embedder.js';
import { ensureModelFiles } from '../../src/embedding/model-files.js';
import { getModel } from '../../src/embedding/model-registry.js';
import { poolAndNormalize } from '../../src/embedding/pooling.js';
import { loadTransformersModel, TransformersEmbedder } from '../../src/embedding/transformers-embedder.js';
import { createLogger } from '../../src/log.js';
import { seededRandom } from '../../src/shared/seeded-random.js';
import { dot } from '../../src/shared/vector-math.js';
import { hiddenStates } from './hidden-states.js';
import { mean, median } from './metrics.js';

const { values } = parseArgs({ options: { model: { type: 'string' }, papers: { type: 'string' }, probe: { type: 'string' }, data: { type: 'string' } } });
const model = getModel(values.model ?? 'all-MiniLM-L6-v2');
const paperCount = Number(values.papers ?? 1000);
const probeCount = Number(values.probe ?? 64);
const config = loadConfig();
await ensureModelFiles(model, { modelDir: config.MODEL_DIR, sources: config.MODEL_SOURCES, hubEndpoint: config.HF_ENDPOINT, log: createLogger('warn') });

const passages = await samplePassages(values.data ?? '../shared/data/arxiv/papers.jsonl.gz', paperCount, 11);
const threads = config.EMBED_THREADS;
const single = await TransformersEmbedder.create(model, { modelDir: config.MODEL_DIR, threads, batchSize: 1 });
const batched = await TransformersEmbedder.create(model, { modelDir: config.MODEL_DIR, threads, batchSize: 32 });

// Low-level calls for what the embedder does not offer (fixed token lengths, extra padding).
const { tokenizer, network } = await loadTransformersModel(model, { modelDir: config.MODEL_DIR, threads });
const [cls, sep] = tokenizer.encode('', { add_special_tokens: true }) as [number, number];
const room = model.maxTokens - 2;

/** One model call over token id rows (without special tokens), padded to `padTo` or the longest row. */
async function runModel(rows: readonly number[][], padTo?: number): Promise<Float32Array[]> {
  const length = Math.max(padTo ?? 0, ...rows.map((ids) => ids.length + 2));
  const { hidden, mask, dims } = await hiddenStates(
    network,
    rows.map((ids) => [cls, ...ids, sep]),
    length,
  );
  const [batch, tokens, dimension] = dims;
  return poolAndNormalize({ data: hidden, batch, tokens, dimension, attentionMask: mask }, model.pooling);
}

const identical = (a: Float32Array, b: Float32Array) => a.every((value, d) => value === b[d]);
const summary = (name: string, pairs: [Float32Array, Float32Array][]) => {
  const cosines = pairs.map(([a, b]) => dot(a, b));
  return {
    name,
    texts: pairs.length,
    identical: pairs.filter(([a, b]) => identical(a, b)).length,
    meanCosine: mean(cosines),
    medianCosine: median(cosines),
    minCosine: Math.min(...cosines),
  };
};

// 1. Vector agreement on `probeCount` texts.
const probe = passages.slice(0, probeCount);
const alone = await Promise.all(probe.map(async (text) => (await single.embedPassages([text]))[0]!));
const aloneAgain: Float32Array[] = [];
for (const text of probe) aloneAgain.push((await single.embedPassages([text]))[0]!);
const inMixedBatches: Float32Array[] = [];
for (let start = 0; start < probe.length; start += 32) inMixedBatches.push(...(await batched.embedPassages(probe.slice(start, start + 32))));
const lowLevelAlone = await Promise.all(
  probe.map(async (text) => (await runModel([tokenizer.encode(text, { add_special_tokens: false }).slice(0, room)]))[0]!),
);

// Same token length: every text cut to the same number of tokens, alone vs 32 in one call.
const sameLength = 128;
const cut = probe
  .map((text) => tokenizer.encode(text, { add_special_tokens: false }) as number[])
  .filter((ids) => ids.length >= sameLength)
  .map((ids) => ids.slice(0, sameLength));
const cutAlone: Float32Array[] = [];
for (const ids of cut) cutAlone.push((await runModel([ids]))[0]!);
const cutBatched: Float32Array[] = [];
for (let start = 0; start + 32 <= cut.length; start += 32) cutBatched.push(...(await runModel(cut.slice(start, start + 32))));
// Alone, padded to the model's full window (a fixed bucket).
const padded: Float32Array[] = [];
for (const text of probe) padded.push((await runModel([tokenizer.encode(text, { add_special_tokens: false }).slice(0, room)], model.maxTokens))[0]!);
// Bucketed batches: 32 texts padded to the full window in one call.
const bucketBatched: Float32Array[] = [];
for (let start = 0; start < probe.length; start += 32)
  bucketBatched.push(
    ...(await runModel(
      probe.slice(start, start + 32).map((text) => tokenizer.encode(text, { add_special_tokens: false }).slice(0, room)),
      model.maxTokens,
    )),
  );

const agreement = [
  summary(
    'alone vs alone again (run to run)',
    probe.map((_t, i) => [alone[i]!, aloneAgain[i]!]),
  ),
  summary(
    'embedder alone vs low-level alone (same computation)',
    probe.map((_t, i) => [alone[i]!, lowLevelAlone[i]!]),
  ),
  summary(
    'alone vs batch of 32, mixed lengths (ingestion with EMBED_BATCH_SIZE=32)',
    probe.map((_t, i) => [alone[i]!, inMixedBatches[i]!]),
  ),
  summary(
    `alone vs batch of 32, all ${sameLength} tokens (no padding)`,
    cutBatched.map((vector, i) => [cutAlone[i]!, vector]),
  ),
  summary(
    `alone vs alone padded to ${model.maxTokens} tokens`,
    probe.map((_t, i) => [alone[i]!, padded[i]!]),
  ),
  summary(
    `alone padded to ${model.maxTokens} vs batch of 32 padded to ${model.maxTokens}`,
    probe.map((_t, i) => [padded[i]!, bucketBatched[i]!]),
  ),
];

// 2. Throughput, alternating the two ways block by block (order swapped every block).
const blocks = 4;
const blockSize = Math.floor(passages.length / blocks);
const seconds = { single: 0, batched: 0 };
const timeIt = async (way: 'single' | 'batched', texts: string[]) => {
  const started = performance.now();
  if (way === 'single') for (const text of texts) await single.embedPassages([text]);
  else await batched.embedPassages(texts);
  seconds[way] += (performance.now() - started) / 1000;
};
await single.embedPassages([passages[0]!]);
await batched.embedPassages(passages.slice(0, 32));
for (let block = 0; block < blocks; block++) {
  const texts = passages.slice(block * blockSize, (block + 1) * blockSize);
  const order: ('single' | 'batched')[] = block % 2 === 0 ? ['single', 'batched'] : ['batched', 'single'];
  for (const way of order) await timeIt(way, texts);
}
const embedded = blocks * blockSize;
const throughput = {
  papers: embedded,
  threads,
  singlePapersPerSecond: embedded / seconds.single,
  batchedPapersPerSecond: embedded / seconds.batched,
  batchedOverSingle: seconds.single / seconds.batched,
};

const r = (value: number, digits = 4) => value.toFixed(digits);
process.stdout.write(
  [
    `## ${model.id}: vector agreement on ${probe.length} arXiv passages`,
    '',
    '| comparison | texts | bit-identical | mean cosine | median | min |',
    '|---|---|---|---|---|---|',
    ...agreement.map(
      (row) => `| ${row.name} | ${row.texts} | ${row.identical} | ${r(row.meanCosine, 5)} | ${r(row.medianCosine, 5)} | ${r(row.minCosine, 5)} |`,
    ),
    '',
    `Throughput on ${embedded} passages, ${threads} threads, alternated in ${blocks} blocks: one text per call ${r(throughput.singlePapersPerSecond, 1)} papers/s, batches of 32 ${r(throughput.batchedPapersPerSecond, 1)} papers/s, batches ${r(throughput.batchedOverSingle, 2)}x faster.`,
    '',
  ].join('\n'),
);
await Promise.all([single.dispose(), batched.dispose(), network.dispose()]);

/** `count` passages drawn (seeded) from the first 20,000 records of a gzipped arXiv JSON-lines file. */
async function samplePassages(path: string, count: number, seed: number): Promise<string[]> {
  const records: string[] = [];
  for await (const line of createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { title?: string; abstract?: string };
    if (record.abstract) records.push(paperPassage(record.title, record.abstract));
    if (records.length === 20_000) break;
  }
  const random = seededRandom(seed);
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [records[i], records[j]] = [records[j]!, records[i]!];
  }
  return records.slice(0, count);
}
