import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callOverheadTokens, lengthBatches } from '../../src/embedding/length-batches.js';

/** Padded tokens plus overhead of a split, the quantity lengthBatches minimizes. */
function costOf(lengths: readonly number[], ends: readonly number[]): number {
  let start = 0;
  let cost = 0;
  for (const end of ends) {
    cost += callOverheadTokens + (end - start) * lengths[end - 1]!;
    start = end;
  }
  return cost;
}

describe('lengthBatches', () => {
  it('regression: gives a title its own model call rather than padding it to its abstract (title and abstract in one call took 3× the abstract alone)', () => {
    assert.deepEqual(lengthBatches([14, 258], 32), [1, 2]);
    // Seven titles and seven abstracts of concurrent requests: the titles in a call of their own.
    assert.equal(lengthBatches([12, 13, 14, 15, 16, 18, 20, 230, 240, 245, 250, 256, 256, 256], 32)[0], 7);
  });

  it('keeps texts of similar length in one call, up to the row limit', () => {
    assert.deepEqual(lengthBatches([100, 101, 102, 103], 32), [4]);
    const equal = lengthBatches(new Array<number>(70).fill(50), 32);
    assert.equal(equal.length, 3, 'as few calls as the row limit allows');
    assert.ok(equal.every((end, i) => end - (equal[i - 1] ?? 0) <= 32));
    assert.equal(equal.at(-1), 70);
    assert.deepEqual(lengthBatches([5, 6, 7], 1), [1, 2, 3]);
    assert.deepEqual(lengthBatches([], 32), []);
  });

  it('finds the cheapest contiguous split', () => {
    const lengths = [3, 9, 9, 20, 31, 40, 64, 64, 90, 128, 180, 200, 256, 256];
    const chosen = costOf(lengths, lengthBatches(lengths, 4));
    // Every split into runs of at most 4, by brute force over the 2^13 cut sets.
    let cheapest = Number.POSITIVE_INFINITY;
    for (let mask = 0; mask < 1 << (lengths.length - 1); mask++) {
      const ends = [...lengths.keys()].filter((i) => i === lengths.length - 1 || (mask >> i) & 1).map((i) => i + 1);
      if (ends.every((end, i) => end - (ends[i - 1] ?? 0) <= 4)) cheapest = Math.min(cheapest, costOf(lengths, ends));
    }
    assert.equal(chosen, cheapest);
  });
});
