import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadEmbedder } from '../../src/embedding/load-embedder.js';
import { getModel } from '../../src/embedding/model-registry.js';
import { ingestPapers } from '../../src/ingest/ingest.js';
import { openIndexFolder } from '../../src/storage/embedded/index-folder.js';
import { makeTempDir, removeDir, samplePapers, silentLog, testConfig } from './helpers.js';

const model = getModel('all-MiniLM-L6-v2');
let folder: string;
let lines: string[];

before(async () => {
  folder = await makeTempDir();
  lines = (await readFile(samplePapers, 'utf8'))
    .split('\n')
    .filter((line) => line.trim())
    .slice(0, 12);
});

after(async () => {
  await removeDir(folder);
});

/** The stored vector of paper `id` after ingesting `input` with EMBED_BATCH_SIZE = `batchSize` (the default when undefined). */
async function storedVector(name: string, input: readonly string[], id: string, batchSize?: number): Promise<Float32Array> {
  const file = join(folder, `${name}.jsonl`);
  await writeFile(file, `${input.join('\n')}\n`);
  const embedder = await loadEmbedder(model, testConfig(batchSize === undefined ? {} : { EMBED_BATCH_SIZE: String(batchSize) }), silentLog);
  try {
    await ingestPapers(embedder, { input: file, format: 'jsonl', indexDir: join(folder, name), log: silentLog });
  } finally {
    await embedder.dispose();
  }
  const index = await openIndexFolder(join(folder, name), model, 64);
  const label = index.papers.labelOfId(id);
  assert.notEqual(label, undefined, `${id} is stored`);
  return index.vectors.vector(label!);
}

describe('vector determinism', () => {
  it('regression: by default the same paper ingested alone and in a group got vectors that differed (cosine about 0.99); now they are bit-identical', async () => {
    const paper = lines[5]!;
    const id = (JSON.parse(paper) as { id: string }).id;
    const alone = await storedVector('alone-default', [paper], id);
    const inGroup = await storedVector('group-default', lines, id);
    assert.deepEqual(inGroup, alone);
  });

  it("regression: a query's and an abstract's vectors do not depend on what else is embedded at once (parallel searches moved cosines by 0.03 and changed top 3s)", async () => {
    // Texts sharing runs (EMBED_BATCH_SIZE 32), so that only the scheduler's `alone` keeps these apart.
    const embedder = await loadEmbedder(model, testConfig({ EMBED_BATCH_SIZE: '32' }), silentLog);
    try {
      const queries = ['protein structure prediction', 'graph neural networks for molecules', 'speech recognition in noise', 'KV cache compression'];
      const alone = [];
      for (const query of queries) alone.push((await embedder.embedQueries([query]))[0]!);
      const together = await Promise.all(queries.map(async (query) => (await embedder.embedQueries([query]))[0]!));
      assert.deepEqual(together, alone);
      const abstracts = lines.slice(0, 4).map((line) => (JSON.parse(line) as { abstract: string }).abstract);
      const abstractAlone = (await embedder.embedPassages([abstracts[0]!], { alone: true }))[0]!;
      const [abstractBeside] = await Promise.all(abstracts.map(async (abstract) => (await embedder.embedPassages([abstract], { alone: true }))[0]!));
      assert.deepEqual(abstractBeside, abstractAlone);
    } finally {
      await embedder.dispose();
    }
  });

  it('with texts sharing a model run (EMBED_BATCH_SIZE=32), a vector depends on its batch: int8 activations are quantized per run', async () => {
    const paper = lines[5]!;
    const id = (JSON.parse(paper) as { id: string }).id;
    const alone = await storedVector('alone-32', [paper], id, 32);
    const inGroup = await storedVector('group-32', lines, id, 32);
    assert.notDeepEqual(inGroup, alone);
    let cosine = 0;
    for (let d = 0; d < alone.length; d++) cosine += alone[d]! * inGroup[d]!;
    assert.ok(cosine > 0.99, `cosine ${cosine}: the same paper, slightly moved`);
  });
});
