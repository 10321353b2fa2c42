import assert from 'node:assert/strict';
import { dot as cosine } from '../../src/shared/vector-math.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import type { Embedder } from '../../src/embedding/embedder.js';
import { loadEmbedder } from '../../src/embedding/load-embedder.js';
import { getModel } from '../../src/embedding/model-registry.js';
import { TransformersEmbedder } from '../../src/embedding/transformers-embedder.js';
import type { WorkerEmbedder } from '../../src/embedding/worker-embedder.js';
import { loadTestEmbedder, repoRoot, silentLog, testConfig } from './helpers.js';

let embedder: Embedder;

before(async () => {
  embedder = await loadTestEmbedder();
});

after(async () => {
  await embedder?.dispose();
});

describe('the real all-MiniLM-L6-v2 model (quantized ONNX, transformers.js)', () => {
  it('gives 384-dimensional unit vectors', async () => {
    const [vector] = await embedder.embedPassages(['Sparse attention for long documents.']);
    assert.equal(vector!.length, 384);
    assert.ok(Math.abs(cosine(vector!, vector!) - 1) < 1e-5);
  });

  it('reproduces the published similarity of a reference pair', async () => {
    const [food] = await embedder.embedPassages(['A man is eating food.']);
    const [bread] = await embedder.embedPassages(['A man is eating a piece of bread.']);
    // fp32 sentence-transformers: 0.755; the quantized model measured 0.757 here and 0.767 elsewhere.
    assert.ok(Math.abs(cosine(food!, bread!) - 0.76) < 0.02, `cosine ${cosine(food!, bread!)}`);
  });

  it('ranks paraphrases above unrelated sentences', async () => {
    const pairs: [string, string, string][] = [
      ['A man is eating food.', 'A man is eating a piece of bread.', 'The girl is carrying a baby.'],
      ['How do I compress a large language model?', 'Methods for shrinking LLMs such as quantization and pruning.', 'The weather in Paris is mild in spring.'],
      ['Graph neural networks for molecules', 'Message passing networks predict chemical properties of molecules.', 'A history of medieval European castles.'],
    ];
    for (const [anchor, paraphrase, unrelated] of pairs) {
      const [a, p, u] = await embedder.embedPassages([anchor, paraphrase, unrelated]);
      assert.ok(cosine(a!, p!) > cosine(a!, u!) + 0.2, `${anchor}: ${cosine(a!, p!)} vs ${cosine(a!, u!)}`);
    }
  });

  describe('the 256-token window', () => {
    const words = (count: number, replaceAt?: number) =>
      Array.from({ length: count }, (_, i) => (i === replaceAt ? 'volcano' : ['the', 'model', 'learns', 'from', 'data'][i % 5])).join(' ');

    it('truncates at 256 tokens (254 words and the two special tokens), not at the 128 of the published tokenizer file', async () => {
      // One text per model call: texts sharing a call share the int8 activation scale, which
      // would blur what this test pins. Each word here is one token.
      const original = await embedder.embedPassages([words(400)]);
      const changedAfterWindow = await embedder.embedPassages([words(400, 254)]);
      const changedAt250 = await embedder.embedPassages([words(400, 250)]);
      const changedAt200 = await embedder.embedPassages([words(400, 200)]);
      assert.deepEqual(changedAfterWindow[0], original[0]);
      assert.ok(cosine(changedAt250[0]!, original[0]!) < 0.9999, 'a word at token 252 is inside the window');
      assert.ok(cosine(changedAt200[0]!, original[0]!) < 0.9999, 'a word inside the window changes the vector');
    });

    it('installs a tokenizer file that pins no truncation or padding of its own', async () => {
      const tokenizer = JSON.parse(await readFile(join(repoRoot, 'models', embedder.model.hubId, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(tokenizer.truncation, null);
      assert.equal(tokenizer.padding, null);
    });

    it('pads only to the longest text of a batch: a shorter text batched with a longer one keeps its meaning', async () => {
      // Texts share a model run only with a batch size above one (one is the default), and only
      // when their lengths are close enough that padding costs less than another run.
      const batching = await TransformersEmbedder.create(embedder.model, { modelDir: join(repoRoot, 'models'), threads: 1, batchSize: 32 });
      const shorter = `Neural video representation. ${words(150)}`;
      try {
        const [alone] = await batching.embedPassages([shorter]);
        const [batched] = await batching.embedPassages([shorter, words(170)]);
        assert.notDeepEqual(batched, alone, 'the two texts shared a run');
        assert.ok(cosine(alone!, batched!) > 0.98, `cosine ${cosine(alone!, batched!)}`);
      } finally {
        await batching.dispose();
      }
    });

    it('sends a worker several texts at once while running each alone (EMBED_BATCH_SIZE 1): vectors as if embedded one by one', async () => {
      const calls: number[] = [];
      const observed = await loadEmbedder(getModel('all-MiniLM-L6-v2'), testConfig({ EMBED_WORKERS: '1' }), silentLog, {
        batchDone: (texts) => calls.push(texts),
      });
      try {
        const texts = ['Neural video representation', words(120), 'Protein folding with deep learning'];
        const together = await observed.embedPassages(texts);
        const oneByOne = [];
        for (const text of texts) oneByOne.push((await observed.embedPassages([text]))[0]!);
        assert.equal(calls[0], 3, 'the three texts went to the worker in one call');
        assert.deepEqual(together, oneByOne);
      } finally {
        await observed.dispose();
      }
    });
  });

  it('embeds queries and passages alike for a model without a query instruction', async () => {
    const [query] = await embedder.embedQueries(['diffusion models for 3D generation']);
    const [passage] = await embedder.embedPassages(['diffusion models for 3D generation']);
    assert.deepEqual(query, passage);
  });

  it('runs short queries in a session of their own when they take other threads, with the same vectors', async () => {
    // Titles go to the query session; a pasted abstract (over 64 tokens) to the one with every thread.
    const abstract = Array.from({ length: 12 }, (_, i) => `Sentence ${i} describes sparse attention for long documents in detail.`).join(' ');
    const titles = ['Sparse attention for long documents', 'A survey of graph neural networks', 'Protein folding with deep learning', abstract];
    const model = getModel('all-MiniLM-L6-v2');
    const split = await TransformersEmbedder.create(model, { modelDir: join(repoRoot, 'models'), threads: 2, queryThreads: 1, batchSize: 32 });
    try {
      const network = (instance: TransformersEmbedder) => instance as unknown as { network: unknown; queryNetwork: Promise<unknown> | undefined };
      assert.equal(network(split).queryNetwork, undefined, 'loaded on the first query, not before');
      const queries = await split.embedQueries(titles);
      const queryNetwork = await network(split).queryNetwork;
      assert.ok(queryNetwork && queryNetwork !== network(split).network);
      const passages = await split.embedPassages(titles);
      queries.forEach((query, i) => assert.ok(cosine(query, passages[i]!) > 0.9999, `cosine ${cosine(query, passages[i]!)}`));
    } finally {
      await split.dispose();
    }
  });
});

describe('the model worker dying', () => {
  /**
   * Ends the worker thread while it is idle. Terminating a thread inside an ONNX Runtime call
   * aborts the whole process (the binding cannot unwind), so a death the supervisor can survive
   * is one outside a model call: an uncaught error or a heap limit in the worker's own code.
   */
  const workersOf = (model: WorkerEmbedder) => (model as unknown as { workers: { thread: Promise<Worker>; restarting: boolean }[] }).workers;
  const workerOf = (model: WorkerEmbedder) => workersOf(model)[0]!.thread;
  const crash = async (model: WorkerEmbedder) => (await workerOf(model)).terminate();
  const restarted = async (model: WorkerEmbedder) => {
    while (workersOf(model).some((worker) => worker.restarting)) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  it('answers the model call it was sent 503 model_unavailable, restarts, and serves again', async () => {
    const model = await loadEmbedder(getModel('all-MiniLM-L6-v2'), testConfig({ EMBED_WORKERS: '1' }), silentLog);
    try {
      const [before] = await model.embedPassages(['Neural video compression with learned motion.']);
      const worker = await workerOf(model);
      // The call reaches the worker after its termination began, so it is lost with the worker.
      const inFlight = model.embedPassages(['A passage the dying worker never answers.']);
      const terminated = worker.terminate();
      await assert.rejects(inFlight, (error: unknown) => (error as { code?: string }).code === 'model_unavailable');
      await terminated;
      assert.equal(model.state, 'restarting');
      const [after] = await model.embedPassages(['Neural video compression with learned motion.']);
      assert.equal(model.state, 'ready');
      assert.deepEqual(after, before, 'the new worker embeds as the old one did');
    } finally {
      await model.dispose();
    }
  });

  it('keeps answering from the other worker while one restarts (two workers)', async () => {
    const model = await loadEmbedder(getModel('all-MiniLM-L6-v2'), testConfig({ EMBED_WORKERS: '2' }), silentLog);
    try {
      const [before] = await model.embedPassages(['Neural video compression with learned motion.']);
      // As above: terminated in the same turn as the call is made, before the call is posted.
      const worker = await workerOf(model);
      const inFlight = model.embedPassages(['A passage the dying worker never answers.']);
      const terminated = worker.terminate();
      await assert.rejects(inFlight, (error: unknown) => (error as { code?: string }).code === 'model_unavailable');
      await terminated;
      assert.equal(model.state, 'ready', 'one worker is still up');
      const [meanwhile] = await model.embedPassages(['Neural video compression with learned motion.']);
      assert.ok(cosine(meanwhile!, before!) > 0.9999);
      await restarted(model);
      const both = await Promise.all([model.embedPassages(['Neural video compression with learned motion.']), model.embedPassages(['Sparse attention.'])]);
      assert.ok(cosine(both[0][0]!, before!) > 0.9999, 'the new worker embeds as the old one did');
    } finally {
      await model.dispose();
    }
  });

  it('sends no model call to a worker being restarted while another is up (a query waited for the whole restart)', async () => {
    const model = await loadEmbedder(getModel('all-MiniLM-L6-v2'), testConfig({ EMBED_WORKERS: '2' }), silentLog);
    try {
      await (await workerOf(model)).terminate();
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(workersOf(model)[0]!.restarting);
      const abstract = 'Sparse attention lets transformers read long documents at a fraction of the cost. '.repeat(6);
      // The live worker takes the passage, then the query: neither is parked on the restarting one.
      await Promise.all([model.embedPassages([abstract]), model.embedQueries(['sparse attention'], { client: 'other' })]);
      assert.ok(workersOf(model)[0]!.restarting, 'both were answered before the restart ended');
      await restarted(model);
    } finally {
      await model.dispose();
    }
  });

  it('gives up after repeated deaths: the model is failed and every request is refused', async () => {
    const model = await loadTestEmbedder();
    try {
      for (let death = 0; death < 4; death++) {
        await model.embedQueries([`query ${death}`]);
        await crash(model);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await assert.rejects(model.embedQueries(['after']), (error: unknown) => (error as { code?: string }).code === 'model_unavailable');
      assert.equal(model.state, 'failed');
    } finally {
      await model.dispose();
    }
  });
});
