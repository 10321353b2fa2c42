// nearVector latency at 20k vectors on the 2-node cluster: the client's gRPC path against the
// REST GraphQL endpoint, interleaved in one run so the figures compare as a ratio.
// Run: eval "$(scripts/weaviate/cluster.sh start)" && node --import tsx scripts/weaviate/probe/latency-probe.ts
import { parseArgs } from 'node:util';
import { reconfigure, type WeaviateClient } from 'weaviate-client';
import { connect, createPaperCollection, paperUuid, percentile, randomUnitVector, seededRandom, type PaperProperties } from './probe-common.js';

const { values: options } = parseArgs({
  options: {
    vectors: { type: 'string', default: '20000' },
    queries: { type: 'string', default: '300' },
    k: { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '500' },
    reuse: { type: 'boolean', default: false },
    // HNSW ef at query time; -1 lets Weaviate pick it from k (dynamic ef). Changeable in place.
    ef: { type: 'string' },
  },
});
const vectorCount = Number(options.vectors);
const queryCount = Number(options.queries);
const k = Number(options.k);
const batchSize = Number(options['batch-size']);
const collectionName = 'ProbeLatency';

async function load(client: WeaviateClient, vectors: number[][]): Promise<void> {
  if (options.reuse && (await client.collections.exists(collectionName))) {
    const count = await client.collections.use(collectionName).length();
    if (count === vectors.length) {
      console.log(`reusing ${collectionName} with ${count} objects`);
      return;
    }
  }
  if (await client.collections.exists(collectionName)) await client.collections.delete(collectionName);
  const collection = await createPaperCollection(client, { name: collectionName, embeddingModel: 'probe-random-384' });
  const started = performance.now();
  for (let start = 0; start < vectors.length; start += batchSize) {
    const batch = vectors.slice(start, start + batchSize).map((vector, offset) => {
      const id = `latency:${start + offset}`;
      const properties: PaperProperties = {
        paper_id: id,
        title: `Paper ${start + offset}`,
        abstract: 'synthetic abstract for the latency probe',
        year: 2020 + ((start + offset) % 7),
      };
      return { id: paperUuid(id), properties, vectors: vector };
    });
    const result = await collection.data.insertMany(batch);
    if (result.hasErrors) throw new Error(`batch at ${start}: ${JSON.stringify(Object.values(result.errors)[0])}`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `inserted ${vectors.length} objects (384-dim, RF 2, 2 shards) in ${seconds.toFixed(1)} s: ${Math.round(vectors.length / seconds)} objects/s, batches of ${batchSize}`,
  );
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 0.5).toFixed(2)} ms, p95 ${percentile(sorted, 0.95).toFixed(2)} ms, p99 ${percentile(sorted, 0.99).toFixed(2)} ms`;
}

function bruteForceTopK(vectors: number[][], query: number[], limit: number): Set<number> {
  const scored = vectors.map((v, i) => {
    let dot = 0;
    for (let d = 0; d < v.length; d += 1) dot += (v[d] ?? 0) * (query[d] ?? 0);
    return [i, dot] as const;
  });
  scored.sort((a, b) => b[1] - a[1]);
  return new Set(scored.slice(0, limit).map(([i]) => i));
}

async function main(client: WeaviateClient): Promise<void> {
  const random = seededRandom(2024);
  const vectors = Array.from({ length: vectorCount }, () => randomUnitVector(random));
  await load(client, vectors);
  // Queries near stored vectors (a stored vector plus noise), the way a real query lands near papers.
  const queries = Array.from({ length: queryCount }, () => {
    const anchor = vectors[Math.floor(random() * vectors.length)] ?? [];
    const noisy = anchor.map((x) => x + 0.05 * (random() - 0.5));
    const norm = Math.hypot(...noisy);
    return noisy.map((x) => x / norm);
  });
  const collection = client.collections.use<string, PaperProperties>(collectionName);
  if (options.ef !== undefined) {
    await collection.config.update({
      vectorizers: reconfigure.vectors.update({ vectorIndexConfig: reconfigure.vectorIndex.hnsw({ ef: Number(options.ef) }) }),
    });
  }
  const { ef } = (await collection.config.get()).vectorizers.default?.indexConfig as { ef: number };
  const url = `${process.env.WEAVIATE_URL}/v1/graphql`;

  const grpc = async (query: number[], level: 'ONE' | 'QUORUM') => {
    const result = await collection
      .withConsistency(level)
      .query.nearVector(query, { limit: k, returnMetadata: ['distance'], returnProperties: ['paper_id', 'title'] });
    return result.objects.map((o) => o.properties.paper_id);
  };
  const rest = async (query: number[]) => {
    const body = {
      query: `{ Get { ${collectionName}(nearVector: {vector: ${JSON.stringify(query)}}, limit: ${k}) { paper_id title _additional { distance } } } }`,
    };
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as { data?: { Get?: Record<string, { paper_id: string }[]> }; errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    return (json.data?.Get?.[collectionName] ?? []).map((o) => o.paper_id);
  };

  // Warm-up, then interleave the three paths query by query.
  for (const query of queries.slice(0, 20)) {
    await grpc(query, 'QUORUM');
    await rest(query);
  }
  const timings = { grpcQuorum: [] as number[], grpcOne: [] as number[], restGraphql: [] as number[] };
  let recallHits = 0;
  for (const [index, query] of queries.entries()) {
    let started = performance.now();
    const ids = await grpc(query, 'QUORUM');
    timings.grpcQuorum.push(performance.now() - started);
    started = performance.now();
    await grpc(query, 'ONE');
    timings.grpcOne.push(performance.now() - started);
    started = performance.now();
    const restIds = await rest(query);
    timings.restGraphql.push(performance.now() - started);
    if (restIds.length !== ids.length) throw new Error('REST and gRPC disagree on the hit count');
    if (index < 50) {
      const truth = bruteForceTopK(vectors, query, k);
      recallHits += ids.filter((id) => truth.has(Number(id.split(':')[1]))).length;
    }
  }
  console.log(`\nnearVector k=${k}, ef=${ef}, over ${vectorCount} vectors, ${queryCount} queries each, interleaved:`);
  console.log(`  gRPC, QUORUM (default level): ${summary(timings.grpcQuorum)}`);
  console.log(`  gRPC, ONE:                    ${summary(timings.grpcOne)}`);
  console.log(`  REST GraphQL (default level): ${summary(timings.restGraphql)}`);
  console.log(`  recall@${k} of the gRPC results against brute force (50 queries): ${(recallHits / (50 * k)).toFixed(3)}`);
}

const client = await connect();
try {
  await main(client);
} finally {
  await client.close();
}
