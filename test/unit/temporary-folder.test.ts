import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeTemporaryFolder } from '../../src/shared/temporary-folder.js';

describe('makeTemporaryFolder', () => {
  it('makes a private folder that remove takes away with what is in it', async () => {
    const folder = makeTemporaryFolder('paper-search-test-');
    await writeFile(join(folder.path, 'papers.jsonl'), '{}\n');
    assert.ok(existsSync(folder.path));
    await folder.remove();
    assert.equal(existsSync(folder.path), false);
  });

  it('regression: with endOnSignal, listens to SIGINT, SIGTERM and SIGHUP only until it is removed (a closed terminal left the folder behind)', async () => {
    const listeners = () => (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => process.listenerCount(signal));
    const before = listeners();
    const folder = makeTemporaryFolder('paper-search-test-', { endOnSignal: true });
    assert.deepEqual(
      listeners(),
      before.map((count) => count + 1),
    );
    await folder.remove();
    assert.deepEqual(listeners(), before);
  });

  it('leaves a signal to a handler of its own when one is there', async () => {
    let handled = 0;
    const ownHandler = () => handled++;
    process.on('SIGTERM', ownHandler);
    const folder = makeTemporaryFolder('paper-search-test-', { endOnSignal: true });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      assert.equal(handled, 1);
      assert.ok(existsSync(folder.path), 'the folder stays for the command that handles the signal');
    } finally {
      await folder.remove();
      process.off('SIGTERM', ownHandler);
    }
  });
});
