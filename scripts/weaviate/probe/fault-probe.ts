// What each consistency level does while node 2 is down, and whether node 2 has the writes it
// missed once it is back. Stops and starts nodes through cluster.sh; leaves both running.
// Run: eval "$(scripts/weaviate/cluster.sh start)" && node --import tsx scripts/weaviate/probe/fault-probe.ts
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, WeaviateClient } from 'weaviate-client';
import { connect, createPaperCollection, paperUuid, randomUnitVector, repoRoot, samplePapers, seededRandom, type PaperProperties } from './probe-common.js';

const clusterScript = path.join(repoRoot, 'scripts/weaviate/cluster.sh');
const levels = ['ONE', 'QUORUM', 'ALL'] as const;
type Level = (typeof levels)[number];
type PaperCollection = Collection<PaperProperties, string, undefined>;

function cluster(...args: string[]): void {
  const started = performance.now();
  execFileSync('bash', [clusterScript, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`  (cluster.sh ${args.join(' ')}: ${Math.round(performance.now() - started)} ms)`);
}

function show(label: string, value: unknown): void {
  console.log(`\n## ${label}\n${JSON.stringify(value, null, 2)}`);
}

/** Runs an operation and reports its outcome and duration instead of throwing. */
async function attempt<T>(operation: () => Promise<T>, describe: (value: T) => unknown = (value) => value): Promise<unknown> {
  const started = performance.now();
  try {
    const value = await operation();
    return { ok: describe(value), ms: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
    return { error: message.replace(/\s+/g, ' ').slice(0, 400), ms: Math.round(performance.now() - started) };
  }
}

/** Object counts of each shard replica, per node, as the nodes API reports them. */
async function replicaCounts(client: WeaviateClient, collection: string): Promise<Record<string, Record<string, number>>> {
  const nodes = await client.cluster.nodes({ collection, output: 'verbose' });
  const counts: Record<string, Record<string, number>> = {};
  for (const node of nodes) {
    counts[`${node.name} (${node.status})`] = Object.fromEntries((node.shards ?? []).map((shard) => [shard.name, shard.objectCount]));
  }
  return counts;
}

const random = seededRandom(7);
const base = samplePapers()[0] as PaperProperties;
const paper = (id: string): PaperProperties => ({ ...base, paper_id: id, title: `fault probe ${id}` });
const object = (id: string) => ({ id: paperUuid(id), properties: paper(id), vectors: randomUnitVector(random) });

async function seed(client: WeaviateClient, name: string, asyncEnabled: boolean): Promise<PaperCollection> {
  if (await client.collections.exists(name)) await client.collections.delete(name);
  await createPaperCollection(client, { name, embeddingModel: 'probe-random-384', asyncReplication: asyncEnabled });
  const collection = client.collections.use<string, PaperProperties>(name);
  const result = await collection.data.insertMany(Array.from({ length: 100 }, (_, i) => object(`${name}:seed-${i}`)));
  if (result.hasErrors) throw new Error(`seeding ${name} failed: ${JSON.stringify(result.errors)}`);
  return collection;
}

async function levelsWithNodeDown(collection: PaperCollection, written: Map<Level, string[]>): Promise<Record<string, unknown>> {
  const report: Record<string, unknown> = {};
  const query = randomUnitVector(random);
  for (const level of levels) {
    const scoped = collection.withConsistency(level);
    const singleId = `${collection.name}:down-${level}-single`;
    const batchIds = Array.from({ length: 5 }, (_, i) => `${collection.name}:down-${level}-batch-${i}`);
    report[level] = {
      insertOne: await attempt(() => scoped.data.insert(object(singleId)), () => {
        written.get(level)?.push(singleId);
        return 'stored';
      }),
      insertMany: await attempt(() => scoped.data.insertMany(batchIds.map(object)), (r) => {
        batchIds.forEach((id, index) => {
          if (!(index in r.errors)) written.get(level)?.push(id);
        });
        return { hasErrors: r.hasErrors, errors: Object.values(r.errors).map((e) => e.message.slice(0, 300)) };
      }),
      fetchById: await attempt(() => scoped.query.fetchObjectById(paperUuid(`${collection.name}:seed-3`)), (o) => (o ? 'found' : 'null')),
      nearVector: await attempt(() => scoped.query.nearVector(query, { limit: 5 }), (r) => `${r.objects.length} hits`),
      bm25: await attempt(() => scoped.query.bm25('probe', { limit: 5 }), (r) => `${r.objects.length} hits`),
      count: await attempt(() => scoped.aggregate.overAll(), (r) => r.totalCount),
      delete: await attempt(() => scoped.data.deleteById(paperUuid(`${collection.name}:seed-${10 + levels.indexOf(level)}`)), (deleted) => deleted),
    };
  }
  return report;
}

async function presentOn(collection: PaperCollection, ids: string[], level: Level): Promise<unknown> {
  return attempt(async () => {
    const scoped = collection.withConsistency(level);
    let found = 0;
    for (const id of ids) if (await scoped.query.fetchObjectById(paperUuid(id))) found += 1;
    return `${found}/${ids.length}`;
  });
}

async function main(client: WeaviateClient): Promise<void> {
  const withAsync = await seed(client, 'ProbeFaultAsync', true);
  const withoutAsync = await seed(client, 'ProbeFaultSync', false);
  show('replication config', {
    async: (await withAsync.config.get()).replication,
    sync: (await withoutAsync.config.get()).replication,
  });

  console.log('\nstopping node 2 (SIGTERM)');
  cluster('stop-node', '2');
  await sleep(2_000);
  show('nodes seen by node 1 with node 2 stopped', (await client.cluster.nodes()).map((n) => `${n.name}=${n.status}`));

  const writtenAsync = new Map<Level, string[]>(levels.map((l) => [l, []]));
  const writtenSync = new Map<Level, string[]>(levels.map((l) => [l, []]));
  show('ProbeFaultAsync: each level with node 2 down', await levelsWithNodeDown(withAsync, writtenAsync));
  show('ProbeFaultSync: each level with node 2 down', await levelsWithNodeDown(withoutAsync, writtenSync));
  show('schema changes with node 2 down', {
    createRf1: await attempt(() => createPaperCollection(client, { name: 'ProbeFaultRf1', embeddingModel: 'x', replicationFactor: 1 }), () => 'created'),
    createRf2: await attempt(() => createPaperCollection(client, { name: 'ProbeFaultRf2', embeddingModel: 'x', replicationFactor: 2 }), () => 'created'),
    updateDescription: await attempt(() => withAsync.config.update({ description: 'changed while node 2 was down' }), () => 'updated'),
  });
  for (const name of ['ProbeFaultRf1', 'ProbeFaultRf2']) if (await client.collections.exists(name)) await client.collections.delete(name);
  show('replica object counts with node 2 down', { async: await replicaCounts(client, withAsync.name), sync: await replicaCounts(client, withoutAsync.name) });

  console.log('\nstarting node 2');
  cluster('start-node', '2');
  show('replica object counts right after node 2 is back', { async: await replicaCounts(client, withAsync.name), sync: await replicaCounts(client, withoutAsync.name) });
  await sleep(30_000);
  show('replica object counts 30 s later', { async: await replicaCounts(client, withAsync.name), sync: await replicaCounts(client, withoutAsync.name) });

  const missedAsync = [...writtenAsync.values()].flat();
  const missedSync = [...writtenSync.values()].flat();
  show('writes made while node 2 was down, read at ALL', {
    async: await presentOn(withAsync, missedAsync, 'ALL'),
    sync: await presentOn(withoutAsync, missedSync, 'ALL'),
  });
  show('replica object counts after those ALL reads', { async: await replicaCounts(client, withAsync.name), sync: await replicaCounts(client, withoutAsync.name) });

  // The decisive check: with node 1 stopped, whatever is read comes from node 2's own copy.
  console.log('\nstopping node 1 to read node 2 alone');
  cluster('stop-node', '1');
  const node2 = await connect(process.env.WEAVIATE_NODE2_URL, process.env.WEAVIATE_NODE2_GRPC);
  try {
    show('read from node 2 alone at ONE', {
      async: await presentOn(node2.collections.use<string, PaperProperties>(withAsync.name), missedAsync, 'ONE'),
      sync: await presentOn(node2.collections.use<string, PaperProperties>(withoutAsync.name), missedSync, 'ONE'),
      asyncCount: await attempt(() => node2.collections.use(withAsync.name).withConsistency('ONE').aggregate.overAll(), (r) => r.totalCount),
      syncCount: await attempt(() => node2.collections.use(withoutAsync.name).withConsistency('ONE').aggregate.overAll(), (r) => r.totalCount),
      nearVector: await attempt(() => node2.collections.use(withAsync.name).withConsistency('ONE').query.nearVector(randomUnitVector(random), { limit: 5 }), (r) => `${r.objects.length} hits`),
      writeAtOne: await attempt(() => node2.collections.use<string, PaperProperties>(withAsync.name).withConsistency('ONE').data.insert(object('node1-down-write')), () => 'stored'),
    });
  } finally {
    await node2.close();
  }
  console.log('\nstarting node 1 again');
  cluster('start-node', '1');
}

const client = await connect();
try {
  await main(client);
  console.log('\nfault-probe: done (both nodes running)');
} finally {
  await client.close();
}
