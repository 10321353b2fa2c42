import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bothAccept, compileFilter, type PaperFilter } from '../../src/papers/paper-filter.js';
import type { Paper } from '../../src/papers/paper.js';

const papers: Paper[] = [
  { id: 'a', title: 'A', abstract: 'x', year: 2019, categories: ['cs.CV'], authors: ['Ada Lovelace'] },
  { id: 'b', title: 'B', abstract: 'x', year: 2021, categories: ['cs.CV', 'cs.RO'], authors: ['Alan Turing', 'Grace Hopper'] },
  { id: 'c', title: 'C', abstract: 'x', year: 2024, categories: ['cs.CL'] },
  { id: 'd', title: 'D', abstract: 'x' },
];

function matching(filter: PaperFilter | undefined): string[] | 'everything' {
  const accept = compileFilter(
    filter,
    (label) => papers[label]!,
    (id) => {
      const label = papers.findIndex((paper) => paper.id === id);
      return label < 0 ? undefined : label;
    },
  );
  if (!accept) return 'everything';
  return papers.filter((_, label) => accept(label)).map((paper) => paper.id);
}

describe('compileFilter', () => {
  it('asks for nothing when there is no condition', () => {
    assert.equal(matching(undefined), 'everything');
    assert.equal(matching({}), 'everything');
    assert.equal(matching({ year: {}, categories: {}, authors: {}, exclude_ids: [] }), 'everything');
  });

  it('applies inclusive and exclusive year bounds; a paper without a year never matches', () => {
    assert.deepEqual(matching({ year: { gte: 2021 } }), ['b', 'c']);
    assert.deepEqual(matching({ year: { gte: 2019, lte: 2021 } }), ['a', 'b']);
    assert.deepEqual(matching({ year: { gt: 2019, lt: 2024 } }), ['b']);
  });

  it('matches any or all categories', () => {
    assert.deepEqual(matching({ categories: { any: ['cs.RO', 'cs.CL'] } }), ['b', 'c']);
    assert.deepEqual(matching({ categories: { all: ['cs.CV', 'cs.RO'] } }), ['b']);
    assert.deepEqual(matching({ categories: { any: ['cs.CV'], all: ['cs.RO'] } }), ['b']);
  });

  it('matches authors without regard to case or spacing', () => {
    assert.deepEqual(matching({ authors: { any: ['  grace   HOPPER '] } }), ['b']);
    assert.deepEqual(matching({ authors: { any: ['Nobody'] } }), []);
  });

  it('excludes ids, ignoring unknown ones, and combines every condition', () => {
    assert.deepEqual(matching({ exclude_ids: ['a', 'zzz'] }), ['b', 'c', 'd']);
    assert.deepEqual(matching({ categories: { any: ['cs.CV'] }, year: { gte: 2020 }, exclude_ids: ['a'] }), ['b']);
    assert.deepEqual(matching({ categories: { any: ['cs.CV'] }, exclude_ids: ['b'] }), ['a']);
  });
});

describe('bothAccept', () => {
  const even = (label: number) => label % 2 === 0;
  const small = (label: number) => label < 3;
  it('requires both, and passes either through alone', () => {
    assert.deepEqual([0, 1, 2, 3, 4].filter(bothAccept(even, small)!), [0, 2]);
    assert.equal(bothAccept(even, undefined), even);
    assert.equal(bothAccept(undefined, small), small);
    assert.equal(bothAccept(undefined, undefined), undefined);
  });
});
