import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuseNormalized, fuseReciprocalRank } from '../../src/search/fusion.js';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} vs ${expected}`);

describe('fuseNormalized', () => {
  const dense = [
    { label: 1, score: 0.9 },
    { label: 2, score: 0.7 },
    { label: 3, score: 0.5 },
  ];
  const lexical = [
    { label: 3, score: 20 },
    { label: 4, score: 15 },
    { label: 1, score: 10 },
  ];

  it('blends min-max normalized scores with the dense weight, by hand', () => {
    // dense normalized: 1 → 1, 2 → 0.5, 3 → 0; lexical normalized: 3 → 1, 4 → 0.5, 1 → 0.
    const fused = fuseNormalized(dense, lexical, { denseWeight: 0.6 });
    const byLabel = new Map(fused.map((item) => [item.label, item]));
    close(byLabel.get(1)!.score, 0.6 * 1 + 0.4 * 0);
    close(byLabel.get(2)!.score, 0.6 * 0.5);
    close(byLabel.get(3)!.score, 0.6 * 0 + 0.4 * 1);
    close(byLabel.get(4)!.score, 0.4 * 0.5);
    assert.deepEqual(
      fused.map((item) => item.label),
      [1, 3, 2, 4],
    );
  });

  it('records the rank each retriever gave, and none where it did not return the paper', () => {
    const fused = fuseNormalized(dense, lexical, { denseWeight: 0.5 });
    const byLabel = new Map(fused.map((item) => [item.label, item]));
    assert.deepEqual(byLabel.get(1)!.ranks, { dense: 1, lexical: 3 });
    assert.deepEqual(byLabel.get(4)!.ranks, { lexical: 2 });
    assert.deepEqual(byLabel.get(2)!.ranks, { dense: 2 });
  });

  it('weight 1 keeps the dense order, weight 0 the lexical order', () => {
    assert.deepEqual(
      fuseNormalized(dense, lexical, { denseWeight: 1 })
        .slice(0, 3)
        .map((item) => item.label),
      [1, 2, 3],
    );
    assert.deepEqual(
      fuseNormalized(dense, lexical, { denseWeight: 0 })
        .slice(0, 3)
        .map((item) => item.label),
      [3, 4, 1],
    );
  });

  it('handles an empty list and a list of equal scores', () => {
    assert.deepEqual(
      fuseNormalized([], lexical, { denseWeight: 0.5 }).map((item) => item.label),
      [3, 4, 1],
    );
    const flat = fuseNormalized(
      [
        { label: 7, score: 0.3 },
        { label: 8, score: 0.3 },
      ],
      [],
      { denseWeight: 0.5 },
    );
    assert.deepEqual(
      flat.map((item) => item.label),
      [7, 8],
      'ties by label',
    );
    close(flat[0]!.score, 0.5);
  });
});

describe('fuseReciprocalRank', () => {
  it('sums 1 / (c + rank), by hand', () => {
    const fused = fuseReciprocalRank(
      [
        { label: 1, score: 0.9 },
        { label: 2, score: 0.8 },
      ],
      [{ label: 2, score: 5 }],
      60,
    );
    close(fused[0]!.score, 1 / 62 + 1 / 61);
    assert.equal(fused[0]!.label, 2);
    close(fused[1]!.score, 1 / 61);
  });
});
