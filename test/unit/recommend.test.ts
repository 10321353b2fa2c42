import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { negativeWeight, recommendationVector } from '../../src/search/recommend.js';

const close = (actual: ArrayLike<number>, expected: readonly number[]) =>
  expected.forEach((value, i) => assert.ok(Math.abs(actual[i]! - value) < 1e-6, `${Array.from(actual)} vs ${expected}`));

describe('recommendationVector', () => {
  it('is a single positive itself', () => {
    close(recommendationVector([new Float32Array([0.6, 0.8])], []), [0.6, 0.8]);
  });

  it('is the unit centroid of several positives', () => {
    close(recommendationVector([new Float32Array([1, 0]), new Float32Array([0, 1])], []), [Math.SQRT1_2, Math.SQRT1_2]);
  });

  it('weighs a query as much as the positives together, and stands for them when there are none', () => {
    close(recommendationVector([new Float32Array([1, 0]), new Float32Array([1, 0])], [], new Float32Array([0, 3])), [Math.SQRT1_2, Math.SQRT1_2]);
    close(recommendationVector([], [], new Float32Array([0, 2])), [0, 1]);
    const expected = [-negativeWeight, 1].map((value) => value / Math.hypot(1, negativeWeight));
    close(recommendationVector([], [new Float32Array([1, 0])], new Float32Array([0, 1])), expected);
  });

  it('moves away from the negatives, by hand', () => {
    // (1, 0) - 0.5 · (0, 1) = (1, -0.5), normalized.
    const expected = [1, -negativeWeight].map((value) => value / Math.hypot(1, negativeWeight));
    close(recommendationVector([new Float32Array([1, 0])], [new Float32Array([0, 1])]), expected);
  });

  it('returns a unit vector', () => {
    const vector = recommendationVector([new Float32Array([3, 4, 0]), new Float32Array([0, 1, 0])], [new Float32Array([0, 0, 1])]);
    assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-6);
  });
});
