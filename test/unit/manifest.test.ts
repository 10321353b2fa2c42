import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { getModel, halfWindowStrategy, parseLongPassages, withLongPassages } from '../../src/embedding/model-registry.js';
import { AppError } from '../../src/errors.js';
import {
  assertManifestMatchesModel,
  indexFiles,
  modelOfManifest,
  indexFormatVersion,
  manifestFileName,
  readManifest,
  writeManifest,
  type Manifest,
} from '../../src/storage/embedded/manifest.js';
import { describeModel } from '../../src/storage/model-summary.js';
import { analyzerName } from '../../src/storage/embedded/lexical/analyzer.js';
import { isAppErrorWithCode, temporaryRoot } from './support.js';

const miniLm = getModel('all-MiniLM-L6-v2');
const bge = getModel('bge-small-en-v1.5');

function manifestFor(model = miniLm, overrides: Partial<Manifest> = {}): Manifest {
  const base: Manifest = {
    format: 'paper-search-index',
    formatVersion: indexFormatVersion,
    model: describeModel(model),
    count: 3,
    hnsw: { space: 'ip', m: 16, efConstruction: 200, randomSeed: 100 },
    lexical: { analyzer: analyzerName, k1: 0.9, b: 0.4 },
    files: { ...indexFiles },
    createdAt: '2024-01-02T03:04:05.000Z',
  };
  return Object.assign(base, overrides);
}

let folderCounter = 0;
const root = temporaryRoot('paper-search-manifest-');

async function folderWithManifest(content: string): Promise<string> {
  const folder = join(root(), `index-${folderCounter++}`);
  await mkdir(folder);
  await writeFile(join(folder, manifestFileName), content);
  return folder;
}

describe('readManifest', () => {
  it('throws index_missing for a folder that does not exist', async () => {
    await assert.rejects(readManifest(join(root(), 'nowhere')), isAppErrorWithCode('index_missing', /npm run ingest/));
  });

  it('throws index_missing for an existing folder without a manifest', async () => {
    const folder = join(root(), `empty-${folderCounter++}`);
    await mkdir(folder);
    await assert.rejects(readManifest(folder), isAppErrorWithCode('index_missing'));
  });

  it('throws index_corrupt for a manifest that is not valid JSON', async () => {
    const folder = await folderWithManifest('{"format": "paper-search-index", ');
    await assert.rejects(readManifest(folder), isAppErrorWithCode('index_corrupt', /not valid JSON/));
  });

  it('throws index_incompatible for another format version, naming both versions', async () => {
    const folder = await folderWithManifest(JSON.stringify({ ...manifestFor(), formatVersion: indexFormatVersion + 1 }));
    await assert.rejects(
      readManifest(folder),
      isAppErrorWithCode('index_incompatible', new RegExp(`version ${indexFormatVersion + 1}.*versions 2 and ${indexFormatVersion}`)),
    );
  });

  it('reads a folder whose BM25 terms the first analyzer version made, and says so', async () => {
    const folder = await folderWithManifest(JSON.stringify(manifestFor(miniLm, { lexical: { analyzer: 'english-lucene33stop-porter-v1', k1: 0.9, b: 0.4 } })));
    assert.equal((await readManifest(folder)).lexical.analyzer, 'english-lucene33stop-porter-v1');
  });

  it('throws index_incompatible for an analyzer this version does not have, naming it', async () => {
    const folder = await folderWithManifest(
      JSON.stringify(manifestFor(miniLm, { lexical: { analyzer: 'english-lucene33stop-porter-v9' as typeof analyzerName, k1: 0.9, b: 0.4 } })),
    );
    await assert.rejects(readManifest(folder), isAppErrorWithCode('index_incompatible', /porter-v9.*does not have/));
  });

  it('reads a format 2 folder, written before venue, type, volume, issue and pages', async () => {
    const folder = await folderWithManifest(JSON.stringify({ ...manifestFor(), formatVersion: 2 }));
    assert.equal((await readManifest(folder)).formatVersion, 2);
  });

  it('regression: says which side is newer (a folder of a newer version was told only to be rebuilt)', async () => {
    const newer = await folderWithManifest(JSON.stringify({ ...manifestFor(), formatVersion: indexFormatVersion + 1 }));
    await assert.rejects(
      readManifest(newer),
      isAppErrorWithCode('index_incompatible', /written by a newer version of paper-search: serve it with that version/),
    );
    const older = await folderWithManifest(JSON.stringify({ ...manifestFor(), formatVersion: 1 }));
    await assert.rejects(readManifest(older), isAppErrorWithCode('index_incompatible', /written by an older version of paper-search: rebuild it/));
  });

  it('throws index_incompatible for an older format version even if the rest is unreadable', async () => {
    const folder = await folderWithManifest(JSON.stringify({ formatVersion: 0 }));
    await assert.rejects(readManifest(folder), isAppErrorWithCode('index_incompatible'));
  });

  it('throws index_corrupt for valid JSON that is not a manifest', async () => {
    const { count: _count, ...withoutCount } = manifestFor();
    for (const content of [
      'null',
      '[]',
      '"text"',
      JSON.stringify(withoutCount),
      JSON.stringify({ ...manifestFor(), format: 'something-else' }),
      JSON.stringify({ ...manifestFor(), count: -1 }),
    ]) {
      const folder = await folderWithManifest(content);
      await assert.rejects(readManifest(folder), isAppErrorWithCode('index_corrupt'), content);
    }
  });
});

describe('writeManifest + readManifest', () => {
  it('round-trips a manifest', async () => {
    const folder = join(root(), `round-trip-${folderCounter++}`);
    await mkdir(folder);
    const manifest = manifestFor(miniLm, { source: { input: 'papers.jsonl', read: 5, rejected: 2 } });
    await writeManifest(folder, manifest);
    assert.deepEqual(await readManifest(folder), manifest);
  });

  it('round-trips a manifest without a source', async () => {
    const folder = join(root(), `round-trip-${folderCounter++}`);
    await mkdir(folder);
    const manifest = manifestFor(bge, { count: 0 });
    await writeManifest(folder, manifest);
    assert.deepEqual(await readManifest(folder), manifest);
  });

  it('writes readable JSON to manifest.json, leaving no temporary files', async () => {
    const folder = join(root(), `written-${folderCounter++}`);
    await mkdir(folder);
    const manifest = manifestFor();
    await writeManifest(folder, manifest);
    assert.deepEqual(await readdir(folder), [manifestFileName]);
    assert.deepEqual(JSON.parse(await readFile(join(folder, manifestFileName), 'utf8')), manifest);
  });

  it('replaces an existing manifest', async () => {
    const folder = join(root(), `replaced-${folderCounter++}`);
    await mkdir(folder);
    await writeManifest(folder, manifestFor(miniLm, { count: 1 }));
    await writeManifest(folder, manifestFor(miniLm, { count: 2 }));
    assert.equal((await readManifest(folder)).count, 2);
    assert.deepEqual(await readdir(folder), [manifestFileName]);
  });
});

describe('describeModel', () => {
  it('keeps exactly the fields that decide the vector space', () => {
    assert.deepEqual(describeModel(miniLm), {
      id: 'all-MiniLM-L6-v2',
      hubId: miniLm.hubId,
      dimension: 384,
      pooling: 'mean',
      maxTokens: miniLm.maxTokens,
      longPassages: 'truncate',
      titleWeight: 0.3,
      onnxSha256: miniLm.onnxSha256,
    });
  });
});

describe('assertManifestMatchesModel', () => {
  it('reads a manifest from before titles had a weight as title weight 0, and serves it only so', async () => {
    const { titleWeight: _, ...modelWithoutTitleWeight } = describeModel(miniLm);
    const folder = await folderWithManifest(JSON.stringify({ ...manifestFor(miniLm), model: modelWithoutTitleWeight }));
    const manifest = await readManifest(folder);
    assert.equal(manifest.model.titleWeight, 0);
    const recorded = modelOfManifest(manifest);
    assert.equal(recorded.titleWeight, 0);
    assert.doesNotThrow(() => assertManifestMatchesModel(manifest, recorded, folder));
    assert.throws(
      () => assertManifestMatchesModel(manifest, miniLm, folder),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.deepEqual((error.details as { mismatches: string[] }).mismatches, ['titleWeight']);
        return true;
      },
    );
  });

  it('refuses an index whose long passages were embedded another way', () => {
    const windowed = withLongPassages(miniLm, halfWindowStrategy(miniLm));
    assert.throws(
      () => assertManifestMatchesModel(manifestFor(windowed), miniLm, '/idx'),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'index_incompatible');
        assert.deepEqual((error.details as { mismatches: string[] }).mismatches, ['longPassages']);
        return true;
      },
    );
    assert.doesNotThrow(() => assertManifestMatchesModel(manifestFor(windowed), withLongPassages(miniLm, parseLongPassages('windows:127')), '/idx'));
  });

  it('passes when the manifest was built with the same model', () => {
    assert.doesNotThrow(() => assertManifestMatchesModel(manifestFor(miniLm), miniLm, '/idx'));
    assert.doesNotThrow(() => assertManifestMatchesModel(manifestFor(bge), bge, '/idx'));
  });

  it('throws index_incompatible naming the mismatched fields when the model differs', () => {
    assert.throws(
      () => assertManifestMatchesModel(manifestFor(miniLm), bge, '/some/index'),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'index_incompatible');
        assert.match(error.message, /\/some\/index/);
        assert.match(error.message, /all-MiniLM-L6-v2/);
        assert.match(error.message, /bge-small-en-v1\.5/);
        assert.match(error.message, /pooling mean/);
        assert.match(error.message, /pooling cls/);
        assert.match(error.message, /--model bge-small-en-v1\.5/);
        const { mismatches } = error.details as { mismatches: string[] };
        assert.deepEqual([...mismatches].sort(), ['hubId', 'id', 'maxTokens', 'onnxSha256', 'pooling', 'titleWeight']);
        assert.ok(!mismatches.includes('dimension'), 'both models have dimension 384');
        return true;
      },
    );
  });

  it('detects a different quantization of the same model (checksum only)', () => {
    const manifest = manifestFor(miniLm);
    manifest.model = { ...manifest.model, onnxSha256: '0'.repeat(64) };
    assert.throws(
      () => assertManifestMatchesModel(manifest, miniLm, '/idx'),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'index_incompatible');
        assert.match(error.message, /onnxSha256/);
        assert.deepEqual((error.details as { mismatches: string[] }).mismatches, ['onnxSha256']);
        return true;
      },
    );
  });

  it('detects a different dimension', () => {
    const manifest = manifestFor(miniLm);
    manifest.model = { ...manifest.model, dimension: 768 };
    assert.throws(
      () => assertManifestMatchesModel(manifest, miniLm, '/idx'),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'index_incompatible');
        assert.match(error.message, /dimension 768/);
        assert.match(error.message, /dimension 384/);
        assert.deepEqual((error.details as { mismatches: string[] }).mismatches, ['dimension']);
        return true;
      },
    );
  });
});
