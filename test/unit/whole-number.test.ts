import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchRequestSchema, relatedQuerySchema } from '../../src/http/schemas.js';
import { wholeNumber } from '../../src/shared/whole-number.js';

function issues(result: { success: boolean; error?: { issues: { code: string; message: string; path: PropertyKey[] }[] } }) {
  return (result.error?.issues ?? []).map(({ code, message, path }) => ({ code, message, path: path.join('.') }));
}

describe('wholeNumber', () => {
  it('regression: k far past the integer range gets one issue naming the maximum, not also the safe-integer bound', () => {
    const found = issues(searchRequestSchema.safeParse({ query: 'graphs', k: 1e20 }));
    assert.deepEqual(found, [{ code: 'too_big', message: 'Too big: expected number to be <=100', path: 'k' }]);
    assert.deepEqual(issues(searchRequestSchema.safeParse({ query: 'graphs', offset: -1e20 })), [
      { code: 'too_small', message: 'Too small: expected number to be >=0', path: 'offset' },
    ]);
    assert.deepEqual(
      issues(relatedQuerySchema.safeParse({ k: '100000000000000000000' })).map(({ code, path }) => ({ code, path })),
      [{ code: 'too_big', path: 'k' }],
    );
  });

  it('accepts whole numbers in range and refuses fractions', () => {
    assert.equal(wholeNumber(1, 10).parse(10), 10);
    assert.deepEqual(
      issues(wholeNumber(1, 10).safeParse(2.5)).map(({ code }) => code),
      ['invalid_type'],
    );
    assert.deepEqual(
      issues(wholeNumber(1, 10).safeParse(0)).map(({ code }) => code),
      ['too_small'],
    );
  });
});
