import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxQueryCharacters } from '../../src/search/search-modes.js';
import { parseSearchState, searchUrl, type SearchState } from '../../web/src/search-state.js';

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

  it("regression: cuts a query to what an address can carry to the server (a 1,950-character Chinese query made a 17,576-character address, and a reload got the server's 431 as JSON)", () => {
    const state = (q: string): SearchState => ({ q, mode: 'hybrid', categories: [], authors: [], like: [], unlike: [], shown: 20 });
    const chinese = '图神经网络用于分子性质预测'.repeat(150);
    const url = searchUrl(state(chinese));
    assert.ok(url.length <= 10_010, `${url.length} characters`);
    const searched = parseSearchState(new URL(url, 'http://localhost').searchParams).q;
    assert.ok(searched.length > 1_000 && chinese.startsWith(searched), `${searched.length} characters`);
    // Never between the halves of a surrogate pair.
    const math = parseSearchState(new URL(searchUrl(state('𝑥'.repeat(2_000))), 'http://localhost').searchParams).q;
    assert.ok(math.length > 0 && !/[\uD800-\uDBFF]$/.test(math));
    // A query of plain words the API takes goes whole.
    const words = 'graph neural networks '.repeat(454).slice(0, maxQueryCharacters).trim();
    assert.equal(parseSearchState(new URL(searchUrl(state(words)), 'http://localhost').searchParams).q, words);
  });
});
