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
  // Until the last listing has been answered twice (a poll starts only once the one before it
  // ended; one failed poll is a blip), not a fixed pause: on a busy machine 60 ms passed with no
  // poll after the first.
  while (poll <= listings.length + 1) await new Promise((resolve) => setTimeout(resolve, 10));
  health.stop();
  return health.status;
}

/** The status now (a function, so the type checker does not keep what an earlier assertion narrowed it to). */
function statusOf(health: ClusterHealth): string {
  return health.status.status;
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
    const listingFails = () =>
      Promise.reject(
        Object.assign(new Error('The request to Weaviate failed with status code: 500 and message: node: node2: send http request'), {
          name: 'WeaviateUnexpectedStatusCodeError',
          code: 500,
        }),
      );
    const status = await statusAfterPolls([both, listingFails, listingFails, listingFails], async () => ({ objects: [] }));
    assert.equal(status.status, 'degraded');
    assert.match(status.reason ?? '', /could not list its nodes .*but the collection answers/);
    // While the dying node's shards wait to be declared dead, the read may only be slow: still degraded.
    const health = new ClusterHealth(clientListing(listingFails), { replicationFactor: 2, intervalMs: 10, probe: () => new Promise(() => undefined) });
    await health.start();
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    health.stop();
    assert.match(health.status.reason ?? '', /could not list its nodes .*but the collection is slow to answer/);
    assert.equal(health.status.status, 'degraded');
  });

  it('regression: is down, not degraded, when the cluster stopped: the node list fails at once and the read hangs (each request waited a minute)', async () => {
    const health = new ClusterHealth(
      clientListing(() => Promise.reject(new Error('fetch failed'))),
      // A gRPC read on a connection retrying: it never answers.
      { replicationFactor: 2, intervalMs: 10, probe: () => new Promise(() => undefined) },
    );
    await health.start();
    assert.equal(health.status.status, 'degraded', 'one poll is a blip');
    while (statusOf(health) !== 'down') await new Promise((resolve) => setTimeout(resolve, 100));
    health.stop();
  });

  it('regression: stays down until the collection answers again, not only the node list (requests failed for a minute while the service said ok)', async () => {
    let collectionUp = false;
    let listingUp = false;
    const health = new ClusterHealth(
      clientListing(() => (listingUp ? both() : Promise.reject(new Error('fetch failed')))),
      {
        replicationFactor: 2,
        intervalMs: 10,
        probe: () => (collectionUp ? Promise.resolve() : Promise.reject(new Error('UNAVAILABLE: No connection established'))),
      },
    );
    await health.start();
    while (statusOf(health) !== 'down') await new Promise((resolve) => setTimeout(resolve, 10));
    listingUp = true;
    // Until a poll has seen the nodes answer (a fixed pause was too short at load 18), and then, the status stays down.
    const collectionReason = 'the Weaviate nodes answer again, but the collection does not yet';
    while (health.status.reason !== collectionReason) {
      assert.equal(statusOf(health), 'down');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(health.status, { status: 'down', reason: collectionReason });
    collectionUp = true;
    while (statusOf(health) !== 'ok') await new Promise((resolve) => setTimeout(resolve, 10));
    health.stop();
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
    // The polls' timer does not hold the process open (a server's sockets do): this does, as
    // Node 22's test runner cancels a test whose process has nothing left to wait for.
    const holdOpen = setTimeout(() => undefined, 5_000);
    await health.start();
    await reached[1];
    assert.equal(health.status.status, 'degraded');
    await reached[2];
    assert.equal(health.status.status, 'down');
    health.stop();
    clearTimeout(holdOpen);
  });
});
