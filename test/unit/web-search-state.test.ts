import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxQueryCharacters } from '../../src/search/search-modes.js';
import { parseSearchState } from '../../web/src/search-state.js';

describe('the search page address', () => {
  it('regression: a query of only zero-width spaces or direction marks is no query, as the API counts it (the page sent it, and showed the refusal "must not be empty or only white space")', () => {
    for (const invisible of ['\u200b', '\u202e', '\u200e \u200f', '\ufeff\u00ad']) {
      assert.equal(parseSearchState(new URLSearchParams({ q: invisible })).q, '', JSON.stringify(invisible));
    }
    assert.equal(parseSearchState(new URLSearchParams({ q: ' \u200bvideo ' })).q, '\u200bvideo');
    assert.equal(parseSearchState(new URLSearchParams({ q: '  speech recognition ' })).q, 'speech recognition');
  });

  it('regression: a query in the address longer than the API takes is cut to it, as the box cuts a paste (it was sent, and refused with "Too big: expected string to have <=10000 characters")', () => {
    assert.equal(parseSearchState(new URLSearchParams({ q: 'a'.repeat(maxQueryCharacters + 5) })).q, 'a'.repeat(maxQueryCharacters));
    // Not between the halves of a surrogate pair (𝑥 is two UTF-16 code units).
    const cut = parseSearchState(new URLSearchParams({ q: `${'a'.repeat(maxQueryCharacters - 1)}𝑥𝑥` })).q;
    assert.equal(cut, 'a'.repeat(maxQueryCharacters - 1));
  });
});
