import assert from 'node:assert/strict';
import { appendFile, cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { getModel } from '../../src/embedding/model-registry.js';
import { mapLayoutFileName } from '../../src/storage/embedded/map/map-layout-file.js';
import { relatedListsFileName } from '../../src/storage/embedded/related-lists-file.js';
import { IndexFolderWriter } from '../../src/storage/embedded/index-folder-writer.js';
import { replaceDirectory, stagingPathFor } from '../../src/shared/fs-atomic.js';
import { openIndexFolder } from '../../src/storage/embedded/index-folder.js';
import { checksumOf, verifyIndexFiles } from '../../src/storage/embedded/index-integrity.js';
import { indexFiles, indexFormatVersion, manifestFileName, readManifest, writeManifest, type Manifest } from '../../src/storage/embedded/manifest.js';
import { describeModel } from '../../src/storage/model-summary.js';
import { defaultHnswParameters } from '../../src/storage/embedded/vector-index.js';
import type { Paper } from '../../src/papers/paper.js';
import { isAppErrorWithCode, randomUnitVectors, temporaryRoot } from './support.js';

const model = getModel('all-MiniLM-L6-v2');
const otherModel = getModel('bge-small-en-v1.5');
const dimension = 384;

function samplePapers(count: number, prefix = 'p'): Paper[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    title: `Title ${i}`,
    abstract: `Abstract of paper ${i}.`,
    ...(i % 2 === 0 ? { authors: ['A. Author', 'B. Author'], year: 2000 + i } : { categories: ['cs.LG'] }),
  }));
}

let counter = 0;
const root = temporaryRoot('paper-search-index-folder-');

/** A fresh parent folder per test, so leftovers (staging folders) are easy to see. */
async function freshParent(): Promise<string> {
  const parent = join(root(), `case-${counter++}`);
  await mkdir(parent);
  return parent;
}

/** Rewrites the manifest as a folder written before checksums were recorded. */
async function withoutChecksums(target: string, manifest: Manifest): Promise<void> {
  const { checksums: _dropped, ...older } = manifest;
  await writeManifest(target, older);
}

async function buildIndex(target: string, papers: readonly Paper[], vectors: readonly Float32Array[]) {
  const writer = await IndexFolderWriter.create(target, model);
  for (let i = 0; i < papers.length; i++) await writer.add(papers[i]!, vectors[i]!);
  assert.equal(writer.size, papers.length);
  return writer.finish({ input: 'papers.jsonl', read: papers.length + 1, rejected: 1 });
}

describe('IndexFolderWriter + openIndexFolder', () => {
  const papers = samplePapers(40);
  const vectors = randomUnitVectors(40, dimension, 1);

  it('writes a complete folder that openIndexFolder reads back', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    const manifest = await buildIndex(target, papers, vectors);

    assert.deepEqual((await readdir(parent)).sort(), ['index'], 'no staging folder is left beside the index');
    assert.deepEqual((await readdir(target)).sort(), [...Object.values(indexFiles), manifestFileName, mapLayoutFileName, relatedListsFileName].sort());

    assert.equal(manifest.format, 'paper-search-index');
    assert.equal(manifest.formatVersion, indexFormatVersion);
    assert.deepEqual(manifest.model, describeModel(model));
    assert.equal(manifest.count, papers.length);
    assert.deepEqual(manifest.hnsw, defaultHnswParameters);
    assert.deepEqual(manifest.files, { ...indexFiles, map: mapLayoutFileName, related: relatedListsFileName });
    assert.deepEqual(manifest.source, { input: 'papers.jsonl', read: papers.length + 1, rejected: 1 });
    assert.ok(!Number.isNaN(Date.parse(manifest.createdAt)));
    assert.deepEqual(await readManifest(target), manifest);

    const loaded = await openIndexFolder(target, model, 100);
    assert.equal(loaded.folder, target);
    assert.deepEqual(loaded.manifest, manifest);
    assert.equal(loaded.papers.size, papers.length);
    assert.equal(loaded.vectors.count, papers.length);
    assert.equal(loaded.vectors.dimension, dimension);
    assert.equal(loaded.layout?.method, 'pca', 'a map layout, by PCA for so few papers');
    assert.equal(loaded.layout.x.length, papers.length);
    for (const label of [0, 1, 17, 39]) {
      assert.deepEqual(loaded.papers.byLabel(label), papers[label]);
      assert.equal(loaded.papers.labelOf(papers[label]!.id), label);
      assert.deepEqual(loaded.vectors.vector(label), vectors[label]);
      const [best] = loaded.vectors.search(vectors[label]!, 1);
      assert.equal(best?.label, label);
      assert.ok(Math.abs(best!.score - 1) < 1e-5);
    }
  });

  it('writes the raw vectors, little-endian float32 in label order, to vectors.f32', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    await buildIndex(target, papers.slice(0, 5), vectors.slice(0, 5));
    const bytes = await readFile(join(target, indexFiles.vectors));
    assert.equal(bytes.length, 5 * dimension * 4);
    for (let label = 0; label < 5; label++) {
      for (const d of [0, 100, dimension - 1]) {
        assert.equal(bytes.readFloatLE((label * dimension + d) * 4), vectors[label]![d]);
      }
    }
  });

  it('writes papers.jsonl one paper per line in label order', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    await buildIndex(target, papers.slice(0, 3), vectors.slice(0, 3));
    const lines = (await readFile(join(target, indexFiles.papers), 'utf8')).split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line) as Paper),
      papers.slice(0, 3),
    );
  });

  it('creates missing parent folders of the target', async () => {
    const parent = await freshParent();
    const target = join(parent, 'a', 'b', 'index');
    await buildIndex(target, papers.slice(0, 2), vectors.slice(0, 2));
    assert.equal((await openIndexFolder(target, model, 50)).papers.size, 2);
  });

  it('regression: a target whose folder cannot be made was an internal error with a stack trace; it is config_invalid naming the reason', async () => {
    const parent = await freshParent();
    await writeFile(join(parent, 'a-file'), 'not a folder');
    await assert.rejects(
      IndexFolderWriter.create(join(parent, 'a-file', 'sub', 'index'), model),
      isAppErrorWithCode('config_invalid', /a part of its path is a file, not a folder\. Point --index/),
    );
    await assert.rejects(
      IndexFolderWriter.create(join(parent, 'a-file', 'index'), model),
      isAppErrorWithCode('config_invalid', /a part of its path is a file/),
    );
    await assert.rejects(IndexFolderWriter.create(join(parent, 'a-file'), model), isAppErrorWithCode('config_invalid', /is a file, not a folder/));
    // procfs makes no folders, whoever asks (root too); below a missing one, Node's recursive mkdir never settled.
    for (const target of ['/proc/paper-search-test-index', '/proc/paper-search-test/a/index']) {
      await assert.rejects(IndexFolderWriter.create(target, model), isAppErrorWithCode('config_invalid', /Cannot build the index folder/));
    }
  });

  it('replaces an existing index folder in place of the old one', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    await buildIndex(target, papers.slice(0, 10), vectors.slice(0, 10));
    await writeFile(join(target, 'stray.txt'), 'from the old folder');
    const replacement = samplePapers(3, 'new-');
    await buildIndex(target, replacement, randomUnitVectors(3, dimension, 2));

    assert.deepEqual(await readdir(parent), ['index']);
    assert.ok(!(await readdir(target)).includes('stray.txt'));
    const loaded = await openIndexFolder(target, model, 50);
    assert.equal(loaded.papers.size, 3);
    assert.equal(loaded.papers.labelOf('p0'), undefined);
    assert.equal(loaded.papers.labelOf('new-2'), 2);
  });

  it('regression: a folder a snapshot replaced while it was being read was reported as index_corrupt ("vectors.f32 holds 7744512 bytes, 7680000 expected"); it is read again', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    const builds = [join(parent, 'small'), join(parent, 'large')];
    await buildIndex(builds[0]!, papers.slice(0, 10), vectors.slice(0, 10));
    await buildIndex(builds[1]!, papers, vectors);
    await cp(builds[0]!, target, { recursive: true });

    // Another process's snapshots, replacing the folder as they do, one after another.
    let swapping = true;
    const swaps = (async () => {
      for (let swap = 1; swapping; swap++) {
        const staged = stagingPathFor(target, 'building');
        await cp(builds[swap % 2]!, staged, { recursive: true });
        await replaceDirectory(staged, target);
      }
    })();
    try {
      for (let read = 0; read < 40; read++) {
        const loaded = await openIndexFolder(target, model, 50);
        assert.equal(loaded.papers.size, loaded.manifest.count);
        assert.equal(loaded.vectors.count, loaded.manifest.count);
        assert.equal(loaded.storedVectors.length, loaded.manifest.count * dimension);
      }
    } finally {
      swapping = false;
      await swaps;
    }
  });

  it('regression: a folder read between the two renames of a snapshot swap was reported as index_missing ("No index at …"); it is read once the swap has ended', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    const staged = join(parent, 'staged');
    await buildIndex(target, papers.slice(0, 10), vectors.slice(0, 10));
    await buildIndex(staged, papers, vectors);
    // A swap between its renames, as replaceDirectory makes it: the folder set aside, the new one not yet in its place.
    await rename(target, stagingPathFor(target, 'old'));
    const opening = openIndexFolder(target, model, 50);
    await sleep(100);
    await rename(staged, target);
    const loaded = await opening;
    assert.equal(loaded.papers.size, papers.length);
    await assert.rejects(openIndexFolder(join(parent, 'never-built'), model, 50), isAppErrorWithCode('index_missing'));
  });

  it("regression: keeps a folder of a version it cannot read, which may hold writes (a rebuild over a newer version's index deleted it)", async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    await buildIndex(target, papers.slice(0, 10), vectors.slice(0, 10));
    const manifest = JSON.parse(await readFile(join(target, manifestFileName), 'utf8')) as Manifest;
    await writeFile(join(target, manifestFileName), JSON.stringify({ ...manifest, formatVersion: indexFormatVersion + 1 }));
    const built = await buildIndex(target, samplePapers(3, 'new-'), randomUnitVectors(3, dimension, 2));

    assert.equal(built.keptPrevious?.writes, null);
    const kept = built.keptPrevious!.collection;
    assert.deepEqual((await readdir(parent)).sort(), ['index', basename(kept)]);
    assert.equal((JSON.parse(await readFile(join(kept, manifestFileName), 'utf8')) as Manifest).formatVersion, indexFormatVersion + 1);
  });

  it('abort removes the staging folder and leaves an existing index untouched', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    await buildIndex(target, papers.slice(0, 4), vectors.slice(0, 4));
    const before = await readFile(join(target, indexFiles.papers), 'utf8');

    const writer = await IndexFolderWriter.create(target, model);
    assert.equal((await readdir(parent)).length, 2, 'a staging folder exists while building');
    await writer.abort();

    assert.deepEqual(await readdir(parent), ['index']);
    assert.equal(await readFile(join(target, indexFiles.papers), 'utf8'), before);
    assert.equal((await openIndexFolder(target, model, 50)).papers.size, 4);
  });

  // Regression: abort() calls vectorFile.destroy() on the vectors.f32
  // WriteStream, which has no 'error' listener. When a write to it is still in flight (always the
  // case right after add() once the file is open), Node finishes the destroy with
  // ERR_STREAM_DESTROYED and emits it as an 'error' event, which becomes an uncaught exception:
  // "Cannot call write after a stream was destroyed". In `npm run ingest` this crashes the process
  // from the cleanup path (e.g. a --strict rejection right after a window was flushed), hiding the
  // real error. node:test reports the uncaught exception as this test's failure.
  it('abort right after add, with a vectors.f32 write in flight, does not crash', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    await buildIndex(target, papers.slice(0, 4), vectors.slice(0, 4));
    const before = await readFile(join(target, indexFiles.papers), 'utf8');

    const writer = await IndexFolderWriter.create(target, model);
    await writer.add(samplePapers(1, 'x')[0]!, vectors[0]!);
    await sleep(25); // vectors.f32 is open now, so the next write goes straight to the file
    await writer.add(samplePapers(2, 'x')[1]!, vectors[1]!);
    await writer.abort();
    await sleep(100); // the uncaught 'error' (if any) fires in this window

    assert.deepEqual(await readdir(parent), ['index']);
    assert.equal(await readFile(join(target, indexFiles.papers), 'utf8'), before);
    assert.equal((await openIndexFolder(target, model, 50)).papers.size, 4);
  });

  it('abort without an existing index leaves nothing behind', async () => {
    const parent = await freshParent();
    const writer = await IndexFolderWriter.create(join(parent, 'index'), model);
    await writer.abort();
    assert.deepEqual(await readdir(parent), []);
  });

  it('refuses an index built with another model (index_incompatible)', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    await buildIndex(target, papers.slice(0, 3), vectors.slice(0, 3));
    await assert.rejects(openIndexFolder(target, otherModel, 50), isAppErrorWithCode('index_incompatible', /pooling/));
  });

  it('reports a missing folder as index_missing', async () => {
    const parent = await freshParent();
    await assert.rejects(openIndexFolder(join(parent, 'nothing-here'), model, 50), isAppErrorWithCode('index_missing'));
  });

  // The count checks below guard folders without checksums (written by older versions); with
  // checksums, the integrity check refuses such folders first (see "index integrity").
  it('reports an extra line in papers.jsonl as index_corrupt', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    await withoutChecksums(target, await buildIndex(target, papers.slice(0, 3), vectors.slice(0, 3)));
    await appendFile(join(target, indexFiles.papers), `${JSON.stringify({ id: 'extra', title: '', abstract: 'x' })}\n`);
    await assert.rejects(openIndexFolder(target, model, 50), isAppErrorWithCode('index_corrupt', /4 papers.*says 3/));
  });

  it('reports a truncated papers.jsonl as index_corrupt', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    await withoutChecksums(target, await buildIndex(target, papers.slice(0, 3), vectors.slice(0, 3)));
    const path = join(target, indexFiles.papers);
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    await writeFile(path, `${lines.slice(0, 2).join('\n')}\n`);
    await assert.rejects(openIndexFolder(target, model, 50), isAppErrorWithCode('index_corrupt', /2 papers.*says 3/));
  });

  it('reports a missing hnsw.bin as index_corrupt', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    await buildIndex(target, papers.slice(0, 3), vectors.slice(0, 3));
    await rm(join(target, indexFiles.hnsw));
    await assert.rejects(openIndexFolder(target, model, 50), isAppErrorWithCode('index_corrupt', /hnsw\.bin/));
  });

  it('reports a vector count that disagrees with the manifest as index_corrupt', async () => {
    const parent = await freshParent();
    const target = join(parent, 'index');
    const manifest = await buildIndex(target, papers.slice(0, 3), vectors.slice(0, 3));
    // papers.jsonl and the manifest agree on 2; hnsw.bin still holds 3 vectors.
    const path = join(target, indexFiles.papers);
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    await writeFile(path, `${lines.slice(0, 2).join('\n')}\n`);
    await withoutChecksums(target, { ...manifest, count: 2 });
    await assert.rejects(openIndexFolder(target, model, 50), isAppErrorWithCode('index_corrupt', /hnsw\.bin holds 3 .*says 2/));
  });

  it('rejects adding a paper that is not a valid paper', async () => {
    const parent = await freshParent();
    const writer = await IndexFolderWriter.create(join(parent, 'index'), model);
    try {
      await assert.rejects(writer.add({ id: '', title: '', abstract: 'x' }, vectors[0]!));
      assert.equal(writer.size, 0);
    } finally {
      await writer.abort();
    }
    assert.deepEqual(await readdir(parent), []);
  });
});

describe('index integrity', () => {
  const papers = samplePapers(12);
  const vectors = randomUnitVectors(12, dimension, 7);

  async function damaged(file: string, damage: (bytes: Buffer) => Buffer): Promise<string> {
    const target = join(await freshParent(), 'index');
    await buildIndex(target, papers, vectors);
    await writeFile(join(target, file), damage(await readFile(join(target, file))));
    return target;
  }
  const flipped = (offset: number) => (bytes: Buffer) => {
    const copy = Buffer.from(bytes);
    copy[offset]! ^= 0xff;
    return copy;
  };

  it('records the size and SHA-256 of every file in the manifest', async () => {
    const target = join(await freshParent(), 'index');
    const manifest = await buildIndex(target, papers, vectors);
    for (const file of Object.values(indexFiles)) {
      assert.equal(manifest.checksums?.[file]?.bytes, (await readFile(join(target, file))).length, file);
      assert.match(manifest.checksums?.[file]?.sha256 ?? '', /^[0-9a-f]{64}$/, file);
    }
  });

  it('refuses a graph damaged in place, naming the file and the fix (a corrupted index file was loaded)', async () => {
    const target = await damaged(indexFiles.hnsw, flipped(200));
    await assert.rejects(
      openIndexFolder(target, model, 64),
      isAppErrorWithCode('index_corrupt', /hnsw\.bin.*SHA-256.*Rebuild the index with: npm run ingest/s),
    );
  });

  it('refuses damaged paper records, and truncated raw vectors, at load', async () => {
    await assert.rejects(openIndexFolder(await damaged(indexFiles.papers, flipped(30)), model, 64), isAppErrorWithCode('index_corrupt', /papers\.jsonl/));
    await assert.rejects(
      openIndexFolder(await damaged(indexFiles.vectors, (bytes) => bytes.subarray(0, bytes.length - 4)), model, 64),
      isAppErrorWithCode('index_corrupt', /vectors\.f32 \(\d+ bytes, \d+ recorded\)/),
    );
  });

  it('regression: refuses raw vectors changed in place at load (recommendations were computed from the damaged vectors)', async () => {
    await assert.rejects(
      openIndexFolder(await damaged(indexFiles.vectors, flipped(100)), model, 64),
      isAppErrorWithCode('index_corrupt', /vectors\.f32.*SHA-256/s),
    );
  });

  it('hashes a large file on a thread of its own, and finds a change in it there', async () => {
    const target = join(await freshParent(), 'index');
    const manifest = await buildIndex(target, papers, vectors);
    // Over the size hashed on the main thread: the worker is what checks it.
    const large = Buffer.alloc(33 * 1024 * 1024, 7);
    await writeFile(join(target, indexFiles.vectors), large);
    const checksums = { ...manifest.checksums, [indexFiles.vectors]: await checksumOf(join(target, indexFiles.vectors)) };
    const verdictOf = async (bytes: Buffer) => {
      await writeFile(join(target, indexFiles.vectors), bytes);
      const verdicts = await verifyIndexFiles(target, { ...manifest, checksums }, 'load');
      assert.ok(verdicts !== 'no checksums');
      return verdicts.find((verdict) => verdict.file === indexFiles.vectors);
    };
    assert.deepEqual(await verdictOf(large), { file: indexFiles.vectors, ok: true, checked: 'sha256' });
    assert.equal((await verdictOf(flipped(20 * 1024 * 1024)(large)))?.problem, 'its SHA-256 differs from the one recorded');
  });

  it('leaves a same-size change in the BM25 file to its own CRC at load, and finds it by hash when verifying in full', async () => {
    const target = await damaged(indexFiles.lexical, flipped(100));
    const manifest = await readManifest(target);
    const atLoad = await verifyIndexFiles(target, manifest, 'load');
    assert.ok(atLoad !== 'no checksums' && atLoad.every((verdict) => verdict.ok));
    const full = await verifyIndexFiles(target, manifest, 'full');
    assert.deepEqual(full === 'no checksums' ? full : full.filter((verdict) => !verdict.ok).map((verdict) => verdict.file), [indexFiles.lexical]);
    await assert.rejects(openIndexFolder(target, model, 64), isAppErrorWithCode('index_corrupt', /lexical\.bm25/));
  });

  it('still loads a folder written before checksums were recorded, and says so', async () => {
    const target = join(await freshParent(), 'index');
    await withoutChecksums(target, await buildIndex(target, papers, vectors));
    const loaded = await openIndexFolder(target, model, 64);
    assert.equal(loaded.integrity, 'no checksums');
    assert.equal(loaded.papers.size, 12);
  });
});
