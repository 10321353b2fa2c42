import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectionLimit, openFileLimit } from '../../src/http/connection-limit.js';

describe('the connection limit', () => {
  it('is MAX_CONNECTIONS when set, else the open-file limit less what the service keeps for itself', () => {
    assert.equal(connectionLimit(50, 20_000), 50);
    assert.equal(connectionLimit(undefined, 20_000), 19_744);
    assert.equal(connectionLimit(undefined, 256), 64);
    assert.equal(connectionLimit(undefined, undefined), 10_000);
  });

  it("reads the soft open-file limit from Linux's limits file, and none when it is unlimited or unreadable", async () => {
    const folder = await mkdtemp(join(tmpdir(), 'paper-search-limits-'));
    try {
      const file = join(folder, 'limits');
      const header = 'Limit                     Soft Limit           Hard Limit           Units     \n';
      await writeFile(
        file,
        `${header}Max processes             95344                95344                processes \nMax open files            20000                1048576              files     \n`,
      );
      assert.equal(openFileLimit(file), 20_000);
      await writeFile(file, `${header}Max open files            unlimited            unlimited            files     \n`);
      assert.equal(openFileLimit(file), undefined);
      assert.equal(openFileLimit(join(folder, 'missing')), undefined);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
