import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Paper } from '../../src/papers/paper.js';
import { hitsJson } from '../../src/search/hits-json.js';
import { byScoreThenId, rankedBy, roundScore, selectFields, toHit, type RankedCandidate } from '../../src/search/ranking.js';

const papers: Paper[] = [
  { id: 'c', title: 'Gamma', abstract: 'third', year: 2020, authors: ['A'] },
  { id: 'a', title: 'Alpha', abstract: 'first', doi: '10.1/a' },
  { id: 'b', title: 'Beta', abstract: 'second', categories: ['cs.LG'], arxiv_id: '2401.00001' },
  { id: 'd', title: '', abstract: 'fourth' },
];

const candidate = (id: string, score: number): RankedCandidate => ({ id, score, ranks: {} });
const ordered = (list: RankedCandidate[]) => [...list].sort(byScoreThenId).map((item) => item.id);

describe('byScoreThenId', () => {
  it('orders by score, best first', () => {
    assert.deepEqual(ordered([candidate('c', 0.2), candidate('a', 0.9), candidate('b', 0.5)]), ['a', 'b', 'c']);
  });

  it('breaks score ties by id, whatever the input order', () => {
    const list = [candidate('c', 0.5), candidate('d', 0.7), candidate('b', 0.5), candidate('a', 0.5)];
    assert.deepEqual(ordered(list), ['d', 'a', 'b', 'c']);
    assert.deepEqual(ordered([...list].reverse()), ['d', 'a', 'b', 'c']);
  });

  it('orders by the exact score, so rounding for display never reorders a list', () => {
    // Regression: ordering by the rounded score could move a paper across a page boundary.
    const list = [candidate('a', 0.8), candidate('b', 0.8000001)];
    assert.deepEqual(ordered(list), ['b', 'a']);
    assert.deepEqual(
      list.map((item) => roundScore(item.score)),
      [0.8, 0.8],
    );
  });

  it('puts negative scores (opposite vectors) last', () => {
    assert.deepEqual(ordered([candidate('c', -0.5), candidate('a', 0)]), ['a', 'c']);
  });
});

describe('rankedBy', () => {
  it('records the 1-based rank the retriever gave each paper', () => {
    assert.deepEqual(
      rankedBy(
        [
          { id: 'x', score: 3 },
          { id: 'y', score: 2 },
        ],
        'lexical',
      ),
      [
        { id: 'x', score: 3, ranks: { lexical: 1 } },
        { id: 'y', score: 2, ranks: { lexical: 2 } },
      ],
    );
  });
});

describe('toHit', () => {
  it('rounds scores to 6 decimals', () => {
    assert.equal(toHit(candidate('a', 0.123456789), papers[1]!).score, 0.123457);
  });

  it('puts id, title and score first, then the stored fields', () => {
    const hit = toHit(candidate('c', 0.75), papers[0]!);
    assert.deepEqual(hit, { id: 'c', title: 'Gamma', score: 0.75, abstract: 'third', year: 2020, authors: ['A'] });
    assert.deepEqual(Object.keys(hit).slice(0, 3), ['id', 'title', 'score']);
  });

  it('carries every optional stored field and adds none that are absent', () => {
    assert.deepEqual(toHit(candidate('b', 0.3), papers[2]!), {
      id: 'b',
      title: 'Beta',
      score: 0.3,
      abstract: 'second',
      categories: ['cs.LG'],
      arxiv_id: '2401.00001',
    });
    assert.deepEqual(toHit(candidate('d', 0.1), papers[3]!), { id: 'd', title: '', score: 0.1, abstract: 'fourth' });
  });

  it('does not modify the stored paper', () => {
    const before = JSON.stringify(papers);
    toHit(candidate('a', 0.9), papers[1]!);
    assert.equal(JSON.stringify(papers), before);
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
  it("regression: keeps the whole hit's key order whatever the order of the fields (the CLI printed a hit's keys in one order from a server and another in process)", () => {
    assert.deepEqual(Object.keys(selectFields(hit, ['year', 'abstract', 'title'])), ['id', 'title', 'score', 'abstract', 'year']);
  });
});

describe('hitsJson', () => {
  const awkward: Paper[] = [
    ...papers,
    { id: 'q"uote\\', title: 'A \\"quoted\\" title\\', abstract: 'ends with a backslash \\' },
    { id: 'ünï', title: 'Γάμμα ✓ 🧪 \u2028 \u0007', abstract: '', authors: ['Ö, A.'], venue: '"}' },
    { id: 'e', title: '","score":1,"x":"', abstract: 'a title that looks like keys' },
  ];
  // Non-finite scores are unreachable (vectors are normalized), but must still write valid JSON: null, as JSON.stringify does.
  const scores = [0.8000004, -0.25, 0, 1, 0.1234565, -0, NaN, Infinity];
  const encoded = (paper: Paper, score: number, text = JSON.stringify(paper)) => ({ candidate: candidate(paper.id, score), paperJson: Buffer.from(text) });

  it('writes stored records the bytes JSON.stringify writes of their hits', () => {
    for (const score of scores) {
      const found = hitsJson(awkward.map((paper) => encoded(paper, score)));
      assert.equal(found.toString('utf8'), JSON.stringify(awkward.map((paper) => toHit(candidate(paper.id, score), paper))), String(score));
    }
    assert.equal(hitsJson([]).toString('utf8'), '[]');
  });

  it('writes the same bytes from JSON text in another key order or spacing, or a view into a larger buffer', () => {
    const paper = awkward[4]!;
    const hit = JSON.stringify(toHit(candidate(paper.id, 0.5), paper));
    const { title, ...rest } = paper;
    const enclosing = Buffer.from(`xx${JSON.stringify(paper)}yy`);
    const view = { candidate: candidate(paper.id, 0.5), paperJson: new Uint8Array(enclosing.buffer, enclosing.byteOffset + 2, enclosing.length - 4) };
    const found = hitsJson([encoded(paper, 0.5, JSON.stringify({ title, ...rest })), encoded(paper, 0.5, JSON.stringify(paper, null, 1)), view]);
    assert.equal(found.toString('utf8'), `[${hit},${hit},${hit}]`);
  });
});
