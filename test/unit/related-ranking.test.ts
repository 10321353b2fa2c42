import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankRelated, relatedScore, type RelatedCandidate, type RelatedWeights } from '../../src/search/related/related-ranking.js';
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
  it('is the weighted mean of the paper and title cosines', () => {
    close(relatedScore({ title: x }, { id: 'a', cosine: 0.7, title: z }, weights), 0.7 / 1.5);
    close(relatedScore({ title: x }, { id: 'a', cosine: 0.7, title: unit(1, 1, 0) }, weights), (0.7 + 0.5 * Math.SQRT1_2) / 1.5);
  });

  it('is the plain cosine when either paper has no title, and stays on the cosine scale', () => {
    close(relatedScore({ title: x }, { id: 'a', cosine: 0.7, title: undefined }, weights), 0.7);
    close(relatedScore({ title: undefined }, { id: 'a', cosine: 0.7, title: x }, weights), 0.7);
    close(relatedScore({ title: x }, { id: 'a', cosine: 1, title: x }, weights), 1);
  });

  it('adds the cosine of the facet passage to the candidate’s paper vector, when both are given', () => {
    close(relatedScore({ title: undefined, facet: y }, { id: 'a', cosine: 0.5, title: undefined, vector: y }, weights), 1 / 1.5);
    close(relatedScore({ title: undefined, facet: y }, { id: 'a', cosine: 0.5, title: undefined }, weights), 0.5);
  });
});

describe('rankRelated', () => {
  it('lets a paper with the same title subject overtake a slightly higher paper cosine', () => {
    const closerVector: RelatedCandidate = { id: 'a', cosine: 0.8, title: z };
    const sameTitle: RelatedCandidate = { id: 'b', cosine: 0.75, title: x };
    assert.deepEqual(
      rankRelated({ title: x }, [closerVector, sameTitle], { title: 0, facet: 0 }).map((item) => item.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      rankRelated({ title: x }, [closerVector, sameTitle], weights).map((item) => item.id),
      ['b', 'a'],
    );
  });

  it('with a facet, lifts the candidate whose paper matches the facet passage', () => {
    const sameTopic: RelatedCandidate = { id: 'topic', cosine: 0.8, title: undefined, vector: x };
    const sameMethod: RelatedCandidate = { id: 'method', cosine: 0.7, title: undefined, vector: y };
    assert.equal(rankRelated({ title: undefined }, [sameTopic, sameMethod], weights)[0]!.id, 'topic');
    assert.equal(rankRelated({ title: undefined, facet: y }, [sameTopic, sameMethod], weights)[0]!.id, 'method');
  });

  it('breaks ties by id', () => {
    const candidates: RelatedCandidate[] = [
      { id: 'b', cosine: 0.5, title: undefined },
      { id: 'a', cosine: 0.5, title: undefined },
    ];
    assert.deepEqual(
      rankRelated({ title: undefined }, candidates, weights).map((item) => item.id),
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

  it("regression: counts the titles' text against its bytes, so long titles cannot hold several times the memory it is meant for (it counted entries only)", async () => {
    const embed = async (titles: string[]) => titles.map(() => new Float32Array(384));
    // Room for about four entries of a 2,000-character title (4,000 bytes) and its vector (1,536 bytes), under an eighth each.
    const cache = new TitleVectors(1_000, 8 * 5_600);
    await cache.of(
      Array.from({ length: 50 }, (_, i) => `${i} ${'t'.repeat(1_990)}`),
      embed,
    );
    assert.ok(cache.size <= 8, `${cache.size} long titles kept`);
    await cache.of(['short'], embed);
    assert.ok(cache.size >= 1);
  });

  it("regression: keeps a copy of each title's vector, not a view of the buffer of the batch it was embedded in (each kept title held its whole batch, which the byte bound does not count)", async () => {
    // As the model workers answer: one buffer for every text of a call, a view of it for each.
    const embed = async (titles: string[]) => {
      const packed = new Float32Array(titles.length * 384);
      return titles.map((_, i) => packed.subarray(i * 384, (i + 1) * 384));
    };
    const cache = new TitleVectors();
    await cache.of(
      Array.from({ length: 100 }, (_, i) => `title ${i}`),
      embed,
    );
    const [kept] = await cache.of(['title 7'], async () => assert.fail('embedded again'));
    assert.equal(kept!.buffer.byteLength, 384 * 4, 'the kept vector holds its own bytes only');
  });
});
