import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HitsResponse } from '../../web/src/api.js';
import { mergedFacets } from '../../web/src/facets.js';

const answer = (authors: Record<string, number>): HitsResponse => ({ hits: [], facet_distribution: { authors } }) as unknown as HitsResponse;

describe('the search page facet counts', () => {
  it('regression: count a checked author the disjunctive search does not list by the list itself (it showed no number)', () => {
    const own = answer({ 'Shinji Watanabe': 2, 'Co Author': 1 });
    const disjunctive = [{ name: 'authors' as const, answer: answer({ 'Frequent Author': 40 }) }];
    const { distribution } = mergedFacets(own, disjunctive, { categories: [], authors: ['Shinji Watanabe'] });
    assert.deepEqual(distribution?.authors, { 'Frequent Author': 40, 'Shinji Watanabe': 2 });
  });

  it('keeps the disjunctive count of a checked author it lists', () => {
    const own = answer({ 'Frequent Author': 12 });
    const disjunctive = [{ name: 'authors' as const, answer: answer({ 'Frequent Author': 40 }) }];
    assert.deepEqual(mergedFacets(own, disjunctive, { categories: [], authors: ['Frequent Author'] }).distribution?.authors, { 'Frequent Author': 40 });
  });
});
