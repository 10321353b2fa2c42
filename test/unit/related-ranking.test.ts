import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankRelated, relatedScore, type RelatedViews, type RelatedWeights } from '../../src/search/related/related-ranking.js';
import { facetPassage } from '../../src/search/related/sentence-roles.js';
import { TitleVectors } from '../../src/search/related/title-vectors.js';

const unit = (...values: number[]) => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (value) => value / norm);
};
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} vs ${expected}`);

const [x, y, z] = [unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)];
const weights: RelatedWeights = { title: 0.5, facet: 0.5 };

describe('relatedScore', () => {
  const query: RelatedViews = { vector: x, title: x };

  it('is the weighted mean of the paper and title cosines', () => {
    // (1 · cos(x, x·y mix) + 0.5 · cos(x, z)) / 1.5
    const candidate: RelatedViews = { vector: unit(1, 1, 0), title: z };
    close(relatedScore(query, candidate, undefined, weights), Math.SQRT1_2 / 1.5);
  });

  it('is the plain cosine when either paper has no title, and stays on the cosine scale', () => {
    close(relatedScore(query, { vector: unit(1, 1, 0), title: undefined }, undefined, weights), Math.SQRT1_2);
    close(relatedScore(query, { vector: x, title: x }, undefined, weights), 1);
  });

  it('adds the cosine of the facet passage to the candidate’s paper vector', () => {
    close(relatedScore(query, { vector: y, title: undefined }, y, weights), 0.5 / 1.5);
  });
});

describe('rankRelated', () => {
  it('lets a paper with the same title subject overtake a slightly closer paper vector', () => {
    const query: RelatedViews = { vector: unit(1, 1, 0), title: x };
    const closerVector = { id: 'a', views: { vector: unit(1, 1.2, 0), title: z } };
    const sameTitle = { id: 'b', views: { vector: unit(1, 1.6, 0), title: x } };
    assert.deepEqual(
      rankRelated(query, [closerVector, sameTitle], undefined, { title: 0, facet: 0 }).map((item) => item.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      rankRelated(query, [closerVector, sameTitle], undefined, weights).map((item) => item.id),
      ['b', 'a'],
    );
  });

  it('with a facet, lifts the candidate whose paper matches the facet passage', () => {
    const query: RelatedViews = { vector: unit(1, 1, 0), title: undefined };
    const sameTopic = { id: 'topic', views: { vector: unit(1, 0.9, 0), title: undefined } };
    const sameMethod = { id: 'method', views: { vector: unit(0.9, 1, 0.2), title: undefined } };
    assert.equal(rankRelated(query, [sameTopic, sameMethod], undefined, weights)[0]!.id, 'topic');
    assert.equal(rankRelated(query, [sameTopic, sameMethod], y, weights)[0]!.id, 'method');
  });

  it('breaks ties by id', () => {
    const query: RelatedViews = { vector: x, title: undefined };
    const same = { vector: y, title: undefined };
    assert.deepEqual(
      rankRelated(
        query,
        [
          { id: 'b', views: same },
          { id: 'a', views: same },
        ],
        undefined,
        weights,
      ).map((item) => item.id),
      ['a', 'b'],
    );
  });
});

describe('facetPassage', () => {
  const sentences = [
    'Parsing long documents remains a challenging problem for existing systems.',
    'We propose a graph-based algorithm that encodes each section as a node.',
    'Experiments show that our approach outperforms strong baselines by 4.2% accuracy.',
  ];

  it('joins the sentences playing the role, in order', () => {
    assert.equal(facetPassage(sentences, 'method'), sentences[1]);
    assert.equal(facetPassage(sentences, 'result'), sentences[2]);
  });

  it('gives nothing when no sentence plays the role', () => {
    assert.equal(facetPassage([], 'background'), undefined);
    assert.equal(facetPassage(['We propose a new model.'], 'result'), undefined);
  });
});

describe('TitleVectors', () => {
  it('embeds each title once, in one call for the missing ones, and leaves blank titles out', async () => {
    const calls: string[][] = [];
    const embed = async (titles: string[]) => {
      calls.push(titles);
      return titles.map((title) => unit(title.length, 1, 0));
    };
    const cache = new TitleVectors();
    const first = await cache.of(['Alpha', ' ', 'Beta', 'Alpha'], embed);
    assert.equal(first[1], undefined);
    assert.equal(first[0], first[3]);
    const second = await cache.of(['Beta', 'Gamma'], embed);
    assert.equal(second[0], first[2]);
    assert.deepEqual(calls, [['Alpha', 'Beta'], ['Gamma']]);
  });

  it('forgets the least recently used title past its capacity', async () => {
    const calls: string[][] = [];
    const embed = async (titles: string[]) => {
      calls.push(titles);
      return titles.map(() => x);
    };
    const cache = new TitleVectors(2);
    await cache.of(['A1', 'B1'], embed);
    await cache.of(['A1'], embed);
    await cache.of(['C1'], embed);
    assert.equal(cache.size, 2);
    await cache.of(['A1', 'B1'], embed);
    assert.deepEqual(calls, [['A1', 'B1'], ['C1'], ['B1']]);
  });
});
