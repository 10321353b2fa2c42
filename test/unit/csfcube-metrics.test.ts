import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderPool, scoreQuery } from '../../scripts/eval/csfcube/csfcube-metrics.js';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} vs ${expected}`);

describe('CSFCube pool re-ranking metrics (port of evaluate.py)', () => {
  it('orders the pool by the run and puts unranked candidates last, by id', () => {
    assert.deepEqual(orderPool(['d', 'a', 'c', 'b'], ['x', 'c', 'y', 'b']), ['c', 'b', 'a', 'd']);
  });

  it('counts grade 2 and 3 as relevant for MAP', () => {
    // Ordered grades: 3, 0, 1, 2 → relevant at 1 and 4: AP = (1/1 + 2/4) / 2.
    const judgments = new Map([
      ['a', 3],
      ['b', 0],
      ['c', 1],
      ['d', 2],
    ]);
    close(scoreQuery(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'], judgments).map, 0.75);
  });

  it('cuts NDCG at 20% of the pool and leaves the first two positions undiscounted, as evaluate.py does', () => {
    // Ten judged candidates → cutoff 2. Run order gives grades 1, 3; the ideal is 3, 2.
    // evaluate.py: DCG = r1 + r2 / log2(2) = 1 + 3 = 4; ideal = 3 + 2 = 5.
    const ids = 'abcdefghij'.split('');
    const grades = [1, 3, 2, 0, 0, 0, 0, 0, 0, 0];
    const judgments = new Map(ids.map((id, i) => [id, grades[i]!]));
    close(scoreQuery(ids, ids, judgments).ndcg20, 4 / 5);
  });

  it('scores 0 when nothing is relevant, and ignores pool candidates without a judgment', () => {
    const judgments = new Map([
      ['a', 1],
      ['b', 0],
    ]);
    assert.deepEqual(scoreQuery(['a', 'b', 'unjudged'], ['unjudged', 'a'], judgments), { map: 0, ndcg20: 0 });
  });
});
