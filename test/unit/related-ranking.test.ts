import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankRelated, relatedScore, sentenceWeights, type PaperViews, type RelatedWeights } from '../../src/search/related/related-ranking.js';

const unit = (...values: number[]) => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (value) => value / norm);
};
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} vs ${expected}`);

const [x, y, z] = [unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)];
const weights: RelatedWeights = { title: 0.5, sentences: 0.5, otherRoles: 0.25 };

describe('related ranking', () => {
  // The query's background sentence is about x, its method sentence about y.
  const query: PaperViews = { vector: x, title: x, sentences: [x, y], roles: ['background', 'method'] };
  // Same topic, other method: shares the background sentence only.
  const sameTopic: PaperViews = { vector: x, title: z, sentences: [x, z], roles: ['background', 'method'] };
  // Other topic, same method: shares the method sentence only.
  const sameMethod: PaperViews = { vector: unit(1, 1, 0), title: z, sentences: [z, y], roles: ['background', 'method'] };

  it('adds the weighted title cosine and sentence match to the paper cosine', () => {
    // 1 (paper) + 0.5 · 0 (titles) + 0.5 · mean(1, 0) (sentences).
    close(relatedScore(query, sameTopic, undefined, weights), 1.25);
  });

  it('with the method facet, lets the paper that solves it the same way overtake the one on the same topic', () => {
    const candidates = [
      { label: 1, views: sameTopic },
      { label: 2, views: sameMethod },
    ];
    assert.deepEqual(rankRelated(query, candidates, undefined, weights).map((item) => item.label), [1, 2]);
    // Method weights: background 0.25, method 1.
    // sameTopic: 1 + 0.5 · (0.25 · 1 + 1 · 0) / 1.25 = 1.1; sameMethod: 0.7071 + 0.5 · (0.25 · 0 + 1 · 1) / 1.25 = 1.1071.
    assert.deepEqual(rankRelated(query, candidates, 'method', { ...weights, sentences: 0.5 }).map((item) => item.label), [2, 1]);
  });

  it('weighs all query sentences alike without a facet, or when no sentence plays the facet\'s role', () => {
    assert.deepEqual(sentenceWeights(query, undefined, weights), [1, 1]);
    assert.deepEqual(sentenceWeights(query, 'result', weights), [1, 1]);
    assert.deepEqual(sentenceWeights(query, 'method', weights), [0.25, 1]);
  });

  it('ignores roles past the sentences that have vectors, and titles that are missing', () => {
    const cut: PaperViews = { vector: x, title: undefined, sentences: [x], roles: ['background', 'method', 'result'] };
    assert.deepEqual(sentenceWeights(cut, 'method', weights), [1]);
    close(relatedScore(cut, sameTopic, 'method', weights), 1 + 0.5 * 1);
  });

  it('breaks ties by label', () => {
    const candidates = [
      { label: 7, views: sameTopic },
      { label: 3, views: sameTopic },
    ];
    assert.deepEqual(rankRelated(query, candidates, undefined, weights).map((item) => item.label), [3, 7]);
  });
});
