import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EmbedScheduler } from '../../src/embedding/embed-scheduler.js';
import type { Embedder } from '../../src/embedding/embedder.js';
import { getModel } from '../../src/embedding/model-registry.js';
import { ingestPapers } from '../../src/ingest/ingest.js';
import { estimatedTotalPapers, type IngestionProgress } from '../../src/ingest/progress.js';
import { createLogger } from '../../src/log.js';
import { randomUnitVectors, temporaryRoot } from './support.js';

const root = temporaryRoot('paper-search-ingest-pipeline-');
const model = getModel('all-MiniLM-L6-v2');

/** A fake model behind the product's scheduler, with a queue that holds one group of papers but not two. */
function embedderWithQueue(maxQueuedTokens: number): Embedder & { largestQueue: number } {
  let largestQueue = 0;
  const scheduler = new EmbedScheduler(
    async (batch) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return randomUnitVectors(batch.texts.length, model.dimension, batch.texts[0]!.length);
    },
    {
      batchSize: 32,
      concurrency: 2,
      queryConcurrency: 1,
      maxBatchTokens: 2_048,
      maxQueuedTokens,
      costOf: (text) => Math.min(Math.ceil(text.length / 4) + 2, model.maxTokens),
      initialTokensPerSecond: 5_000,
      observer: { queueChanged: (_texts, tokens) => (largestQueue = Math.max(largestQueue, tokens)) },
    },
  );
  return {
    model,
    state: 'ready',
    embedQueries: (texts, request) => scheduler.submit('query', texts, request),
    embedPassages: (texts, request) => scheduler.submit('passage', texts, request),
    dispose: async () => undefined,
    get largestQueue() {
      return largestQueue;
    },
  };
}

describe('ingestion with the model queue', () => {
  it('ingests groups larger than half the queue (the next group, queued beside the one still embedding, was refused queue_full)', async () => {
    const input = join(root(), 'papers.jsonl');
    const abstract = 'Sparse attention for long documents. '.repeat(20);
    await writeFile(input, Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `p${i}`, title: `Paper ${i}`, abstract })).join('\n'));
    // A group of 40 papers is about 40 × 195 tokens of passages plus 40 titles: one fits in 10,000, two do not.
    const embedder = embedderWithQueue(10_000);
    const summary = await ingestPapers(embedder, { input, format: 'jsonl', indexDir: join(root(), 'index'), groupSize: 40, log: createLogger('silent') });
    assert.equal(summary.indexed, 200);
    assert.ok(embedder.largestQueue <= 10_000, `the queue held ${embedder.largestQueue} tokens`);
  });
});

describe('ingestion of papers sharing an identifier', () => {
  it('reports papers whose DOI or arXiv id an earlier paper of the input has, across groups (ingest said nothing, unlike add)', async () => {
    const input = join(root(), 'shared.jsonl');
    const abstract = 'Sparse attention for long documents.';
    const records = [
      { id: 'first', title: 'A', abstract, doi: '10.1000/Same' },
      { id: 'other', title: 'B', abstract },
      { id: 'arxiv-one', title: 'C', abstract, arxiv_id: '2401.00001v1' },
      { id: 'again', title: 'A again', abstract, doi: '10.1000/same' },
      { id: 'arxiv-two', title: 'C again', abstract, arxiv_id: '2401.00001v2' },
    ];
    await writeFile(input, records.map((record) => JSON.stringify(record)).join('\n'));
    const summary = await ingestPapers(embedderWithQueue(100_000), {
      input,
      format: 'jsonl',
      indexDir: join(root(), 'shared-index'),
      groupSize: 2,
      log: createLogger('silent'),
    });
    assert.equal(summary.indexed, 5);
    assert.deepEqual([...summary.shared], ['again', 'arxiv-two']);
    assert.match(summary.sharedExamples[0]!, /The DOI 10\.1000\/same of "again" is also that of "first"/);
    assert.match(summary.sharedExamples[1]!, /The arXiv id 2401\.00001v2 of "arxiv-two" is also that of "arxiv-one"/);
  });
});

describe('ingestion progress', () => {
  it('regression: estimates the input from the papers read, not those embedded (a 5,000-paper input was put at 2,188 papers, and 256 of 600 papers at 98% with 0 s left)', async () => {
    const input = join(root(), 'progress.jsonl');
    const abstract = 'Sparse attention for long documents. '.repeat(30);
    const count = 2_000;
    await writeFile(input, Array.from({ length: count }, (_, i) => JSON.stringify({ id: `p${i}`, title: `Paper ${i}`, abstract })).join('\n'));
    const updates: IngestionProgress[] = [];
    await ingestPapers(embedderWithQueue(100_000), {
      input,
      format: 'jsonl',
      indexDir: join(root(), 'progress-index'),
      groupSize: 64,
      log: createLogger('silent'),
      progress: { update: (progress) => updates.push(progress), stop: () => undefined },
    });
    const estimates = updates.filter((progress) => progress.indexed > 0).map((progress) => estimatedTotalPapers(progress)!);
    assert.ok(estimates.length > 10);
    // The first few still fall short: the readers' buffers run ahead of the papers read (about 100 kB here).
    for (const estimate of estimates.slice(4))
      assert.ok(estimate >= count * 0.8 && estimate <= count, `estimated ${estimate} papers of ${count}: ${estimates.join(', ')}`);
  });
});
