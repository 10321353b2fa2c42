import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSearchState } from '../../web/src/search-state.js';

describe('the search page address', () => {
  it('regression: a query of only zero-width spaces or direction marks is no query, as the API counts it (the page sent it, and showed the refusal "must not be empty or only white space")', () => {
    for (const invisible of ['\u200b', '\u202e', '\u200e \u200f', '\ufeff\u00ad']) {
      assert.equal(parseSearchState(new URLSearchParams({ q: invisible })).q, '', JSON.stringify(invisible));
    }
    assert.equal(parseSearchState(new URLSearchParams({ q: ' \u200bvideo ' })).q, '\u200bvideo');
    assert.equal(parseSearchState(new URLSearchParams({ q: '  speech recognition ' })).q, 'speech recognition');
  });
});
