import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Config } from '../../src/config/config.js';
import { createLogger } from '../../src/log.js';
import { replaceDirectory, restoreInterruptedReplace, stagingPathFor } from '../../src/shared/fs-atomic.js';
import { getModel } from '../../src/embedding/model-registry.js';
import { IndexFolderWriter } from '../../src/storage/embedded/index-folder-writer.js';
import { collectionModel } from '../../src/storage/open-storage.js';
import { isAppErrorWithCode, temporaryRoot } from './support.js';

let counter = 0;
const root = temporaryRoot('paper-search-restore-');

async function freshDir(): Promise<string> {
  const dir = join(root(), `case-${counter++}`);
  await mkdir(dir);
  return dir;
}

/** A folder holding one file, `marker.txt`, with `content`. */
async function folderWith(path: string, content: string): Promise<void> {
  await mkdir(path);
  await writeFile(join(path, 'marker.txt'), content);
}

describe('restoreInterruptedReplace', () => {
  it('renames the one retired folder back when the target is missing', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    // What a crash between replaceDirectory's two renames leaves: the old folder moved aside.
    const retired = stagingPathFor(target, 'old');
    assert.match(retired, /\/\.index\.old-\d+-[0-9a-f]{8}$/);
    await folderWith(retired, 'old index');
    await folderWith(join(dir, '.index.building-1234-abcdef01'), 'new index, never swapped in');

    assert.equal(await restoreInterruptedReplace(target), true);
    assert.equal(await readFile(join(target, 'marker.txt'), 'utf8'), 'old index');
    assert.deepEqual((await readdir(dir)).sort(), ['.index.building-1234-abcdef01', 'index']);
    // Done once: the next call finds the target in place.
    assert.equal(await restoreInterruptedReplace(target), false);
  });

  it('restores a folder retired by another process id', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    await folderWith(join(dir, '.index.old-999999999-0a1b2c3d'), 'old');
    assert.equal(await restoreInterruptedReplace(target), true);
    assert.equal(await readFile(join(target, 'marker.txt'), 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['index']);
  });

  it('returns false and touches nothing when the target exists', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    await folderWith(target, 'current');
    await folderWith(join(dir, '.index.old-4242-deadbeef'), 'retired');
    assert.equal(await restoreInterruptedReplace(target), false);
    assert.deepEqual((await readdir(dir)).sort(), ['.index.old-4242-deadbeef', 'index']);
    assert.equal(await readFile(join(target, 'marker.txt'), 'utf8'), 'current');
    assert.equal(await readFile(join(dir, '.index.old-4242-deadbeef', 'marker.txt'), 'utf8'), 'retired');
  });

  it('returns false when the target is missing and nothing was retired', async () => {
    const dir = await freshDir();
    await folderWith(join(dir, '.other.old-4242-deadbeef'), 'another target');
    await folderWith(join(dir, '.index.building-4242-deadbeef'), 'staging');
    assert.equal(await restoreInterruptedReplace(join(dir, 'index')), false);
    assert.deepEqual((await readdir(dir)).sort(), ['.index.building-4242-deadbeef', '.other.old-4242-deadbeef']);
  });

  it('returns false and touches nothing when several retired folders could be the one', async () => {
    const dir = await freshDir();
    await folderWith(join(dir, '.index.old-1-00000001'), 'one');
    await folderWith(join(dir, '.index.old-2-00000002'), 'two');
    assert.equal(await restoreInterruptedReplace(join(dir, 'index')), false);
    assert.deepEqual((await readdir(dir)).sort(), ['.index.old-1-00000001', '.index.old-2-00000002']);
  });

  it('returns false when the parent folder does not exist', async () => {
    assert.equal(await restoreInterruptedReplace(join(root(), 'no', 'such', 'index')), false);
  });

  it('regression: restores a folder a rebuild was keeping under its own name when the crash came between the renames', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    await folderWith(join(dir, 'index.previous-2026-01-01T00-00-00-000Z'), 'an older kept folder');
    // What the crash leaves: replaceDirectory's note, the old folder under its kept name, no target.
    await folderWith(join(dir, 'index.previous-2026-12-05T06-00-00-000Z'), 'took writes');
    await folderWith(join(dir, '.index.building-1-00000001'), 'new build');
    await writeFile(join(dir, '.index.kept-previous'), 'index.previous-2026-12-05T06-00-00-000Z');

    assert.equal(await restoreInterruptedReplace(target), true);
    assert.equal(await readFile(join(target, 'marker.txt'), 'utf8'), 'took writes');
    assert.deepEqual((await readdir(dir)).sort(), ['.index.building-1-00000001', 'index', 'index.previous-2026-01-01T00-00-00-000Z']);
  });

  it('does not follow a note that names no folder there', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, '.index.kept-previous'), 'index.previous-gone');
    await folderWith(join(dir, 'index.previous-other'), 'another kept folder');
    assert.equal(await restoreInterruptedReplace(join(dir, 'index')), false);
  });

  it('keeps the previous folder and leaves no note after a replace that completed', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    await folderWith(target, 'v1');
    const staged = join(dir, '.index.staged');
    await folderWith(staged, 'v2');
    await replaceDirectory(staged, target, { keepPreviousAs: join(dir, 'index.previous-x') });
    assert.equal(await restoreInterruptedReplace(target), false);
    assert.equal(await readFile(join(target, 'marker.txt'), 'utf8'), 'v2');
    assert.equal(await readFile(join(dir, 'index.previous-x', 'marker.txt'), 'utf8'), 'v1');
    assert.deepEqual((await readdir(dir)).sort(), ['index', 'index.previous-x']);
  });

  it('does nothing after a replaceDirectory that completed', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    await folderWith(target, 'v1');
    const staged = join(dir, '.index.staged');
    await folderWith(staged, 'v2');
    await replaceDirectory(staged, target);
    assert.equal(await restoreInterruptedReplace(target), false);
    assert.equal(await readFile(join(target, 'marker.txt'), 'utf8'), 'v2');
    assert.deepEqual(await readdir(dir), ['index']);
  });
});

describe('collectionModel on a folder missing mid-swap', () => {
  /** A lock file beside `target` naming `pid` of this host, as lockFolder writes it. */
  async function lockedBy(target: string, pid: number): Promise<void> {
    await writeFile(`${target}.lock`, `${JSON.stringify({ pid, host: hostname(), since: new Date().toISOString() })}\n`);
  }
  const configOf = (target: string) => ({ INDEX_DIR: target, BACKEND: 'embedded' }) as Config;

  it("regression: leaves a running server's swap alone (a reader restored the old folder between its two renames, and both failed)", async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    // This test's parent process stands for the server that holds the folder, in the middle of its snapshot's swap.
    const retired = `.index.old-${process.ppid}-deadbeef`;
    await folderWith(join(dir, retired), 'retired by the running server');
    await lockedBy(target, process.ppid);
    await assert.rejects(collectionModel(configOf(target), createLogger('silent')));
    assert.deepEqual((await readdir(dir)).sort(), [retired, 'index.lock']);
  });

  it('regression: leaves the swap of a running ingest alone, which holds no lock (a doctor or a snapshot restored the folder under it, and the ingest failed with an internal error)', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    const retired = `.index.old-${process.ppid}-0a1b2c3d`;
    await folderWith(join(dir, retired), 'retired by a running ingest');
    await assert.rejects(collectionModel(configOf(target), createLogger('silent')), isAppErrorWithCode('index_missing'));
    assert.deepEqual(await readdir(dir), [retired]);
  });

  it('restores the folder a crashed ingest set aside while a server holds the lock (every command waited for the server, and none restored it)', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    await folderWith(join(dir, '.index.old-999999999-deadbeef'), 'retired by an ingest that crashed');
    await lockedBy(target, process.ppid);
    await assert.rejects(collectionModel(configOf(target), createLogger('silent')));
    assert.deepEqual((await readdir(dir)).sort(), ['index', 'index.lock']);
  });

  it('regression: refuses, naming them, when several folders were set aside (a new build removed them all as stale)', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    await folderWith(join(dir, '.index.old-999999998-00000001'), 'one');
    await folderWith(join(dir, '.index.old-999999999-00000002'), 'two');
    await assert.rejects(
      IndexFolderWriter.create(target, getModel('all-MiniLM-L6-v2')),
      isAppErrorWithCode('index_missing', /several folders were set aside beside it.*\.index\.old-999999998-00000001/),
    );
    assert.equal((await readdir(dir)).length, 2);
  });

  it('restores the folder when the process holding its lock is gone', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    await folderWith(join(dir, '.index.old-999999999-deadbeef'), 'retired by a server that crashed');
    await lockedBy(target, 999_999_999);
    // The restored folder holds no index here, so reading its manifest fails after the restore.
    await assert.rejects(collectionModel(configOf(target), createLogger('silent')));
    assert.deepEqual((await readdir(dir)).sort(), ['index', 'index.lock']);
  });
});

describe('a new build where a crash left the index folder set aside mid-swap', () => {
  it('regression: restores the folder instead of removing it as stale staging (ingest and start deleted the index a killed snapshot had set aside)', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    const retired = join(dir, '.index.old-999999999-0a1b2c3d');
    await folderWith(retired, 'the index, set aside by a snapshot killed between its renames');
    await writeFile(join(retired, 'manifest.json'), '{}');
    const builder = await IndexFolderWriter.create(target, getModel('all-MiniLM-L6-v2'));
    await builder.abort();
    assert.equal(await readFile(join(target, 'marker.txt'), 'utf8'), 'the index, set aside by a snapshot killed between its renames');
    assert.deepEqual(await readdir(dir), ['index']);
  });
});
