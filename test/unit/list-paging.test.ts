import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidateDepth, firstByScoreThenId } from '../../src/search/list-paging.js';
import type { ScoredId } from '../../src/storage/paper-storage.js';

describe('firstByScoreThenId', () => {
  it('asks deeper while the paper after the last one asked for ties with it, and keeps the ties that sort first by id', async () => {
    // A retriever that breaks its ties in reverse id order: z, y, x, ... all score 1, then b scores 0.5.
    const tied = Array.from({ length: 26 }, (_, i) => ({ id: String.fromCharCode(122 - i), score: 1 }));
    const asked: number[] = [];
    const retrieve = async (k: number): Promise<ScoredId[]> => {
      asked.push(k);
      return [...tied, { id: 'zz', score: 0.5 }].slice(0, k);
    };
    const first = await firstByScoreThenId(2, retrieve);
    assert.deepEqual(
      first.map((hit) => hit.id),
      ['a', 'b'],
    );
    assert.deepEqual(asked, [3, 6, 12, 24, 48]);
  });

  it('asks once when the list ends before the page or no tie crosses its end', async () => {
    const asked: number[] = [];
    const list = [
      { id: 'a', score: 0.9 },
      { id: 'b', score: 0.8 },
      { id: 'c', score: 0.7 },
    ];
    const first = await firstByScoreThenId(2, async (k) => {
      asked.push(k);
      return list.slice(0, k);
    });
    assert.deepEqual(
      first.map((hit) => hit.id),
      ['a', 'b'],
    );
    assert.deepEqual(asked, [3]);
  });
});

describe('candidateDepth', () => {
  it('is the end of the page, or the facets’ candidates when deeper', () => {
    assert.equal(candidateDepth({ k: 10, offset: 20 }), 30);
    assert.equal(candidateDepth({ k: 10, facets: ['year'] }), 100);
    assert.equal(candidateDepth({ k: 50, offset: 100, facets: ['year'] }), 150);
  });
});
