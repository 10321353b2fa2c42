import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, ndcgAt, overlapAt, recallAt, reciprocalRankAt } from '../../scripts/eval/metrics.js';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} vs ${expected}`);

describe('retrieval metrics, checked by hand', () => {
  // Judged: a (rel 2), b (rel 1), c (rel 1); ranking: x, a, y, c, z. b is never retrieved.
  const judgments = new Map([
    ['a', 2],
    ['b', 1],
    ['c', 1],
    ['n', 0],
  ]);
  const ranked = ['x', 'a', 'y', 'c', 'z'];

  it('nDCG@5 with linear gains', () => {
    // DCG = 2/log2(3) + 1/log2(5) = 1.261860 + 0.430677 = 1.692537
    // IDCG = 2/log2(2) + 1/log2(3) + 1/log2(4) = 2 + 0.630930 + 0.5 = 3.130930
    close(ndcgAt(ranked, judgments, 5), (2 / Math.log2(3) + 1 / Math.log2(5)) / (2 + 1 / Math.log2(3) + 1 / Math.log2(4)));
    assert.ok(Math.abs(ndcgAt(ranked, judgments, 5) - 0.540586) < 1e-6);
  });

  it('nDCG cut at 2 sees only a', () => {
    close(ndcgAt(ranked, judgments, 2), 2 / Math.log2(3) / (2 + 1 / Math.log2(3)));
  });

  it('recall counts rel > 0 only', () => {
    close(recallAt(ranked, judgments, 5), 2 / 3);
    close(recallAt(ranked, judgments, 2), 1 / 3);
    close(recallAt(ranked, judgments, 1), 0);
  });

  it('reciprocal rank of the first relevant document within the cutoff', () => {
    close(reciprocalRankAt(ranked, judgments, 10), 1 / 2);
    close(reciprocalRankAt(ranked, judgments, 1), 0);
  });

  it('a query with no relevant judgment scores 0', () => {
    close(ndcgAt(ranked, new Map([['x', 0]]), 10), 0);
    close(recallAt(ranked, new Map(), 10), 0);
  });

  it('overlap of approximate with exact neighbours', () => {
    close(overlapAt([1, 2, 3, 9], [1, 2, 3, 4], 4), 3 / 4);
    close(overlapAt([], [], 10), 1);
  });

  it('median of odd and even counts', () => {
    close(median([3, 1, 2]), 2);
    close(median([4, 1, 2, 3]), 2.5);
  });
});
