import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layOutSpans, poolSpans } from '../../scripts/eval/csfcube/span-pooling.js';

describe('span pooling', () => {
  // Four tokens of dimension 2: [1,0], [3,0], [0,2], [0,0].
  const hidden = Float32Array.from([1, 0, 3, 0, 0, 2, 0, 0]);

  it("averages each span's tokens into a unit vector", () => {
    const [first, second] = poolSpans(hidden, 2, [
      { start: 0, end: 2 },
      { start: 1, end: 3 },
    ]);
    assert.deepEqual([...first!], [1, 0]);
    // mean of [3,0] and [0,2] = [1.5, 1] → normalized.
    const norm = Math.hypot(1.5, 1);
    assert.ok(Math.abs(second![0]! - 1.5 / norm) < 1e-6 && Math.abs(second![1]! - 1 / norm) < 1e-6);
  });

  it('gives undefined for an empty span or one past the tokens, and cuts a span at the end', () => {
    const pooled = poolSpans(hidden, 2, [
      { start: 2, end: 2 },
      { start: 4, end: 6 },
      { start: 3, end: 9 },
    ]);
    assert.equal(pooled[0], undefined);
    assert.equal(pooled[1], undefined);
    assert.deepEqual([...pooled[2]!], [0, 0]);
  });

  it('lays pieces out one after another after [CLS] and cuts them at the limit', () => {
    assert.deepEqual(layOutSpans([3, 2, 4], 1, 6), [
      { start: 1, end: 4 },
      { start: 4, end: 6 },
      { start: 6, end: 7 },
    ]);
    assert.deepEqual(layOutSpans([2, 2], 1, 1), [
      { start: 1, end: 2 },
      { start: 2, end: 2 },
    ]);
  });
});
