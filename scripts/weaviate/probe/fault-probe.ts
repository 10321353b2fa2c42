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
    const cause = error instanceof Error && error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
    const message = error instanceof Error ? `${error.constructor.name}: ${error.message}${cause}` : String(error);
    return { error: message.replace(/\s+/g, ' ').slice(0, 400), ms: Math.round(performance.now() - started) };
  }
}

/** Resolves with the time from now until node 1 no longer lists node 2 as healthy. */
async function watchNode2Leaving(client: WeaviateClient, timeoutMs: number): Promise<unknown> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const nodes = await client.cluster.nodes().catch(() => []);
    const node2 = nodes.find((n) => n.name === 'node2');
    if (!node2 || node2.status !== 'HEALTHY') return { node2: node2?.status ?? 'not listed', afterMs: Math.round(performance.now() - started) };
    await sleep(250);
  }
  return { node2: 'still HEALTHY', afterMs: Math.round(performance.now() - started) };
}

const random = seededRandom(7);
let deletedSeeds = 0;
const base = samplePapers()[0] as PaperProperties;
const paper = (id: string): PaperProperties => ({ ...base, paper_id: id, title: `fault probe ${id}` });
const object = (id: string) => ({ id: paperUuid(id), properties: paper(id), vectors: randomUnitVector(random) });

async function seed(client: WeaviateClient, name: string): Promise<PaperCollection> {
  if (await client.collections.exists(name)) await client.collections.delete(name);
  await createPaperCollection(client, { name, embeddingModel: 'probe-random-384' });
  const collection = client.collections.use<string, PaperProperties>(name);
  const result = await collection.data.insertMany(Array.from({ length: 100 }, (_, i) => object(`${name}:seed-${i}`)));
  if (result.hasErrors) throw new Error(`seeding ${name} failed: ${JSON.stringify(result.errors)}`);
  return collection;
}

async function levelsWithNodeDown(collection: PaperCollection, phase: string, written: Map<string, string[]>): Promise<Record<string, unknown>> {
  const report: Record<string, unknown> = {};
  const ids: string[] = [];
  written.set(phase, ids);
  const query = randomUnitVector(random);
  for (const level of levels) {
    const scoped = collection.withConsistency(level);
    const singleId = `${phase}-${level}-single`;
    const batchIds = Array.from({ length: 5 }, (_, i) => `${phase}-${level}-batch-${i}`);
    report[level] = {
      insertOne: await attempt(
        () => scoped.data.insert(object(singleId)),
        () => {
          ids.push(singleId);
          return 'stored';
        },
      ),
      insertMany: await attempt(
        () => scoped.data.insertMany(batchIds.map(object)),
        (r) => {
          batchIds.forEach((id, index) => {
            if (!(index in r.errors)) ids.push(id);
          });
          return { hasErrors: r.hasErrors, errors: Object.values(r.errors).map((e) => e.message.slice(0, 300)) };
        },
      ),
      fetchById: await attempt(
        () => scoped.query.fetchObjectById(paperUuid(`${collection.name}:seed-99`)),
        (o) => (o ? 'found' : 'null'),
      ),
      nearVector: await attempt(
        () => scoped.query.nearVector(query, { limit: 5 }),
        (r) => `${r.objects.length} hits`,
      ),
      bm25: await attempt(
        () => scoped.query.bm25('probe', { limit: 5 }),
        (r) => `${r.objects.length} hits`,
      ),
      count: await attempt(
        () => scoped.aggregate.overAll(),
        (r) => r.totalCount,
      ),
      delete: await attempt(
        () => scoped.data.deleteById(paperUuid(`${collection.name}:seed-${(deletedSeeds += 1)}`)),
        (deleted) => deleted,
      ),
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
  const collection = await seed(client, 'ProbeFault');
  show('replication config as read back', (await collection.config.get()).replication);
  const missed = new Map<string, string[]>();

  console.log('\n# phase 1: node 2 stopped cleanly (SIGTERM)');
  cluster('stop-node', '2');
  show(
    'node 1 view',
    (await client.cluster.nodes()).map((n) => `${n.name}=${n.status}`),
  );
  show('each level, node 2 stopped cleanly', await levelsWithNodeDown(collection, 'sigterm', missed));
  show('schema changes, node 2 stopped', {
    createRf2: await attempt(
      () => createPaperCollection(client, { name: 'ProbeFaultRf2', embeddingModel: 'x' }),
      () => 'created',
    ),
    updateDescription: await attempt(
      () => collection.config.update({ description: 'changed while node 2 was down' }),
      () => 'updated',
    ),
  });
  if (await client.collections.exists('ProbeFaultRf2')) await client.collections.delete('ProbeFaultRf2');
  cluster('start-node', '2');

  console.log('\n# phase 2: node 2 killed (SIGKILL), measured at once and after failure detection');
  cluster('stop-node', '2', '--kill');
  const detection = watchNode2Leaving(client, 120_000);
  show('each level right after the kill', await levelsWithNodeDown(collection, 'sigkill-early', missed));
  show('failure detection: node 1 stops listing node 2 after', await detection);
  show('each level after failure detection', await levelsWithNodeDown(collection, 'sigkill-late', missed));

  console.log('\n# phase 3: node 2 back; does it hold the writes it missed?');
  cluster('start-node', '2');
  const catchUpMs = Number(process.env.PROBE_CATCH_UP_MS ?? 90_000);
  console.log(`waiting ${catchUpMs} ms for async replication`);
  await sleep(catchUpMs);
  // With node 1 stopped, whatever node 2 answers comes from its own copy (no read repair).
  cluster('stop-node', '1');
  const node2 = await connect(process.env.WEAVIATE_NODE2_URL, process.env.WEAVIATE_NODE2_GRPC);
  try {
    const alone = node2.collections.use<string, PaperProperties>(collection.name);
    show('node 2 alone (node 1 stopped), level ONE', {
      missedWritesPresent: Object.fromEntries(await Promise.all([...missed].map(async ([phase, ids]) => [phase, await presentOn(alone, ids, 'ONE')] as const))),
      count: await attempt(
        () => alone.withConsistency('ONE').aggregate.overAll(),
        (r) => r.totalCount,
      ),
      nearVector: await attempt(
        () => alone.withConsistency('ONE').query.nearVector(randomUnitVector(random), { limit: 5 }),
        (r) => `${r.objects.length} hits`,
      ),
      insertWithin15s: await attempt(
        () =>
          Promise.race([
            alone.withConsistency('ONE').data.insert(object('node1-down-write')),
            sleep(15_000).then(() => Promise.reject(new Error('no answer within 15 s'))),
          ]),
        () => 'stored',
      ),
    });
  } finally {
    await node2.close();
  }
  cluster('start-node', '1');
  const reconnected = await connect();
  try {
    const again = reconnected.collections.use<string, PaperProperties>(collection.name);
    show('after node 1 is back: missed writes read at ALL, count at ALL', {
      missedWritesPresent: await presentOn(again, [...missed.values()].flat(), 'ALL'),
      count: await attempt(
        () => again.withConsistency('ALL').aggregate.overAll(),
        (r) => r.totalCount,
      ),
    });
  } finally {
    await reconnected.close();
  }
}

const client = await connect();
try {
  await main(client);
  console.log('\nfault-probe: done (both nodes running)');
} finally {
  await client.close();
}
