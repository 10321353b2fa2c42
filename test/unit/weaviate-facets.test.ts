import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countFacets } from '../../src/storage/weaviate/weaviate-facets.js';

describe('countFacets (Weaviate backend, a ranked list’s candidates)', () => {
  const papers = [
    { year: 2021, categories: ['cs.CL', 'cs.LG'], authors: ['Ada  Lovelace', 'Alan Turing'] },
    { year: 2021, categories: ['cs.LG', 'cs.LG'], authors: ['ada lovelace'] },
    { year: 2019, categories: ['cs.CL'] },
    { authors: ['Grace Hopper'] },
  ];

  it('counts each paper once per value, authors by normalized name shown as first written', () => {
    assert.deepEqual(countFacets(papers, ['year', 'categories', 'authors'], 100), {
      distribution: {
        year: { '2019': 1, '2021': 2 },
        categories: { 'cs.CL': 2, 'cs.LG': 2 },
        authors: { 'Ada Lovelace': 2, 'Alan Turing': 1, 'Grace Hopper': 1 },
      },
      stats: { year: { min: 2019, max: 2021 } },
      papers: 4,
    });
  });

  it('keeps the most frequent values, ties by value, and reports year bounds only with the year facet', () => {
    const counted = countFacets(papers, ['authors'], 2);
    assert.deepEqual(Object.entries(counted.distribution.authors!), [
      ['Ada Lovelace', 2],
      ['Alan Turing', 1],
    ]);
    assert.deepEqual(counted.stats, {});
  });

  it('answers zero papers with empty distributions', () => {
    assert.deepEqual(countFacets([], ['year', 'categories'], 10), { distribution: { year: {}, categories: {} }, stats: {}, papers: 0 });
  });
});
