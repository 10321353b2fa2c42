import type { WeaviateClient } from 'weaviate-client';
import { TimedOut, withTimeout } from '../../shared/time-limit.js';
import type { StorageHealth } from '../paper-storage.js';

export interface ClusterHealthOptions {
  /** Copies of each shard: fewer healthy nodes than this is degraded even on first sight. */
  replicationFactor: number;
  intervalMs: number;
  /** A cheap read of the served collection: whether the data still answers when no node calls itself healthy. */
  probe: () => Promise<unknown>;
}

/**
 * The cluster's health, polled in the background so `health()` stays cheap and synchronous (the
 * nodes call waits on a hung node). A node that leaves cleanly drops out of Weaviate's node list,
 * so the nodes seen once are remembered: fewer healthy nodes than that is `degraded`; no answer
 * at all is `down`.
 */
export class ClusterHealth {
  private current: StorageHealth = { status: 'ok' };
  private failedPolls = 0;
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly client: WeaviateClient,
    private readonly options: ClusterHealthOptions,
  ) {}

  get status(): StorageHealth {
    return this.current;
  }

  /** Polls once now, then every interval until stopped. */
  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll().finally(() => this.schedule()), this.options.intervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    let nodes: { name: string; status: string }[];
    try {
      nodes = await withTimeout(this.client.cluster.nodes(), Math.max(2_000, this.options.intervalMs));
    } catch (error) {
      if (error instanceof TimedOut) {
        this.failedPolls++;
        this.current = { status: 'degraded', reason: 'the cluster takes too long to report its nodes (a node may be hung)' };
        return;
      }
      // The node asked may fail to list the others while one of them dies (a 500 naming the dead
      // node's status call) and still serve the collection, answering or slow while the dead node's
      // shards wait to be declared dead: the data decides, as below. A listing nobody answered
      // (the cluster stopped) is saved only by a read that answers: the read then hangs on a
      // connection retrying, and taking that for "slow" kept the service degraded, each request
      // waiting a minute, instead of down.
      const probe = await this.probe();
      const nodeAnswered = (error as Error).name === 'WeaviateUnexpectedStatusCodeError';
      if (probe === 'answers' || (probe === 'slow' && nodeAnswered)) {
        this.failedPolls = 0;
        this.current = {
          status: 'degraded',
          reason: `the cluster could not list its nodes (${(error as Error).message}), but the collection ${probe === 'answers' ? 'answers' : 'is slow to answer'}`,
        };
        return;
      }
      // Down refuses every request at once: one failed poll (a blip) is not enough for it.
      this.failedPolls++;
      this.current =
        this.failedPolls >= 2
          ? { status: 'down', reason: `the Weaviate cluster cannot be reached: ${(error as Error).message}` }
          : { status: 'degraded', reason: `the Weaviate cluster did not answer the last poll: ${(error as Error).message}` };
      return;
    }
    for (const node of nodes) this.seen.add(node.name);
    const healthy = nodes.filter((node) => node.status === 'HEALTHY').map((node) => node.name);
    // Back from down, the nodes list themselves before the connection requests use is up again (it
    // retries on its own schedule): reads failed for a minute while the service said ok.
    if (this.current.status === 'down' && healthy.length > 0 && (await this.probe()) !== 'answers') {
      this.current = { status: 'down', reason: 'the Weaviate nodes answer again, but the collection does not yet' };
      return;
    }
    this.failedPolls = 0;
    const expected = Math.max(this.seen.size, this.options.replicationFactor);
    if (healthy.length === 0) {
      // A node that lost its peers calls itself unhealthy (its Raft has no majority: in a two-node
      // cluster, as soon as one node dies) while its shards still answer reads and writes.
      // A probe that only takes long is a node being declared dead (reads wait on it meanwhile).
      const probe = await this.probe();
      const listed = `${nodes.length} of ${this.seen.size} listed`;
      this.current =
        probe === 'fails'
          ? { status: 'down', reason: `no Weaviate node is healthy (${listed}), and the collection does not answer` }
          : {
              status: 'degraded',
              reason: `no Weaviate node reports itself healthy (${listed}), but the collection ${probe === 'answers' ? 'answers' : 'is slow to answer'}`,
            };
    } else if (healthy.length < expected) {
      const missing = [...this.seen].filter((name) => !healthy.includes(name));
      this.current = {
        status: 'degraded',
        reason: `${healthy.length} of ${expected} Weaviate nodes healthy${missing.length > 0 ? ` (${missing.join(', ')} not)` : ''}`,
      };
    } else {
      this.current = { status: 'ok' };
    }
  }

  /** Whether a cheap read of the served collection answers, answers late (a node being declared dead: reads wait on it), or fails. */
  private probe(): Promise<'answers' | 'slow' | 'fails'> {
    return withTimeout(this.options.probe(), Math.max(2_000, this.options.intervalMs)).then(
      () => 'answers' as const,
      (error: unknown) => (error instanceof TimedOut ? ('slow' as const) : ('fails' as const)),
    );
  }
}
