import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuseNormalized } from '../../scripts/eval/min-max-fusion.js';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} vs ${expected}`);

describe('fuseNormalized', () => {
  const dense = [
    { id: 'p1', score: 0.9 },
    { id: 'p2', score: 0.7 },
    { id: 'p3', score: 0.5 },
  ];
  const lexical = [
    { id: 'p3', score: 20 },
    { id: 'p4', score: 15 },
    { id: 'p1', score: 10 },
  ];

  it('blends min-max normalized scores with the dense weight, by hand', () => {
    // dense normalized: 1 → 1, 2 → 0.5, 3 → 0; lexical normalized: 3 → 1, 4 → 0.5, 1 → 0.
    const fused = fuseNormalized(dense, lexical, { denseWeight: 0.6 });
    const byId = new Map(fused.map((item) => [item.id, item]));
    close(byId.get('p1')!.score, 0.6 * 1 + 0.4 * 0);
    close(byId.get('p2')!.score, 0.6 * 0.5);
    close(byId.get('p3')!.score, 0.6 * 0 + 0.4 * 1);
    close(byId.get('p4')!.score, 0.4 * 0.5);
    assert.deepEqual(
      fused.map((item) => item.id),
      ['p1', 'p3', 'p2', 'p4'],
    );
  });

  it('records the rank each retriever gave, and none where it did not return the paper', () => {
    const fused = fuseNormalized(dense, lexical, { denseWeight: 0.5 });
    const byId = new Map(fused.map((item) => [item.id, item]));
    assert.deepEqual(byId.get('p1')!.ranks, { dense: 1, lexical: 3 });
    assert.deepEqual(byId.get('p4')!.ranks, { lexical: 2 });
    assert.deepEqual(byId.get('p2')!.ranks, { dense: 2 });
  });

  it('weight 1 keeps the dense order, weight 0 the lexical order', () => {
    assert.deepEqual(
      fuseNormalized(dense, lexical, { denseWeight: 1 })
        .slice(0, 3)
        .map((item) => item.id),
      ['p1', 'p2', 'p3'],
    );
    assert.deepEqual(
      fuseNormalized(dense, lexical, { denseWeight: 0 })
        .slice(0, 3)
        .map((item) => item.id),
      ['p3', 'p4', 'p1'],
    );
  });

  it('handles an empty list and a list of equal scores', () => {
    assert.deepEqual(
      fuseNormalized([], lexical, { denseWeight: 0.5 }).map((item) => item.id),
      ['p3', 'p4', 'p1'],
    );
    const flat = fuseNormalized(
      [
        { id: 'p7', score: 0.3 },
        { id: 'p8', score: 0.3 },
      ],
      [],
      { denseWeight: 0.5 },
    );
    assert.deepEqual(
      flat.map((item) => item.id),
      ['p7', 'p8'],
      'ties by id',
    );
    close(flat[0]!.score, 0.5);
  });
});
