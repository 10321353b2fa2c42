import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Filter } from 'weaviate-client';
import type { PaperProperties } from '../../src/storage/weaviate/paper-object.js';
import { paperConditions } from '../../src/storage/weaviate/paper-conditions.js';

/** A filter builder that records each condition as `property operator value`. */
const recording = {
  byProperty: (property: string) =>
    new Proxy({}, { get: (_, operator: string) => (value: unknown) => ({ operator: 'Recorded', value: `${property} ${operator} ${JSON.stringify(value)}` }) }),
} as unknown as Filter<PaperProperties>;

describe('paperConditions (a paper filter as Weaviate conditions)', () => {
  it('is no condition for no filter and no excluded paper', () => {
    assert.equal(paperConditions(recording, undefined, []), undefined);
    assert.equal(paperConditions(recording, { categories: { any: [] } }, []), undefined);
  });

  it('is the one condition alone', () => {
    assert.deepEqual(paperConditions(recording, { year: { gte: 2020 } }, []), { operator: 'Recorded', value: 'year greaterOrEqual 2020' });
  });

  it('joins every part of the filter, and the excluded ids, with And', () => {
    const conditions = paperConditions(
      recording,
      { year: { gte: 2019, lte: 2021, gt: 2018, lt: 2022 }, categories: { any: ['cs.CL'], all: ['cs.LG'] }, authors: { any: ['Ada Lovelace'] } },
      ['p1', 'p2'],
    ) as unknown as { operator: string; filters: { value: string }[] };
    assert.equal(conditions.operator, 'And');
    assert.deepEqual(
      conditions.filters.map((condition) => condition.value),
      [
        'year greaterOrEqual 2019',
        'year lessOrEqual 2021',
        'year greaterThan 2018',
        'year lessThan 2022',
        'categories containsAny ["cs.CL"]',
        'categories containsAll ["cs.LG"]',
        'author_keys containsAny ["ada lovelace"]',
        'paper_id containsNone ["p1","p2"]',
      ],
    );
  });
});
