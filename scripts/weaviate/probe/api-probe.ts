// Demonstrates, against a running cluster (scripts/weaviate/cluster.sh start), the client calls a
// paper backend needs: collection layout, batch upserts, vector/keyword/hybrid search with the
// product's filters, lookups, cursors, facets, metadata. Each step asserts what it shows.
// Run: eval "$(scripts/weaviate/cluster.sh start)" && node --import tsx scripts/weaviate/probe/api-probe.ts
import assert from 'node:assert/strict';
import { Bm25Operator, Filters, type WeaviateClient } from 'weaviate-client';
import { authorKey, connect, createPaperCollection, paperUuid, randomUnitVector, samplePapers, seededRandom, type PaperProperties } from './probe-common.js';

const collectionName = 'ProbePaper';

function show(label: string, value: unknown): void {
  console.log(`\n## ${label}\n${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}`);
}

async function main(client: WeaviateClient): Promise<void> {
  const meta = await client.getMeta();
  show('server', { version: meta.version, modules: Object.keys(meta.modules ?? {}) });

  if (await client.collections.exists(collectionName)) await client.collections.delete(collectionName);
  const papers = createPaperCollection(client, { name: collectionName, embeddingModel: 'probe-random-384' });
  const collection = await papers;

  const config = await collection.config.get();
  show('collection config as read back', {
    description: config.description,
    sharding: { desiredCount: config.sharding.desiredCount, actualCount: config.sharding.actualCount },
    replication: config.replication,
    vectorIndex: config.vectorizers,
    properties: config.properties.map((p) => `${p.name}:${p.dataType}:${p.tokenization ?? '-'}`),
  });
  assert.equal(config.sharding.desiredCount, 2);
  assert.equal(config.replication.factor, 2);
  assert.deepEqual(JSON.parse(config.description ?? '{}'), { format: 1, embedding_model: 'probe-random-384', dimensions: 384 });

  const shards = await collection.config.getShards();
  show('shards (name/status)', shards);
  const nodes = await client.cluster.nodes({ collection: collectionName, output: 'verbose' });
  show(
    'shard placement per node',
    nodes.map((n) => ({ node: n.name, status: n.status, shards: n.shards?.map((s) => s.name) })),
  );

  // ---- batch upsert over gRPC with deterministic ids
  const sample = samplePapers();
  const random = seededRandom(42);
  const vectors = new Map(sample.map((p) => [p.paper_id, randomUnitVector(random)] as const));
  const started = performance.now();
  const inserted = await collection.data.insertMany(
    sample.map((properties) => ({ id: paperUuid(properties.paper_id), properties, vectors: vectors.get(properties.paper_id) ?? [] })),
  );
  show(`insertMany ${sample.length} papers`, {
    hasErrors: inserted.hasErrors,
    elapsedMs: Math.round(performance.now() - started),
    uuidsReturned: Object.keys(inserted.uuids).length,
  });
  assert.equal(inserted.hasErrors, false);
  assert.equal(await collection.length(), sample.length);

  // Same ids again = update in place, not duplicates.
  const again = await collection.data.insertMany(
    sample.slice(0, 10).map((properties) => ({ id: paperUuid(properties.paper_id), properties, vectors: vectors.get(properties.paper_id) ?? [] })),
  );
  assert.equal(again.hasErrors, false);
  assert.equal(await collection.length(), sample.length);

  // Per-object errors: one bad object does not fail the batch; errors are keyed by input index.
  const first = sample[0] as PaperProperties;
  const bad = await collection.data.insertMany([
    { id: paperUuid('probe:good'), properties: { ...first, paper_id: 'probe:good' }, vectors: randomUnitVector(random) },
    { id: paperUuid('probe:short-vector'), properties: { ...first, paper_id: 'probe:short-vector' }, vectors: [0.1, 0.2, 0.3] },
    {
      id: paperUuid('probe:bad-year'),
      properties: { ...first, paper_id: 'probe:bad-year', year: 'nineteen' as unknown as number },
      vectors: randomUnitVector(random),
    },
    {
      id: paperUuid('probe:unknown-prop'),
      properties: { ...first, paper_id: 'probe:unknown-prop', venue: 'x' } as PaperProperties,
      vectors: randomUnitVector(random),
    },
  ]);
  show('insertMany with bad objects', {
    hasErrors: bad.hasErrors,
    successfulIndexes: Object.keys(bad.uuids),
    errors: Object.entries(bad.errors).map(([index, e]) => ({ index, code: e.code, message: e.message })),
  });
  const insertedGood = await collection.query.fetchObjectById(paperUuid('probe:good'));
  assert.ok(insertedGood, 'the good object of a partly failed batch is stored');
  await collection.data.deleteMany(collection.filter.byProperty('paper_id').like('probe:*'));
  assert.equal(await collection.length(), sample.length);

  // ---- nearVector
  const target = sample[7] as PaperProperties;
  const targetVector = vectors.get(target.paper_id) ?? [];
  const near = await collection.query.nearVector(targetVector, {
    limit: 5,
    returnMetadata: ['distance'],
    returnProperties: ['paper_id', 'title', 'year', 'categories'],
  });
  show(
    'nearVector k=5 (the query is paper 7 own vector)',
    near.objects.map((o) => ({ id: o.properties.paper_id, distance: o.metadata?.distance })),
  );
  assert.equal(near.objects[0]?.properties.paper_id, target.paper_id);
  assert.ok(Math.abs(near.objects[0]?.metadata?.distance ?? 1) < 1e-4);

  // Paging with offset, and a distance ceiling (the product's score_threshold for cosine).
  const ten = await collection.query.nearVector(targetVector, { limit: 10, returnProperties: ['paper_id'] });
  const secondPage = await collection.query.nearVector(targetVector, { limit: 5, offset: 5, returnProperties: ['paper_id'] });
  assert.deepEqual(
    secondPage.objects.map((o) => o.properties.paper_id),
    ten.objects.slice(5).map((o) => o.properties.paper_id),
  );
  const ceiling = near.objects[2]?.metadata?.distance ?? 0;
  const within = await collection.query.nearVector(targetVector, { limit: 10, distance: ceiling, returnMetadata: ['distance'] });
  show('offset 5 = items 6-10 of k=10; distance ceiling', { ceiling, hitsWithin: within.objects.length });
  assert.equal(within.objects.length, 3);

  const f = collection.filter;
  const filters = {
    yearRange: Filters.and(f.byProperty('year').greaterOrEqual(2025), f.byProperty('year').lessThan(2026)),
    categoriesAny: f.byProperty('categories').containsAny(['cs.CV', 'cs.RO']),
    categoriesAll: f.byProperty('categories').containsAll(['cs.CV', 'cs.AI']),
    authorsAny: f.byProperty('author_keys').containsAny([authorKey(` ${(target.authors?.[0] ?? '').toUpperCase()}  `)]),
    excludeNotEqual: f.byProperty('paper_id').notEqual(target.paper_id),
    excludeContainsNone: f.byProperty('paper_id').containsNone([target.paper_id, (sample[8] as PaperProperties).paper_id]),
    excludeByIdNot: Filters.not(f.byId().containsAny([paperUuid(target.paper_id)])),
  };
  const expected: Record<keyof typeof filters, (p: PaperProperties) => boolean> = {
    yearRange: (p) => p.year === 2025,
    categoriesAny: (p) => (p.categories ?? []).some((c) => c === 'cs.CV' || c === 'cs.RO'),
    categoriesAll: (p) => ['cs.CV', 'cs.AI'].every((c) => p.categories?.includes(c)),
    authorsAny: (p) => (p.author_keys ?? []).includes(authorKey(target.authors?.[0] ?? '')),
    excludeNotEqual: (p) => p.paper_id !== target.paper_id,
    excludeContainsNone: (p) => p.paper_id !== target.paper_id && p.paper_id !== (sample[8] as PaperProperties).paper_id,
    excludeByIdNot: (p) => p.paper_id !== target.paper_id,
  };
  const filterReport: Record<string, unknown> = {};
  for (const [name, filter] of Object.entries(filters) as [keyof typeof filters, (typeof filters)[keyof typeof filters]][]) {
    const matches = sample.filter(expected[name]).length;
    const result = await collection.query.nearVector(targetVector, {
      limit: 400,
      filters: filter,
      returnProperties: ['paper_id', 'year', 'categories', 'author_keys'],
    });
    const allMatch = result.objects.every((o) => expected[name](o.properties as PaperProperties));
    filterReport[name] = { expectedMatches: matches, returned: result.objects.length, allMatch };
    assert.equal(result.objects.length, matches, `${name}: every matching paper comes back with a large k`);
    assert.ok(allMatch, `${name}: only matching papers`);
  }
  show('nearVector with each product filter (k=400, compared with a local scan)', filterReport);
  // Case: field tokenization is exact, so 'authors' must be matched through a folded copy.
  const rawAuthor = target.authors?.[0] ?? '';
  const caseProbe = await collection.query.fetchObjects({ filters: f.byProperty('author_keys').containsAny([rawAuthor]), limit: 5 });
  show('author_keys containsAny with the unfolded name', { name: rawAuthor, hits: caseProbe.objects.length });

  // Filtered top-k still returns k when enough papers match (pre-filtering, not post).
  const combined = Filters.and(filters.categoriesAny, filters.excludeContainsNone);
  const filteredTop = await collection.query.nearVector(targetVector, { limit: 10, filters: combined, returnMetadata: ['distance'] });
  assert.equal(filteredTop.objects.length, Math.min(10, sample.filter((p) => expected.categoriesAny(p) && expected.excludeContainsNone(p)).length));

  // ---- bm25
  const bm25 = await collection.query.bm25('gaussian splatting', {
    queryProperties: [{ name: 'title', weight: 2 }, 'abstract'],
    limit: 5,
    filters: filters.yearRange,
    returnMetadata: ['score', 'explainScore'],
    returnProperties: ['paper_id', 'title'],
  });
  show(
    'bm25 "gaussian splatting" over title^2+abstract, year 2025',
    bm25.objects.map((o) => ({
      id: o.properties.paper_id,
      title: o.properties.title,
      score: o.metadata?.score,
      explain: o.metadata?.explainScore?.slice(0, 160),
    })),
  );
  assert.ok(bm25.objects.length > 0);
  const andOperator = await collection.query.bm25('gaussian splatting driving', {
    queryProperties: ['title', 'abstract'],
    operator: Bm25Operator.and(),
    limit: 50,
  });
  const orOperator = await collection.query.bm25('gaussian splatting driving', { queryProperties: ['title', 'abstract'], limit: 50 });
  show('bm25 operator And vs default Or (hits)', { and: andOperator.objects.length, or: orOperator.objects.length });

  // ---- hybrid with our own vector
  for (const fusionType of ['RelativeScore', 'Ranked'] as const) {
    const hybrid = await collection.query.hybrid('gaussian splatting', {
      vector: targetVector,
      alpha: 0.5,
      fusionType,
      queryProperties: [{ name: 'title', weight: 2 }, 'abstract'],
      limit: 5,
      filters: filters.excludeNotEqual,
      returnMetadata: ['score', 'explainScore'],
      returnProperties: ['paper_id'],
    });
    show(
      `hybrid alpha=0.5 fusion=${fusionType}`,
      hybrid.objects.map((o) => ({
        id: o.properties.paper_id,
        score: o.metadata?.score,
        explain: o.metadata?.explainScore?.replace(/\s+/g, ' ').slice(0, 200),
      })),
    );
  }
  const pureVector = await collection.query.hybrid('gaussian splatting', {
    vector: targetVector,
    alpha: 1,
    limit: 3,
    returnMetadata: ['score'],
    returnProperties: ['paper_id'],
  });
  show(
    'hybrid alpha=1 (vector only)',
    pureVector.objects.map((o) => ({ id: o.properties.paper_id, score: o.metadata?.score })),
  );
  assert.equal(pureVector.objects[0]?.properties.paper_id, target.paper_id);

  // ---- lookups
  const byPaperId = await collection.query.fetchObjects({ filters: f.byProperty('paper_id').equal(target.paper_id), limit: 2 });
  const withDoi = sample.find((p) => p.doi) as PaperProperties;
  const byDoi = await collection.query.fetchObjects({ filters: f.byProperty('doi').equal(withDoi.doi ?? ''), limit: 2 });
  const byArxiv = await collection.query.fetchObjects({ filters: f.byProperty('arxiv_id').equal(target.arxiv_id ?? ''), limit: 2 });
  const byUuid = await collection.query.fetchObjectById(paperUuid(target.paper_id), { includeVector: true });
  const missing = await collection.query.fetchObjectById(paperUuid('no-such-paper'));
  show('lookups', {
    byPaperId: byPaperId.objects.map((o) => o.properties.paper_id),
    byDoi: byDoi.objects.map((o) => o.properties.doi),
    byArxiv: byArxiv.objects.map((o) => o.properties.arxiv_id),
    byUuidVectorLength: byUuid?.vectors.default?.length,
    missing,
  });
  assert.equal(byPaperId.objects.length, 1);
  assert.equal(byDoi.objects.length, 1);
  assert.equal(byArxiv.objects.length, 1);
  const storedVector = byUuid?.vectors.default as number[];
  assert.ok(
    storedVector.every((x, i) => Math.abs(x - (targetVector[i] ?? 0)) < 1e-6),
    'vector round-trips',
  );
  assert.equal(missing, null);

  const many = await collection.query.fetchObjects({
    filters: f.byId().containsAny(sample.slice(0, 20).map((p) => paperUuid(p.paper_id))),
    includeVector: true,
    limit: 20,
  });
  assert.equal(many.objects.length, 20);
  assert.ok(many.objects.every((o) => (o.vectors.default as number[]).length === 384));

  // ---- cursor iteration
  let cursorCount = 0;
  let after: string | undefined;
  for (;;) {
    const page = await collection.query.fetchObjects({ limit: 64, ...(after ? { after } : {}), returnProperties: ['paper_id'] });
    cursorCount += page.objects.length;
    if (page.objects.length < 64) break;
    after = page.objects.at(-1)?.uuid;
  }
  let iteratorCount = 0;
  for await (const object of collection.iterator({ returnProperties: ['paper_id'], includeVector: true })) {
    if ((object.vectors.default as number[]).length === 384) iteratorCount += 1;
  }
  show('cursor iteration', { fetchObjectsAfter: cursorCount, iteratorWithVectors: iteratorCount });
  assert.equal(cursorCount, sample.length);
  assert.equal(iteratorCount, sample.length);

  // ---- counts and facets
  const total = await collection.aggregate.overAll();
  const filteredCount = await collection.aggregate.overAll({ filters: filters.categoriesAny });
  const byYear = await collection.aggregate.groupBy.overAll({ groupBy: { property: 'year', limit: 50 } });
  const localCategoryCounts = new Map<string, number>();
  for (const p of sample) for (const c of p.categories ?? []) localCategoryCounts.set(c, (localCategoryCounts.get(c) ?? 0) + 1);
  // Each shard returns its own top `limit` groups and the coordinator adds them up, so with a
  // limit below the number of distinct values the tail counts are too low (and more than
  // `limit` groups come back). A limit above the number of distinct values is exact.
  const categoryFacet = async (limit: number) => {
    const groups = await collection.aggregate.groupBy.overAll({ groupBy: { property: 'categories', limit } });
    const wrong = groups.filter((g) => localCategoryCounts.get(String(g.groupedBy.value)) !== g.totalCount);
    return { limit, groups: groups.length, wrongCounts: wrong.length, top3: groups.slice(0, 3).map((g) => `${String(g.groupedBy.value)}=${g.totalCount}`) };
  };
  const topOccurrences = async (limit: number) => {
    const result = await collection.aggregate.overAll({
      returnMetrics: collection.metrics.aggregate('categories').text(['topOccurrencesOccurs', 'topOccurrencesValue'], limit),
    });
    const occurrences = result.properties.categories.topOccurrences ?? [];
    return { limit, values: occurrences.length, wrongCounts: occurrences.filter((o) => localCategoryCounts.get(o.value ?? '') !== o.occurs).length };
  };
  const smallLimit = await categoryFacet(10);
  const largeLimit = await categoryFacet(1000);
  const yearWithinCv = await collection.aggregate.groupBy.overAll({
    groupBy: { property: 'year', limit: 100 },
    filters: f.byProperty('categories').containsAny(['cs.CV']),
  });
  show('aggregate', {
    total: total.totalCount,
    categoriesAnyCount: filteredCount.totalCount,
    byYear: byYear.map((g) => ({ year: g.groupedBy.value, count: g.totalCount })),
    categoryGroupBy: [smallLimit, largeLimit],
    categoryTopOccurrences: [await topOccurrences(10), await topOccurrences(1000)],
    distinctCategories: localCategoryCounts.size,
    yearFacetWithinCsCv: yearWithinCv.map((g) => `${String(g.groupedBy.value)}=${g.totalCount}`),
  });
  assert.equal(largeLimit.groups, localCategoryCounts.size);
  assert.equal(largeLimit.wrongCounts, 0);
  assert.equal(total.totalCount, sample.length);
  assert.equal(filteredCount.totalCount, sample.filter(expected.categoriesAny).length);

  // ---- related papers: nearObject searches with the stored vector of an object
  const related = await collection.query.nearObject(paperUuid(target.paper_id), {
    limit: 5,
    filters: f.byProperty('paper_id').notEqual(target.paper_id),
    returnMetadata: ['distance'],
    returnProperties: ['paper_id'],
  });
  show(
    'nearObject (stored vector of paper 7), itself excluded',
    related.objects.map((o) => ({ id: o.properties.paper_id, distance: o.metadata?.distance })),
  );
  assert.deepEqual(
    related.objects.slice(0, 4).map((o) => o.properties.paper_id),
    near.objects.slice(1).map((o) => o.properties.paper_id),
  );

  // ---- publishing a rebuilt collection: an alias names the served collection and is switched in one step
  const aliasName = 'ProbePapers';
  const nextName = 'ProbePaperNext';
  if ((await client.alias.listAll())?.some((a) => a.alias === aliasName)) await client.alias.delete(aliasName);
  if (await client.collections.exists(nextName)) await client.collections.delete(nextName);
  await client.alias.create({ alias: aliasName, collection: collectionName });
  const viaAlias = client.collections.use<string, PaperProperties>(aliasName);
  const beforeSwitch = await viaAlias.length();
  const next = await createPaperCollection(client, { name: nextName, embeddingModel: 'probe-random-384' });
  await next.data.insertMany(
    sample.slice(0, 25).map((properties) => ({ id: paperUuid(properties.paper_id), properties, vectors: vectors.get(properties.paper_id) ?? [] })),
  );
  await client.alias.update({ alias: aliasName, newTargetCollection: nextName });
  const afterSwitch = await viaAlias.length();
  const aliasTarget = await client.alias.get(aliasName);
  show('alias switch', {
    beforeSwitch,
    afterSwitch,
    aliasTarget,
    searchViaAlias: (await viaAlias.query.nearVector(targetVector, { limit: 1, returnProperties: ['paper_id'] })).objects[0]?.properties.paper_id,
  });
  assert.equal(beforeSwitch, sample.length);
  assert.equal(afterSwitch, 25);
  await client.alias.delete(aliasName);
  await client.collections.delete(nextName);

  // ---- collection metadata
  await collection.config.update({ description: JSON.stringify({ format: 1, embedding_model: 'probe-random-384', dimensions: 384, note: 'updated' }) });
  const updated = await collection.config.get();
  show('description after config.update', updated.description);

  // ---- consistency levels with both nodes up
  const levels = ['ONE', 'QUORUM', 'ALL'] as const;
  const perLevel: Record<string, unknown> = {};
  for (const level of levels) {
    const scoped = collection.withConsistency(level);
    const write = await scoped.data.insertMany([
      { id: paperUuid(`probe:cl-${level}`), properties: { ...first, paper_id: `probe:cl-${level}` }, vectors: randomUnitVector(random) },
    ]);
    const read = await scoped.query.fetchObjectById(paperUuid(`probe:cl-${level}`));
    const search = await scoped.query.nearVector(targetVector, { limit: 3 });
    perLevel[level] = { writeErrors: write.hasErrors, readFound: read !== null, searchHits: search.objects.length };
  }
  show('consistency levels, both nodes up', perLevel);
}

const client = await connect();
try {
  await main(client);
  console.log('\napi-probe: all assertions passed');
} finally {
  await client.close();
}
