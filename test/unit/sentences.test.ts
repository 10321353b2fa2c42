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

  it('regression: splits sentences of other scripts (explain gave a Chinese, Russian or Hindi abstract whole as its closest sentence)', () => {
    assert.deepEqual(splitSentences('本文研究检索增强生成方法。我们提出一种新的检索器！有效吗？是的。'), [
      '本文研究检索增强生成方法。',
      '我们提出一种新的检索器！',
      '有效吗？',
      '是的。',
    ]);
    assert.deepEqual(splitSentences('Мы изучаем системы. Мы предлагаем метод.'), ['Мы изучаем системы.', 'Мы предлагаем метод.']);
    assert.deepEqual(splitSentences('We tune it. Über-parameters help. Ωmega too.'), ['We tune it.', 'Über-parameters help.', 'Ωmega too.']);
    assert.deepEqual(splitSentences('यह पहला वाक्य है। यह दूसरा वाक्य है।'), ['यह पहला वाक्य है।', 'यह दूसरा वाक्य है।']);
    assert.deepEqual(splitSentences('هل يعمل؟ نعم يعمل.'), ['هل يعمل؟', 'نعم يعمل.']);
    // A lower-case word after an abbreviation still joins, in any script.
    assert.deepEqual(splitSentences('Méthodes, p. ex. les réseaux.'), ['Méthodes, p. ex. les réseaux.']);
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
