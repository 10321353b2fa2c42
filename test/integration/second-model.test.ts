import assert from 'node:assert/strict';
import { dot as cosine } from '../../src/shared/vector-math.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Embedder } from '../../src/embedding/embedder.js';
import type { RunningServer } from '../../src/server.js';
import { loadTestEmbedder, makeTempDir, removeDir, request, runCli, samplePapers, startTestServer } from './helpers.js';

const bge = 'bge-small-en-v1.5';
let workDir: string;
let indexDir: string;
let server: RunningServer;
let embedder: Embedder;

before(async () => {
  workDir = await makeTempDir();
  indexDir = join(workDir, 'bge');
  const result = await runCli('ingest', ['--input', samplePapers, '--index', indexDir, '--model', bge]);
  assert.equal(result.code, 0, result.stderr);
  // No model setting: the server takes the model from the index's manifest.
  server = await startTestServer(indexDir);
  embedder = await loadTestEmbedder(bge);
});

after(async () => {
  await server?.close();
  await embedder?.dispose();
  await removeDir(workDir);
});

describe('bge-small-en-v1.5 as the second model', () => {
  it('is recorded in the manifest with its pooling and window', async () => {
    const manifest = JSON.parse(await readFile(join(indexDir, 'manifest.json'), 'utf8')) as { model: Record<string, unknown> };
    assert.equal(manifest.model.id, bge);
    assert.equal(manifest.model.pooling, 'cls');
    assert.equal(manifest.model.maxTokens, 512);
    assert.equal(manifest.model.onnxSha256, '6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4');
  });

  it('is served from the manifest without any model setting', async () => {
    const ready = await request<{ index: { model: string } }>(server.url, '/readyz');
    assert.equal(ready.body.index.model, bge);
    const response = await request<{ hits: { id: string }[] }>(server.url, '/v1/search', {
      json: { query: 'KV cache compression for long-context language models', k: 2, mode: 'dense' },
    });
    assert.deepEqual(new Set(response.body.hits.map((hit) => hit.id)), new Set(['seed-034', 'seed-068']));
    const related = await request<{ hits: { id: string }[] }>(server.url, '/v1/papers/seed-014/related?k=3');
    assert.ok(related.body.hits.map((hit) => hit.id).includes('seed-027'));
  });

  it('refuses to serve the bge index when MODEL names the default model', async () => {
    const result = await runCli('serve', [], { INDEX_DIR: indexDir, MODEL: 'all-MiniLM-L6-v2', PORT: '0', HOST: '127.0.0.1' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /index_incompatible.*bge-small-en-v1\.5/s);
  });

  it('prefixes queries with its instruction, and not passages', async () => {
    const text = 'graph neural networks for molecules';
    const [query] = await embedder.embedQueries([text]);
    const [passage] = await embedder.embedPassages([text]);
    const [prefixedPassage] = await embedder.embedPassages([`Represent this sentence for searching relevant passages: ${text}`]);
    assert.ok(cosine(query!, passage!) < 0.99, 'the instruction changes the query vector');
    assert.ok(cosine(query!, prefixedPassage!) > 0.9999, 'the query is the instruction plus the text');
  });

  it('uses CLS pooling and a 512-token window', async () => {
    // Each word is one token: 510 words and the two special tokens fill the window.
    const long = (replaceAt?: number) =>
      Array.from({ length: 700 }, (_, i) => (i === replaceAt ? 'volcano' : ['cells', 'express', 'the', 'protein'][i % 4])).join(' ');
    const [original] = await embedder.embedPassages([long()]);
    const [changedAfterWindow] = await embedder.embedPassages([long(510)]);
    const [changedInside] = await embedder.embedPassages([long(505)]);
    assert.deepEqual(changedAfterWindow, original);
    assert.ok(cosine(changedInside!, original!) < 0.9999, 'a word at token 507 is inside the window');
    const [food, bread, baby] = await embedder.embedPassages(['A man is eating food.', 'A man is eating a piece of bread.', 'The girl is carrying a baby.']);
    assert.ok(cosine(food!, bread!) > cosine(food!, baby!) + 0.1);
  });
});
