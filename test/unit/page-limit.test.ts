import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relatedQuerySchema, searchRequestSchema } from '../../src/http/schemas.js';
import { searchPapersInput } from '../../src/mcp/tool-schemas.js';

describe('the page limit (offset + k)', () => {
  it('regression: is reported as too_big on offset, the code the hybrid limit uses, not custom', () => {
    const search = searchRequestSchema.safeParse({ query: 'graphs', mode: 'dense', offset: 995, k: 10 });
    assert.deepEqual(
      search.error?.issues.map(({ code, path, message }) => ({ code, path, message })),
      [{ code: 'too_big', path: ['offset'], message: 'offset + k must be at most 1000' }],
    );
    const related = relatedQuerySchema.safeParse({ offset: '999', k: '2' });
    assert.deepEqual(
      related.error?.issues.map(({ code, path }) => ({ code, path })),
      [{ code: 'too_big', path: ['offset'] }],
    );
    assert.equal(searchRequestSchema.safeParse({ query: 'graphs', offset: 990, k: 10 }).success, true);
  });

  it('regression: a k that is not a number gets its own issue only, not also the page limit', () => {
    const related = relatedQuerySchema.safeParse({ k: 'abc' });
    assert.deepEqual(
      related.error?.issues.map(({ path }) => path),
      [['k']],
    );
  });

  it('is the same issue in the MCP tools for an offset past the list, whose pages are cut at its end instead', () => {
    const past = searchPapersInput.safeParse({ query: 'graphs', offset: 1_000, k: 10 });
    assert.deepEqual(
      past.error?.issues.map(({ code, path }) => ({ code, path })),
      [{ code: 'too_big', path: ['offset'] }],
    );
    assert.equal(searchPapersInput.safeParse({ query: 'graphs', offset: 995, k: 10 }).success, true);
  });
});

describe('number query parameters', () => {
  it('regression: read decimal notation only (score_threshold=0x1 was read as 1)', () => {
    for (const text of ['0.5', '-0.25', '+1', '1e-3', '.5', '2.', ' 0.3 ']) {
      assert.equal(relatedQuerySchema.safeParse({ score_threshold: text }).success, true, text);
    }
    for (const text of ['0x1', '0b1', '0o7', 'Infinity', '1e999', '', '.', '1,5', 'e3']) {
      const parsed = relatedQuerySchema.safeParse({ score_threshold: text });
      assert.deepEqual(
        parsed.error?.issues.map(({ path }) => path),
        [['score_threshold']],
        text,
      );
    }
  });
});
