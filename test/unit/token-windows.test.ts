import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenWindows } from '../../src/embedding/token-windows.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('tokenWindows', () => {
  it('keeps a text that fits as one window', () => {
    assert.deepEqual(tokenWindows(range(5), 5, 2), [range(5)]);
    assert.deepEqual(tokenWindows([], 5, 2), [[]]);
  });

  it('overlaps windows by size - stride and aligns the last one to the end', () => {
    assert.deepEqual(tokenWindows(range(10), 4, 2), [
      [0, 1, 2, 3],
      [2, 3, 4, 5],
      [4, 5, 6, 7],
      [6, 7, 8, 9],
    ]);
    assert.deepEqual(tokenWindows(range(7), 4, 4), [
      [0, 1, 2, 3],
      [3, 4, 5, 6],
    ]);
  });

  it('covers every token, and every window is full-size', () => {
    for (const [length, size, stride] of [
      [300, 254, 127],
      [1000, 254, 200],
      [255, 254, 1],
    ] as const) {
      const windows = tokenWindows(range(length), size, stride);
      assert.deepEqual(new Set(windows.flat()), new Set(range(length)));
      assert.ok(windows.every((window) => window.length === size));
    }
  });

  it('rejects a non-positive size or stride', () => {
    assert.throws(() => tokenWindows(range(3), 0, 1), RangeError);
    assert.throws(() => tokenWindows(range(3), 2, 0), RangeError);
  });
});
