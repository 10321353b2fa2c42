import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasMath, outsideMath, textPieces } from '../../web/src/tex-math.js';

describe('the math of a title or abstract', () => {
  it('finds inline and displayed math in each of its TeX forms', () => {
    assert.deepEqual(textPieces('On $\\ell_1$ and \\(x^2\\): $$E = mc^2$$ or \\[a+b\\].'), [
      { text: 'On ' },
      { tex: '\\ell_1', display: false, source: '$\\ell_1$' },
      { text: ' and ' },
      { tex: 'x^2', display: false, source: '\\(x^2\\)' },
      { text: ': ' },
      { tex: 'E = mc^2', display: true, source: '$$E = mc^2$$' },
      { text: ' or ' },
      { tex: 'a+b', display: true, source: '\\[a+b\\]' },
      { text: '.' },
    ]);
  });

  it('leaves prices, escaped dollars and math left open as text', () => {
    assert.deepEqual(textPieces('It costs $5 and $10, or \\$3.'), [{ text: 'It costs $5 and $10, or $3.' }]);
    assert.deepEqual(textPieces('An open $x + y formula'), [{ text: 'An open $x + y formula' }]);
    assert.deepEqual(textPieces('Empty $$ $$ math'), [{ text: 'Empty $$ $$ math' }]);
    assert.equal(hasMath('Profit of $5 and $10'), false);
    assert.equal(hasMath('A $k$-means variant'), true);
  });

  it('keeps a dollar sign written \\$ inside math', () => {
    assert.deepEqual(textPieces('$a\\$b$'), [{ tex: 'a\\$b', display: false, source: '$a\\$b$' }]);
  });

  it('does not take math across a blank line or longer than a formula', () => {
    assert.equal(hasMath('$a\n\nb$'), false);
    assert.equal(hasMath(`$${'x'.repeat(1000)}$`), false);
  });

  it('moves a cut out of the formula it falls in', () => {
    const text = 'before $x + y$ after';
    assert.equal(outsideMath(text, 9, 'start'), 7);
    assert.equal(outsideMath(text, 9, 'end'), 14);
    assert.equal(outsideMath(text, 3, 'start'), 3);
    assert.equal(outsideMath(text, 7, 'end'), 7);
  });

  it('reads a text of many unclosed openers as text', () => {
    assert.equal(hasMath('\\('.repeat(50_000)), false);
  });
});
