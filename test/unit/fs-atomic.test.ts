import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fsyncPath, removeStaleStaging, replaceDirectory, sha256OfFile, stagingPathFor, writeFileAtomic } from '../../src/shared/fs-atomic.js';
import { temporaryRoot } from './support.js';

let counter = 0;
const root = temporaryRoot('paper-search-fs-');

async function freshDir(): Promise<string> {
  const dir = join(root(), `case-${counter++}`);
  await mkdir(dir);
  return dir;
}

describe('stagingPathFor', () => {
  it('is a hidden sibling of the target, tagged, and unique per call', () => {
    const target = join(root(), 'some', 'index');
    const first = stagingPathFor(target, 'building');
    const second = stagingPathFor(target, 'building');
    assert.equal(dirname(first), dirname(target));
    assert.ok(basename(first).startsWith('.index.building-'), first);
    assert.notEqual(first, second);
    assert.ok(basename(stagingPathFor(target)).startsWith('.index.tmp-'));
  });
});

describe('writeFileAtomic', () => {
  it('writes a new file, creating missing parent folders', async () => {
    const dir = await freshDir();
    const path = join(dir, 'nested', 'deeper', 'file.txt');
    await writeFileAtomic(path, 'hello');
    assert.equal(await readFile(path, 'utf8'), 'hello');
  });

  it('replaces the content of an existing file', async () => {
    const dir = await freshDir();
    const path = join(dir, 'file.txt');
    await writeFile(path, 'old content that is longer than the new one');
    await writeFileAtomic(path, 'new');
    assert.equal(await readFile(path, 'utf8'), 'new');
  });

  it('writes binary data exactly', async () => {
    const dir = await freshDir();
    const path = join(dir, 'file.bin');
    const bytes = Uint8Array.from([0, 255, 1, 254, 10, 13]);
    await writeFileAtomic(path, bytes);
    assert.deepEqual(new Uint8Array(await readFile(path)), bytes);
  });

  it('leaves no temporary files behind', async () => {
    const dir = await freshDir();
    const path = join(dir, 'file.txt');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    await writeFileAtomic(path, 'three');
    assert.deepEqual(await readdir(dir), ['file.txt']);
  });

  it('fails, leaving the folder unchanged, when the target is a folder', async () => {
    const dir = await freshDir();
    const path = join(dir, 'occupied');
    await mkdir(path);
    await writeFile(join(path, 'inner.txt'), 'keep');
    await assert.rejects(writeFileAtomic(path, 'data'));
    assert.deepEqual(await readdir(dir), ['occupied']);
    assert.equal(await readFile(join(path, 'inner.txt'), 'utf8'), 'keep');
  });
});

describe('replaceDirectory', () => {
  it('swaps the staged folder into place: old content gone, new content present', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    const staged = join(dir, '.index.staged');
    await mkdir(target);
    await writeFile(join(target, 'old.txt'), 'old');
    await writeFile(join(target, 'shared.txt'), 'old shared');
    await mkdir(staged);
    await writeFile(join(staged, 'new.txt'), 'new');
    await writeFile(join(staged, 'shared.txt'), 'new shared');

    await replaceDirectory(staged, target);

    assert.deepEqual((await readdir(target)).sort(), ['new.txt', 'shared.txt']);
    assert.equal(await readFile(join(target, 'new.txt'), 'utf8'), 'new');
    assert.equal(await readFile(join(target, 'shared.txt'), 'utf8'), 'new shared');
    assert.deepEqual(await readdir(dir), ['index'], 'neither the staged nor the retired folder is left behind');
  });

  it('puts the old folder back and replaces nothing when confirmReplaced refuses it', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    const staged = join(dir, '.index.staged');
    await mkdir(target);
    await writeFile(join(target, 'build.txt'), 'another build');
    await mkdir(staged);
    await writeFile(join(staged, 'build.txt'), 'snapshot');
    const shown: string[] = [];
    const confirmReplaced = async (folder: string) => {
      shown.push(await readFile(join(folder, 'build.txt'), 'utf8'));
      throw new Error('not the build the snapshot was taken of');
    };

    await assert.rejects(replaceDirectory(staged, target, { confirmReplaced }), /not the build/);

    assert.deepEqual(shown, ['another build']);
    assert.equal(await readFile(join(target, 'build.txt'), 'utf8'), 'another build');
    assert.equal(await readFile(join(staged, 'build.txt'), 'utf8'), 'snapshot');
  });

  it('works when the target does not exist yet', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    const staged = join(dir, '.index.staged');
    await mkdir(staged);
    await writeFile(join(staged, 'a.txt'), 'a');

    await replaceDirectory(staged, target);

    assert.deepEqual(await readdir(target), ['a.txt']);
    assert.deepEqual(await readdir(dir), ['index']);
  });

  it('replaces an old folder holding subfolders', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    const staged = join(dir, 'staged');
    await mkdir(join(target, 'sub', 'deeper'), { recursive: true });
    await writeFile(join(target, 'sub', 'deeper', 'x.txt'), 'x');
    await mkdir(staged);

    await replaceDirectory(staged, target);

    assert.deepEqual(await readdir(target), []);
    assert.deepEqual(await readdir(dir), ['index']);
  });

  it('fails without touching the target when the staged folder is missing', async () => {
    const dir = await freshDir();
    const target = join(dir, 'index');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'keep');
    await assert.rejects(replaceDirectory(join(dir, 'missing'), target));
    assert.equal(await readFile(join(target, 'keep.txt'), 'utf8'), 'keep');
    assert.deepEqual(await readdir(dir), ['index']);
  });
});

describe('sha256OfFile', () => {
  it('hashes a known string', async () => {
    const dir = await freshDir();
    const path = join(dir, 'abc.txt');
    await writeFile(path, 'abc');
    assert.equal(await sha256OfFile(path), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes an empty file', async () => {
    const dir = await freshDir();
    const path = join(dir, 'empty');
    await writeFile(path, '');
    assert.equal(await sha256OfFile(path), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes a file larger than one read chunk like the same bytes in one piece', async () => {
    const dir = await freshDir();
    const path = join(dir, 'large');
    // 'a' repeated one million times: a standard SHA-256 test vector.
    await writeFile(path, 'a'.repeat(1_000_000));
    assert.equal(await sha256OfFile(path), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('rejects for a missing file', async () => {
    await assert.rejects(sha256OfFile(join(root(), 'no-such-file')), { code: 'ENOENT' });
  });
});

describe('fsyncPath', () => {
  it('succeeds on an existing file without changing it', async () => {
    const dir = await freshDir();
    const path = join(dir, 'f');
    await writeFile(path, 'data');
    await fsyncPath(path);
    assert.equal(await readFile(path, 'utf8'), 'data');
  });
});

describe('removeStaleStaging', () => {
  it('removes staging folders of processes that are gone, and keeps those of live ones', async () => {
    const parent = join(root(), `stale-${Date.now()}`);
    const target = join(parent, 'index');
    await mkdir(parent, { recursive: true });
    const dead = join(parent, '.index.building-999999999-abcd1234');
    const alive = join(parent, `.index.building-${process.pid}-abcd1234`);
    const otherTarget = join(parent, '.other.building-999999999-abcd1234');
    for (const folder of [dead, alive, otherTarget]) await mkdir(folder);
    assert.deepEqual(await removeStaleStaging(target, 'building'), ['.index.building-999999999-abcd1234']);
    assert.deepEqual((await readdir(parent)).sort(), ['.index.building-' + process.pid + '-abcd1234', '.other.building-999999999-abcd1234'].sort());
  });

  it('does nothing when the parent folder does not exist', async () => {
    assert.deepEqual(await removeStaleStaging(join(root(), 'no', 'such', 'index'), 'building'), []);
  });
});
