import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WeaviateClient } from 'weaviate-client';
import { ClusterHealth } from '../../src/storage/weaviate/cluster-health.js';

type Node = { name: string; status: string };

/** A client whose only part ClusterHealth uses, the nodes call, answers what the test says. */
function clientListing(nodes: () => Promise<Node[]>): WeaviateClient {
  return { cluster: { nodes } } as unknown as WeaviateClient;
}

async function statusAfterPolls(listings: (() => Promise<Node[]>)[], probe: () => Promise<unknown>) {
  let poll = 0;
  const health = new ClusterHealth(
    clientListing(() => listings[Math.min(poll++, listings.length - 1)]!()),
    { replicationFactor: 2, intervalMs: 10, probe },
  );
  await health.start();
  await new Promise((resolve) => setTimeout(resolve, 60));
  health.stop();
  return health.status;
}

const both = async () => [
  { name: 'node1', status: 'HEALTHY' },
  { name: 'node2', status: 'HEALTHY' },
];
const survivorUnhealthy = async () => [{ name: 'node1', status: 'UNHEALTHY' }];

describe('the Weaviate cluster health', () => {
  it('is ok with every node healthy, degraded with one of two gone', async () => {
    assert.deepEqual(await statusAfterPolls([both], async () => undefined), { status: 'ok' });
    const degraded = await statusAfterPolls([both, async () => [{ name: 'node1', status: 'HEALTHY' }]], async () => undefined);
    assert.equal(degraded.status, 'degraded');
  });

  it('regression: is degraded, not down, when the node left calls itself unhealthy but the collection answers (a killed peer took every server out of rotation)', async () => {
    const status = await statusAfterPolls([both, survivorUnhealthy], async () => ({ objects: [] }));
    assert.equal(status.status, 'degraded');
    assert.match(status.reason ?? '', /no Weaviate node reports itself healthy \(1 of 2 listed\), but the collection answers/);
  });

  it('is down when no node is healthy and the collection fails to answer, or when the cluster cannot be reached', async () => {
    const failing = await statusAfterPolls([both, survivorUnhealthy], async () => {
      throw new Error('UNAVAILABLE: no connection');
    });
    assert.equal(failing.status, 'down');
    const unreachable = await statusAfterPolls([both, () => Promise.reject(new Error('fetch failed'))], () => Promise.reject(new Error('fetch failed')));
    assert.equal(unreachable.status, 'down');
  });

  it("regression: is degraded, not down, when the node asked cannot list a dying peer but the collection answers (a 500 naming the peer's status call took the service down in the fault drill)", async () => {
    const listingFails = () => Promise.reject(new Error('The request to Weaviate failed with status code: 500 and message: node: node2: send http request'));
    const status = await statusAfterPolls([both, listingFails, listingFails, listingFails], async () => ({ objects: [] }));
    assert.equal(status.status, 'degraded');
    assert.match(status.reason ?? '', /could not list its nodes .*but the collection answers/);
  });

  it('regression: is degraded, not down, after one poll the cluster did not answer, and down after two in a row (one blip refused every request)', async () => {
    const answers = [
      both,
      () => Promise.reject(new Error('fetch failed')),
      () => Promise.reject(new Error('fetch failed')),
      () => new Promise<Node[]>(() => undefined),
    ];
    let calls = 0;
    const seen: (() => void)[] = [];
    const reached = answers.map((_, n) => new Promise<void>((resolve) => (seen[n] = resolve)));
    const health = new ClusterHealth(
      clientListing(() => {
        const n = calls++;
        const answer = answers[Math.min(n, answers.length - 1)]!();
        const reported = () => setImmediate(() => seen[n]?.());
        answer.then(reported, reported);
        return answer;
      }),
      // Unreachable: the collection cannot be read either.
      { replicationFactor: 2, intervalMs: 10, probe: () => Promise.reject(new Error('fetch failed')) },
    );
    await health.start();
    await reached[1];
    assert.equal(health.status.status, 'degraded');
    await reached[2];
    assert.equal(health.status.status, 'down');
    health.stop();
  });
});
