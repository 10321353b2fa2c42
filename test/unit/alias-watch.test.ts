import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WeaviateClient } from 'weaviate-client';
import { getModel } from '../../src/embedding/model-registry.js';
import { createLogger } from '../../src/log.js';
import { AliasWatch } from '../../src/storage/weaviate/alias-watch.js';
import { collectionFormatVersion, encodeMetadata } from '../../src/storage/weaviate/collection-schema.js';
import { describeModel } from '../../src/storage/model-summary.js';

const model = getModel('all-MiniLM-L6-v2');
const buildOf = (createdAt: string) => ({
  format: 'paper-search-collection' as const,
  formatVersion: collectionFormatVersion,
  model: describeModel(model),
  createdAt,
});

/** A cluster whose alias reads are answered when the test says, in any order. */
function clusterAnsweringLater() {
  const pending: ((answer: { name: string; description: string }) => void)[] = [];
  const client = {
    collections: { get: () => ({ config: { get: () => new Promise((resolve) => pending.push(resolve)) } }) },
  } as unknown as WeaviateClient;
  const answer = (read: number, createdAt: string) => pending[read]!({ name: `Papers_${createdAt}`, description: encodeMetadata(buildOf(createdAt)) });
  return { client, answer };
}

/** A watch serving the build made at `createdAt`, never polling on its own. */
function watchServing(client: WeaviateClient, createdAt: string): AliasWatch {
  return new AliasWatch(
    client,
    { alias: 'Papers', model, intervalMs: 60_000, log: createLogger('silent') },
    { ...buildOf(createdAt), collection: `Papers_${createdAt}` },
  );
}

describe('AliasWatch', () => {
  it('regression: applies overlapping reads in the order they started (a slow read of the previous build, ending last, put it back)', async () => {
    const { client, answer } = clusterAnsweringLater();
    const watch = watchServing(client, 'old');
    const slow = watch.check();
    const fast = watch.check();
    answer(1, 'new');
    await fast;
    answer(0, 'old');
    await slow;
    assert.equal(watch.metadata.collection, 'Papers_new');
  });

  it('regression: the refusal of another model\'s build ends the rebuild command with a full stop before saying how to restart ("--model all-MiniLM-L6-v2 Restart this server")', async () => {
    const otherBuild = { ...buildOf('new'), model: { ...describeModel(model), titleWeight: 0 } };
    const client = {
      collections: { get: () => ({ config: { get: async () => ({ name: 'Papers_new', description: encodeMetadata(otherBuild) }) } }) },
    } as unknown as WeaviateClient;
    const watch = watchServing(client, 'old');
    await watch.check();
    assert.match(watch.refusal ?? '', /--model all-MiniLM-L6-v2\. Restart this server on the manifest\.json the rebuild wrote/);
  });

  it('regression: a deleted collection behind the alias is refused, where /readyz said ready while every request failed "could not find class"', async () => {
    let answer: () => Promise<{ name: string; description: string }> = () =>
      Promise.reject(
        Object.assign(new Error('The request to Weaviate failed with status code: 404'), { name: 'WeaviateUnexpectedStatusCodeError', code: 404 }),
      );
    const client = { collections: { get: () => ({ config: { get: () => answer() } }) } } as unknown as WeaviateClient;
    const watch = watchServing(client, 'old');
    await watch.check();
    assert.match(watch.refusal ?? '', /^No Weaviate collection under the alias Papers: .*It is served again as soon as the alias names a build/);
    answer = async () => ({ name: 'Papers_new', description: encodeMetadata(buildOf('new')) });
    await watch.check();
    assert.equal(watch.refusal, undefined);
    assert.equal(watch.metadata.collection, 'Papers_new');
  });

  it('leaves an alias the cluster does not answer for to the health poll', async () => {
    const client = { collections: { get: () => ({ config: { get: () => Promise.reject(new TypeError('fetch failed')) } }) } } as unknown as WeaviateClient;
    const watch = watchServing(client, 'old');
    await watch.check();
    assert.equal(watch.refusal, undefined);
    assert.equal(watch.metadata.collection, 'Papers_old');
  });

  it('gives up waiting after the timeout, with nothing changed, and applies the read when it ends', async () => {
    const { client, answer } = clusterAnsweringLater();
    const watch = watchServing(client, 'old');
    await watch.check({ timeoutMs: 10 });
    assert.equal(watch.metadata.collection, 'Papers_old');
    answer(0, 'new');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(watch.metadata.collection, 'Papers_new');
  });
});
