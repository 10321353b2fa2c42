import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dot, normalize, unitCentroid } from '../../src/shared/vector-math.js';

function assertClose(actual: Float32Array, expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((value, d) => assert.ok(Math.abs(actual[d]! - value) < 1e-6, `dimension ${d}: ${actual[d]} vs ${value}`));
}

describe('dot', () => {
  it('is the inner product', () => {
    assert.equal(dot(Float32Array.from([1, 2, 3]), Float32Array.from([4, -5, 6])), 12);
  });
});

describe('normalize', () => {
  it('scales a vector to unit length in place and returns the same array', () => {
    const vector = Float32Array.from([3, 4]);
    const result = normalize(vector);
    assert.equal(result, vector);
    assertClose(vector, [0.6, 0.8]);
  });

  it('leaves a zero vector zero', () => {
    assert.deepEqual(Array.from(normalize(new Float32Array(3))), [0, 0, 0]);
  });
});

describe('unitCentroid', () => {
  it('averages and renormalizes', () => {
    assertClose(unitCentroid([new Float32Array([1, 0]), new Float32Array([0, 1])]), [Math.SQRT1_2, Math.SQRT1_2]);
  });

  it('returns a single unit vector unchanged', () => {
    assertClose(unitCentroid([new Float32Array([0.6, 0.8])]), [0.6, 0.8]);
  });

  it('is empty for no vectors', () => {
    assert.equal(unitCentroid([]).length, 0);
  });
});
