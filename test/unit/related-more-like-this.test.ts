import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distinctiveTerms } from '../../src/search/related/more-like-this.js';

describe('distinctiveTerms (more like this)', () => {
  // 1,000 papers; "model" is in half of them, "transformer" in 20, "xyz" only in this paper.
  const frequencies = new Map([['model', 500], ['transformer', 20], ['parsing', 40], ['xyz', 1]]);
  const statistics = { documents: 1_000, documentFrequency: (term: string) => frequencies.get(term) ?? 0 };

  it('keeps the paper\'s rarest repeated terms, best tf · idf first, each as one query occurrence', () => {
    const counts = new Map([['model', 5], ['transformer', 1], ['parsing', 3], ['xyz', 4]]);
    const terms = distinctiveTerms(counts, statistics, { maxTerms: 2, minDocumentFrequency: 2, maxDocumentShare: 0.1 });
    // parsing: 3 · (1 + ln(1000/41)) ≈ 12.6 beats transformer: 1 · (1 + ln(1000/21)) ≈ 4.9.
    assert.deepEqual([...terms], [['parsing', 1], ['transformer', 1]]);
  });

  it('skips terms only this paper holds and terms in too many papers', () => {
    const terms = distinctiveTerms(new Map([['model', 9], ['xyz', 9]]), statistics, { maxTerms: 25, minDocumentFrequency: 2, maxDocumentShare: 0.1 });
    assert.equal(terms.size, 0);
  });

  it('breaks ties by the term, whatever the map order', () => {
    const stats = { documents: 100, documentFrequency: () => 5 };
    const parameters = { maxTerms: 1, minDocumentFrequency: 2, maxDocumentShare: 1 };
    assert.deepEqual([...distinctiveTerms(new Map([['b', 1], ['a', 1]]), stats, parameters).keys()], ['a']);
    assert.deepEqual([...distinctiveTerms(new Map([['a', 1], ['b', 1]]), stats, parameters).keys()], ['a']);
  });
});
