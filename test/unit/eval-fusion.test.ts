import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuseReciprocalRank } from '../../scripts/eval/reciprocal-rank.js';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} vs ${expected}`);

describe('fuseReciprocalRank (the evaluation baseline)', () => {
  it('sums 1 / (c + rank), by hand', () => {
    const fused = fuseReciprocalRank(
      [
        { id: 'p1', score: 0.9 },
        { id: 'p2', score: 0.8 },
      ],
      [{ id: 'p2', score: 5 }],
      60,
    );
    close(fused[0]!.score, 1 / 62 + 1 / 61);
    assert.equal(fused[0]!.id, 'p2');
    assert.deepEqual(fused[0]!.ranks, { dense: 2, lexical: 1 });
    close(fused[1]!.score, 1 / 61);
  });
});
