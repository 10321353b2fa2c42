import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxSentences, splitSentences } from '../../src/search/sentences.js';

describe('splitSentences', () => {
  it('splits after sentence punctuation followed by a capital, digit or bracket', () => {
    assert.deepEqual(splitSentences('We study X. Results are good! Why? 3 datasets (A, B) agree. (Table 1) shows it.'), [
      'We study X.',
      'Results are good!',
      'Why?',
      '3 datasets (A, B) agree.',
      '(Table 1) shows it.',
    ]);
  });

  it('keeps abbreviations and decimals inside a sentence, and folds line breaks', () => {
    assert.deepEqual(splitSentences('Models, e.g. transformers, reach 0.5 accuracy.\nThen\nthey stop.'), [
      'Models, e.g. transformers, reach 0.5 accuracy.',
      'Then they stop.',
    ]);
  });

  it('returns nothing for blank text and caps long abstracts', () => {
    assert.deepEqual(splitSentences('   '), []);
    assert.equal(splitSentences('Word. '.repeat(100)).length, maxSentences);
  });
});
