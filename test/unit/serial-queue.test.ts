import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { SerialQueue } from '../../src/shared/serial-queue.js';

describe('SerialQueue', () => {
  it('starts each task once the one before it has settled, failed ones included', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    const first = queue.run(async () => {
      events.push('first starts');
      await setImmediate();
      events.push('first fails');
      throw new Error('first');
    });
    const second = queue.run(async () => {
      events.push('second starts');
      return 2;
    });
    await assert.rejects(first, /first/);
    assert.equal(await second, 2);
    assert.deepEqual(events, ['first starts', 'first fails', 'second starts']);
  });

  it('is idle once every task queued so far has settled, and idle never rejects', async () => {
    const queue = new SerialQueue();
    let settled = false;
    const failing = queue.run(async () => {
      await setImmediate();
      settled = true;
      throw new Error('failed');
    });
    failing.catch(() => undefined);
    await queue.idle();
    assert.equal(settled, true);
  });
});
