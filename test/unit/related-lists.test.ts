import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { pino } from 'pino';
import { defaultEfSearch } from '../../src/config/config.js';
import { getModel } from '../../src/embedding/model-registry.js';
import { createLogger } from '../../src/log.js';
import type { Paper } from '../../src/papers/paper.js';
import { normalize } from '../../src/shared/vector-math.js';
import { seededRandom } from '../../src/shared/seeded-random.js';
import { EmbeddedStorage } from '../../src/storage/embedded/embedded-storage.js';
import { IndexFolderWriter } from '../../src/storage/embedded/index-folder-writer.js';
import { readManifest, writeManifest } from '../../src/storage/embedded/manifest.js';
import { RelatedLists, relatedListDepth } from '../../src/storage/embedded/related-lists.js';
import { decodeRelatedLists, encodeRelatedLists, relatedListsFileName } from '../../src/storage/embedded/related-lists-file.js';
import { computeRelatedLists } from '../../src/storage/embedded/related-lists-threads.js';
import { StopRequest } from '../../src/shared/worker-threads.js';
import { VectorIndex, defaultHnswParameters, type Neighbor } from '../../src/storage/embedded/vector-index.js';
import { isAppErrorWithCode, randomUnitVectors, temporaryRoot } from './support.js';

const model = getModel('all-MiniLM-L6-v2');
const root = temporaryRoot('paper-search-related-lists-');
let cases = 0;

/** Unit vectors around a few topics, so that neighbours are near and lists differ in depth of agreement. */
function clusteredVectors(count: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  const topics = randomUnitVectors(12, model.dimension, seed + 1000);
  return Array.from({ length: count }, () => {
    const topic = topics[Math.floor(random() * topics.length)]!;
    return normalize(topic.map((value) => value + (random() * 2 - 1) * 0.08));
  });
}

/** Between the twelve topics of buildFolder's papers: about equally near every paper, and nearest to none in particular (a survey). */
function surveyVector(): Float32Array {
  return normalize(clusteredVectors(300, 7).reduce((sum, vector) => sum.map((value, d) => value + vector[d]!), new Float32Array(model.dimension)));
}

function paper(id: string): Paper {
  return { id, title: `Paper ${id}`, abstract: `The abstract of paper ${id}.` };
}

async function buildFolder(count: number, vectors = clusteredVectors(count, 7)): Promise<string> {
  const folder = join(root(), `case-${cases++}`, 'index');
  const writer = await IndexFolderWriter.create(folder, model);
  for (let i = 0; i < count; i++) await writer.add(paper(`p${i}`), vectors[i]!);
  await writer.finish({ input: 'test', read: count, rejected: 0 });
  return folder;
}

function open(folder: string, efSearch = defaultEfSearch): Promise<EmbeddedStorage> {
  return EmbeddedStorage.open({
    folder,
    model,
    efSearch,
    walDir: join(folder, '..', 'wal'),
    acceptsWrites: true,
    snapshotAfterOperations: 1_000_000,
    snapshotAfterMs: 86_400_000,
    log: createLogger('silent'),
  });
}

/** Every present paper's related answer, against the HNSW search of the index served now, at several depths. */
async function assertListsMatchGraph(storage: EmbeddedStorage): Promise<void> {
  const { papers, vectors } = storage.live;
  for (let label = 0; label < papers.size; label++) {
    if (!papers.isLive(label)) continue;
    const id = papers.idOf(label);
    for (const k of [1, 10, relatedListDepth, 50]) {
      const graph = vectors.searchNear(label, k, new Set()).map((neighbour) => ({ id: papers.idOf(neighbour.label), score: neighbour.score }));
      assert.deepEqual(await storage.related(id, { k }), graph, `related to ${id} at k=${k}`);
    }
  }
}

describe('precomputed related lists', () => {
  it('answer exactly what the graph search answers, for every paper and depth', async () => {
    const storage = await open(await buildFolder(300));
    try {
      await assertListsMatchGraph(storage);
    } finally {
      await storage.close();
    }
  });

  it('stay identical to the graph search after new papers, replacements and deletions, and after a snapshot', async () => {
    const storage = await open(await buildFolder(300));
    try {
      const vectors = clusteredVectors(60, 8);
      const replacements = clusteredVectors(10, 9);
      await storage.commit([
        vectors.map((vector, i) => ({ op: 'put' as const, paper: paper(`new${i}`), vector })),
        replacements.map((vector, i) => ({ op: 'put' as const, paper: paper(`p${i * 7}`), vector })),
        Array.from({ length: 15 }, (_, i) => ({ op: 'delete' as const, id: `p${100 + i * 3}` })),
      ]);
      await assertListsMatchGraph(storage);
      await storage.snapshot();
      await assertListsMatchGraph(storage);
    } finally {
      await storage.close();
    }
  });

  it('regression: a new paper near many papers that are not among its own nearest (a survey between topics) enters every list it ranks in, before and after a snapshot that carries the lists (it was missing from most, and pages of k=10 skipped it while k=40 ranked it)', async () => {
    const storage = await open(await buildFolder(300));
    try {
      const hub = surveyVector();
      await storage.commit([[{ op: 'put' as const, paper: paper('survey'), vector: hub }]]);
      await storage.live.relatedListsCurrent();
      await assertListsMatchGraph(storage);
      await storage.snapshot();
      await assertListsMatchGraph(storage);
    } finally {
      await storage.close();
    }
  });

  it('stay identical to the graph search when more papers were written since than a read compares, the survey among them', async () => {
    const storage = await open(await buildFolder(300));
    try {
      const hub = surveyVector();
      const written = [...clusteredVectors(1_100, 12), hub].map((vector, i) => ({ op: 'put' as const, paper: paper(`written${i}`), vector }));
      await storage.commit([written]);
      await storage.live.relatedListsCurrent();
      await assertListsMatchGraph(storage);
    } finally {
      await storage.close();
    }
  });

  it('stay identical to the graph search after new papers only and a snapshot that extends the graph (the lists carried)', async () => {
    const storage = await open(await buildFolder(300));
    try {
      await storage.commit([clusteredVectors(40, 11).map((vector, i) => ({ op: 'put' as const, paper: paper(`added${i}`), vector }))]);
      await storage.snapshot();
      assert.equal(storage.live.papers.size, 340);
      await assertListsMatchGraph(storage);
    } finally {
      await storage.close();
    }
  });

  it('regression: each page of related papers continues the pages before it, after writes and deletions in a collection larger than one search of the whole graph (a page deeper than the list, and one past what a list cut short by deletions held, came from the graph alone, whose approximate search ranked otherwise: papers of earlier pages came again and others were skipped)', async () => {
    // Spread evenly, unlike real papers, so the graph's approximate search misses some neighbours.
    const vectors = randomUnitVectors(1_400, model.dimension, 21);
    const storage = await open(await buildFolder(1_200, vectors.slice(0, 1_200)));
    try {
      const written = vectors.slice(1_200).map((vector, i) => ({ op: 'put' as const, paper: paper(`written${i}`), vector }));
      await storage.commit([written, Array.from({ length: 40 }, (_, i) => ({ op: 'delete' as const, id: `p${i * 29}` }))]);
      await storage.live.relatedListsCurrent();
      const { papers } = storage.live;
      let compared = 0;
      for (let label = 0; label < papers.size; label += 3) {
        if (!papers.isLive(label)) continue;
        const id = papers.idOf(label);
        // The depths the pages of ten ask for (each one paper more, for ties), in the order a client reads them.
        let before: Awaited<ReturnType<typeof storage.related>> = [];
        for (const k of [11, 21, 31, 41]) {
          const page = await storage.related(id, { k });
          assert.deepEqual(page.slice(0, before.length), before, `related to ${id} at k=${k}`);
          before = page;
        }
        compared++;
      }
      assert.ok(compared > 400);
    } finally {
      await storage.close();
    }
  });

  it('are computed from the graph as asked for when the server searches at another ef than they were computed at', async () => {
    const storage = await open(await buildFolder(300), 40);
    try {
      await assertListsMatchGraph(storage);
    } finally {
      await storage.close();
    }
  });

  it('are computed from the graph as asked for when the folder has none (built before they were stored)', async () => {
    const folder = await buildFolder(120);
    const { related, ...files } = (await readManifest(folder)).files;
    assert.equal(related, relatedListsFileName);
    await writeManifest(folder, { ...(await readManifest(folder)), files });
    await rm(join(folder, relatedListsFileName));
    const storage = await open(folder);
    try {
      await assertListsMatchGraph(storage);
    } finally {
      await storage.close();
    }
  });
});

describe('computeRelatedLists', () => {
  const count = 300;
  const graph = VectorIndex.create(model.dimension, defaultHnswParameters);
  clusteredVectors(count, 5).forEach((vector, label) => graph.add(label, vector));
  graph.setEfSearch(defaultEfSearch);
  const saved = async (): Promise<string> => {
    const file = join(root(), `graph-${cases++}.bin`);
    await graph.save(file);
    return file;
  };
  const listsOf = (lists: RelatedLists) => Array.from({ length: count }, (_, label) => lists.read(label, relatedListDepth, () => true));
  const capturingLog = () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    return { log: pino({ level: 'warn' }, sink), lines };
  };

  it('computes the upper half of the lists in a worker from the saved graph, the same lists as one thread', async () => {
    const { log, lines } = capturingLog();
    const lists = await computeRelatedLists(graph, await saved(), count, log, undefined, 100);
    assert.deepEqual(listsOf(lists), listsOf(RelatedLists.compute(graph, count)));
    assert.equal(lists.fullyComputedAt, count);
    assert.deepEqual(lines, [], 'the worker answered');
  });

  it('computes every list itself when the worker cannot read the graph, and says why', async () => {
    const { log, lines } = capturingLog();
    const lists = await computeRelatedLists(graph, join(root(), 'no-such-graph.bin'), count, log, undefined, 100);
    assert.deepEqual(listsOf(lists), listsOf(RelatedLists.compute(graph, count)));
    assert.equal(lines.length, 1);
    assert.match(String(lines[0]!.msg), /related lists thread failed/);
    assert.match(String(lines[0]!.reason), /Cannot read the HNSW index/);
  });

  it('rejects with shutting_down when asked to stop', async () => {
    const stop = new StopRequest();
    stop.request();
    await assert.rejects(computeRelatedLists(graph, await saved(), count, capturingLog().log, stop, 100), isAppErrorWithCode('shutting_down'));
  });
});

describe('a damaged related.bin', () => {
  it('stops the folder from loading with index_corrupt, naming the file and the way out', async () => {
    const folder = await buildFolder(40);
    const path = join(folder, relatedListsFileName);
    const bytes = await readFile(path);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(path, bytes);
    await assert.rejects(
      open(folder),
      isAppErrorWithCode('index_corrupt', /related\.bin: Related lists: checksum mismatch\. Rebuild the index with npm run ingest\./),
    );
  });
});

describe('RelatedLists', () => {
  const graph = VectorIndex.create(model.dimension, defaultHnswParameters);
  const vectors = clusteredVectors(80, 3);
  vectors.forEach((vector, label) => graph.add(label, vector));
  graph.setEfSearch(defaultEfSearch);

  it('cannot tell a cut list whose deleted entries leave fewer than k, so the graph answers', () => {
    const lists = RelatedLists.compute(graph, vectors.length);
    const full = lists.read(0, relatedListDepth, () => true)!;
    assert.equal(full.length, relatedListDepth);
    const deleted = new Set([full[3]!.label]);
    const isLive = (label: number) => !deleted.has(label);
    assert.deepEqual(
      lists.read(0, relatedListDepth - 1, isLive),
      full.filter((neighbour) => !deleted.has(neighbour.label)),
    );
    assert.equal(lists.read(0, relatedListDepth, isLive), undefined);
  });

  it('answers with every other paper when the collection is smaller than its depth', () => {
    const small = VectorIndex.create(model.dimension, defaultHnswParameters);
    vectors.slice(0, 5).forEach((vector, label) => small.add(label, vector));
    const lists = RelatedLists.compute(small, 5);
    assert.equal(lists.read(2, 10, () => true)!.length, 4);
    assert.equal(
      lists.read(7, 10, () => true),
      undefined,
      'a label without a list',
    );
  });

  it('round-trips through its file format, and refuses a damaged file', () => {
    const lists = RelatedLists.compute(graph, vectors.length);
    const bytes = encodeRelatedLists(lists, vectors.length, defaultEfSearch);
    const decoded = decodeRelatedLists(bytes, vectors.length, defaultEfSearch)!;
    for (let label = 0; label < vectors.length; label++) {
      assert.deepEqual<Neighbor[] | undefined>(
        decoded.read(label, relatedListDepth, () => true),
        lists.read(label, relatedListDepth, () => true),
      );
    }
    const damaged = bytes.slice();
    damaged[100] = damaged[100]! ^ 0xff;
    assert.throws(() => decodeRelatedLists(damaged, vectors.length, defaultEfSearch), isAppErrorWithCode('index_corrupt', /checksum/));
    assert.throws(() => decodeRelatedLists(bytes, vectors.length + 1, defaultEfSearch), isAppErrorWithCode('index_corrupt', /holds 80 papers/));
    const otherDepth = bytes.slice();
    new DataView(otherDepth.buffer).setUint32(16, relatedListDepth + 1, true);
    assert.equal(decodeRelatedLists(otherDepth, vectors.length, defaultEfSearch), undefined, 'a file of another depth is not read');
    assert.equal(decodeRelatedLists(bytes, vectors.length, 64), undefined, 'nor one computed at another ef than the server searches at');
  });

  it('records when every list was last computed, and lets lists be carried until the collection grows by a quarter', () => {
    const lists = RelatedLists.compute(graph, vectors.length);
    assert.equal(lists.fullyComputedAt, vectors.length);
    assert.ok(lists.canCarryTo(100) && !lists.canCarryTo(101), '80 papers carry to 100, not beyond');
    const bytes = encodeRelatedLists(lists, vectors.length, defaultEfSearch);
    const decoded = decodeRelatedLists(bytes, vectors.length, defaultEfSearch, vectors.length + 15)!;
    assert.equal(decoded.fullyComputedAt, vectors.length);
    assert.equal(
      decoded.read(vectors.length + 3, 1, () => true),
      undefined,
      'the room for papers to come holds no list yet',
    );
    // Files written before the count was recorded hold 0 there: read as the file's own count.
    const older = bytes.slice();
    new DataView(older.buffer).setUint32(24, 0, true);
    const view = new DataView(older.buffer);
    view.setUint32(older.length - 4, crc32(older.subarray(0, older.length - 4)), true);
    assert.equal(decodeRelatedLists(older, vectors.length, defaultEfSearch)!.fullyComputedAt, vectors.length);
  });
});
