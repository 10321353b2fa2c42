import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Embedder } from '../../src/embedding/embedder.js';
import { getModel } from '../../src/embedding/model-registry.js';
import { QueryCachingEmbedder } from '../../src/embedding/query-cache.js';

/** A fake model: the vector of a text is [its length], and every call is recorded. */
function countingEmbedder(): Embedder & { queryCalls: string[][]; passageCalls: string[][] } {
  const queryCalls: string[][] = [];
  const passageCalls: string[][] = [];
  return {
    model: getModel('all-MiniLM-L6-v2'),
    state: 'ready',
    queryCalls,
    passageCalls,
    async embedQueries(texts) {
      queryCalls.push([...texts]);
      return texts.map((text) => new Float32Array([text.length]));
    },
    async embedPassages(texts) {
      passageCalls.push([...texts]);
      return texts.map((text) => new Float32Array([text.length]));
    },
    dispose: async () => undefined,
  };
}

describe('QueryCachingEmbedder', () => {
  it('embeds a repeated query once and returns the same vector', async () => {
    const inner = countingEmbedder();
    const cached = new QueryCachingEmbedder(inner, 10);
    const [first] = await cached.embedQueries(['graph networks']);
    const [second] = await cached.embedQueries(['graph networks']);
    assert.deepEqual(inner.queryCalls, [['graph networks']]);
    assert.equal(first, second);
  });

  it('embeds only the missing texts of a batch, once each, and keeps the order', async () => {
    const inner = countingEmbedder();
    const cached = new QueryCachingEmbedder(inner, 10);
    await cached.embedQueries(['a']);
    const vectors = await cached.embedQueries(['bbb', 'a', 'bbb', 'cc']);
    assert.deepEqual(inner.queryCalls, [['a'], ['bbb', 'cc']]);
    assert.deepEqual(
      vectors.map((vector) => vector[0]),
      [3, 1, 3, 2],
    );
  });

  it('drops the least recently used entry past its capacity', async () => {
    const inner = countingEmbedder();
    const cached = new QueryCachingEmbedder(inner, 2);
    await cached.embedQueries(['a']);
    await cached.embedQueries(['b']);
    await cached.embedQueries(['a']); // a is now the most recent
    await cached.embedQueries(['c']); // evicts b
    await cached.embedQueries(['a', 'b']);
    assert.deepEqual(inner.queryCalls, [['a'], ['b'], ['c'], ['b']]);
  });

  it('caches nothing with capacity 0, and never caches passages', async () => {
    const inner = countingEmbedder();
    const cached = new QueryCachingEmbedder(inner, 0);
    await cached.embedQueries(['a']);
    const [vector] = await cached.embedQueries(['a']);
    assert.equal(vector![0], 1);
    assert.equal(inner.queryCalls.length, 2);
    await cached.embedPassages(['p']);
    await cached.embedPassages(['p']);
    assert.equal(inner.passageCalls.length, 2);
  });
});
