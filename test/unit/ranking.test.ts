import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Neighbor } from '../../src/storage/embedded/vector-index.js';
import { roundScore, selectFields, toHits } from '../../src/search/ranking.js';
import type { Paper } from '../../src/papers/paper.js';

const papers: Paper[] = [
  { id: 'c', title: 'Gamma', abstract: 'third', year: 2020, authors: ['A'] },
  { id: 'a', title: 'Alpha', abstract: 'first', doi: '10.1/a' },
  { id: 'b', title: 'Beta', abstract: 'second', categories: ['cs.LG'], arxiv_id: '2401.00001' },
  { id: 'd', title: '', abstract: 'fourth' },
];

function paperOf(label: number): Paper {
  const paper = papers[label];
  if (!paper) throw new Error(`no paper ${label}`);
  return paper;
}

describe('toHits', () => {
  it('returns an empty list for no neighbours', () => {
    assert.deepEqual(toHits([], paperOf), []);
  });

  it('sorts by score, best first', () => {
    const neighbors: Neighbor[] = [
      { label: 0, score: 0.2 },
      { label: 1, score: 0.9 },
      { label: 2, score: 0.5 },
    ];
    assert.deepEqual(
      toHits(neighbors, paperOf).map((hit) => [hit.id, hit.score]),
      [
        ['a', 0.9],
        ['b', 0.5],
        ['c', 0.2],
      ],
    );
  });

  it('breaks score ties by id, whatever the input order', () => {
    const neighbors: Neighbor[] = [
      { label: 0, score: 0.5 },
      { label: 3, score: 0.7 },
      { label: 2, score: 0.5 },
      { label: 1, score: 0.5 },
    ];
    assert.deepEqual(
      toHits(neighbors, paperOf).map((hit) => hit.id),
      ['d', 'a', 'b', 'c'],
    );
    assert.deepEqual(
      toHits([...neighbors].reverse(), paperOf).map((hit) => hit.id),
      ['d', 'a', 'b', 'c'],
    );
  });

  it('orders by the exact score and only rounds for display, so rounding never reorders a list', () => {
    // Regression: ordering by the rounded score could move a paper across a page boundary.
    const neighbors: Neighbor[] = [
      { label: 1, score: 0.8 },
      { label: 2, score: 0.8000001 },
    ];
    const hits = toHits(neighbors, paperOf);
    assert.deepEqual(
      hits.map((hit) => [hit.id, hit.score]),
      [
        ['b', 0.8],
        ['a', 0.8],
      ],
    );
  });

  it('rounds scores to 6 decimals', () => {
    const [hit] = toHits([{ label: 1, score: 0.123456789 }], paperOf);
    assert.equal(hit?.score, 0.123457);
  });

  it('puts id, title and score first, then the stored fields', () => {
    const [hit] = toHits([{ label: 0, score: 0.75 }], paperOf);
    assert.deepEqual(hit, { id: 'c', title: 'Gamma', score: 0.75, abstract: 'third', year: 2020, authors: ['A'] });
    assert.deepEqual(Object.keys(hit!).slice(0, 3), ['id', 'title', 'score']);
  });

  it('carries every optional stored field and adds none that are absent', () => {
    const hits = toHits(
      [
        { label: 2, score: 0.3 },
        { label: 3, score: 0.1 },
      ],
      paperOf,
    );
    assert.deepEqual(hits[0], { id: 'b', title: 'Beta', score: 0.3, abstract: 'second', categories: ['cs.LG'], arxiv_id: '2401.00001' });
    assert.deepEqual(hits[1], { id: 'd', title: '', score: 0.1, abstract: 'fourth' });
  });

  it('does not modify the neighbours or the stored papers', () => {
    const neighbors: Neighbor[] = [
      { label: 0, score: 0.1 },
      { label: 1, score: 0.9 },
    ];
    const neighborsBefore = JSON.stringify(neighbors);
    const papersBefore = JSON.stringify(papers);
    toHits(neighbors, paperOf);
    assert.equal(JSON.stringify(neighbors), neighborsBefore);
    assert.equal(JSON.stringify(papers), papersBefore);
  });

  it('handles negative scores (opposite vectors)', () => {
    assert.deepEqual(
      toHits(
        [
          { label: 0, score: -0.5 },
          { label: 1, score: 0 },
        ],
        paperOf,
      ).map((hit) => [hit.id, hit.score]),
      [
        ['a', 0],
        ['c', -0.5],
      ],
    );
  });
});

describe('roundScore', () => {
  it('rounds to 6 decimals', () => {
    assert.equal(roundScore(0.9999996), 1);
    assert.equal(roundScore(0.1234564), 0.123456);
    assert.equal(roundScore(1), 1);
    assert.equal(roundScore(-0.2500004), -0.25);
  });
});

describe('selectFields', () => {
  const hit = { id: 'p', title: 'T', score: 0.5, abstract: 'A', year: 2020, categories: ['cs.CL'] };
  it('keeps id and score and the chosen fields only', () => {
    assert.deepEqual(selectFields(hit, ['title', 'year']), { id: 'p', score: 0.5, title: 'T', year: 2020 });
  });
  it('leaves out a chosen field the paper does not have', () => {
    assert.deepEqual(selectFields(hit, ['doi']), { id: 'p', score: 0.5 });
  });
  it('returns the whole hit without a choice', () => {
    assert.equal(selectFields(hit, undefined), hit);
  });
});
