import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poolAndNormalize, type TokenEmbeddings } from '../../src/embedding/pooling.js';

const tolerance = 1e-6;

function assertClose(actual: ArrayLike<number>, expected: readonly number[], message?: string): void {
  assert.equal(actual.length, expected.length, message);
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs((actual[i] ?? Number.NaN) - (expected[i] ?? Number.NaN));
    assert.ok(difference <= tolerance, `${message ?? 'vector'}[${i}]: ${actual[i]} is not close to ${expected[i]}`);
  }
}

function unit(values: readonly number[]): number[] {
  const norm = Math.hypot(...values);
  return values.map((value) => value / norm);
}

function lengthOf(vector: Float32Array): number {
  return Math.hypot(...vector);
}

/** batch 2, 3 tokens, dimension 2; the padded positions hold huge values that must not leak into a mean. */
function sampleBatch(attentionMask: ArrayLike<number | bigint>): TokenEmbeddings {
  return {
    // row 0: tokens (1,2) (3,4) [pad (1000,-1000)]
    // row 1: tokens (2,0) [pad (500,500)] [pad (-700,9)]
    data: Float32Array.from([1, 2, 3, 4, 1000, -1000, 2, 0, 500, 500, -700, 9]),
    batch: 2,
    tokens: 3,
    dimension: 2,
    attentionMask,
  };
}

describe('poolAndNormalize', () => {
  it('mean pooling averages only the unpadded tokens of each row', () => {
    const vectors = poolAndNormalize(sampleBatch([1, 1, 0, 1, 0, 0]), 'mean');
    assert.equal(vectors.length, 2);
    assertClose(vectors[0]!, unit([2, 3]), 'row 0');
    assertClose(vectors[1]!, unit([2, 0]), 'row 1');
  });

  it('mean pooling with no padding averages every token', () => {
    const embeddings: TokenEmbeddings = {
      data: Float32Array.from([1, 0, 0, 1, 1, 1]),
      batch: 1,
      tokens: 3,
      dimension: 2,
      attentionMask: [1, 1, 1],
    };
    const [vector] = poolAndNormalize(embeddings, 'mean');
    assertClose(vector!, unit([2 / 3, 2 / 3]));
  });

  it('accepts a BigInt64Array attention mask (as ONNX int64 tensors are)', () => {
    const fromNumbers = poolAndNormalize(sampleBatch([1, 1, 0, 1, 0, 0]), 'mean');
    const fromBigInts = poolAndNormalize(sampleBatch(BigInt64Array.from([1n, 1n, 0n, 1n, 0n, 0n])), 'mean');
    assert.equal(fromBigInts.length, 2);
    assertClose(fromBigInts[0]!, Array.from(fromNumbers[0]!), 'row 0');
    assertClose(fromBigInts[1]!, Array.from(fromNumbers[1]!), 'row 1');
  });

  it('cls pooling takes the first token of each row, whatever the mask', () => {
    const vectors = poolAndNormalize(sampleBatch([1, 1, 0, 1, 0, 0]), 'cls');
    assert.equal(vectors.length, 2);
    assertClose(vectors[0]!, unit([1, 2]), 'row 0');
    assertClose(vectors[1]!, [1, 0], 'row 1');
  });

  it('returns unit-length vectors for both poolings', () => {
    for (const pooling of ['mean', 'cls'] as const) {
      for (const vector of poolAndNormalize(sampleBatch([1, 1, 0, 1, 0, 0]), pooling)) {
        assert.ok(Math.abs(lengthOf(vector) - 1) <= tolerance, `${pooling}: length ${lengthOf(vector)}`);
      }
    }
  });

  it('returns one Float32Array of the model dimension per row', () => {
    const vectors = poolAndNormalize(sampleBatch([1, 1, 1, 1, 1, 1]), 'mean');
    for (const vector of vectors) {
      assert.ok(vector instanceof Float32Array);
      assert.equal(vector.length, 2);
    }
  });

  it('keeps a zero vector zero (no NaN) for both poolings', () => {
    const embeddings: TokenEmbeddings = { data: new Float32Array(6), batch: 1, tokens: 3, dimension: 2, attentionMask: [1, 1, 0] };
    for (const pooling of ['mean', 'cls'] as const) {
      const [vector] = poolAndNormalize(embeddings, pooling);
      assert.deepEqual(Array.from(vector!), [0, 0], pooling);
    }
  });

  it('gives a zero vector (not NaN) for a row whose tokens are all padding', () => {
    const [vector] = poolAndNormalize({ data: Float32Array.from([5, 6, 7, 8]), batch: 1, tokens: 2, dimension: 2, attentionMask: [0, 0] }, 'mean');
    assert.deepEqual(Array.from(vector!), [0, 0]);
  });

  it('does not modify the token embeddings it was given', () => {
    const embeddings = sampleBatch([1, 1, 0, 1, 0, 0]);
    const before = Array.from(embeddings.data);
    poolAndNormalize(embeddings, 'mean');
    poolAndNormalize(embeddings, 'cls');
    assert.deepEqual(Array.from(embeddings.data), before);
  });

  it('returns no vectors for an empty batch', () => {
    assert.deepEqual(poolAndNormalize({ data: new Float32Array(0), batch: 0, tokens: 4, dimension: 3, attentionMask: [] }, 'mean'), []);
  });
});
