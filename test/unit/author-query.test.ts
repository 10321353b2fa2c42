import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorNameOfQuery, authorNamed } from '../../src/papers/author-query.js';

describe('authorNameOfQuery', () => {
  it('takes two to four capitalised words of any script, and no topic query', () => {
    assert.equal(authorNameOfQuery('Jürgen Schmidhuber'), 'Jürgen Schmidhuber');
    assert.equal(authorNameOfQuery('Иван  Иванов'), 'Иван Иванов');
    assert.equal(authorNameOfQuery("Jean-Luc O'Brien"), "Jean-Luc O'Brien");
    assert.equal(authorNameOfQuery('neural networks'), undefined);
    assert.equal(authorNameOfQuery('Schmidhuber'), undefined);
  });

  it('regression: takes a name written "Family, Given" as reference lists write it ("LeCun, Yann" was no name), and no other commas', () => {
    assert.equal(authorNameOfQuery(' LeCun ,  Yann '), 'LeCun, Yann');
    assert.equal(authorNameOfQuery('Schmidhuber, Jürgen'), 'Schmidhuber, Jürgen');
    assert.equal(authorNameOfQuery('Smith, J. R.'), 'Smith, J. R.');
    assert.equal(authorNameOfQuery('Smith,'), undefined);
    assert.equal(authorNameOfQuery('A, B, C'), undefined);
    assert.equal(authorNameOfQuery('graphs, networks'), undefined);
  });

  it('regression: reads a name written in decomposed form ("Ju\\u0308rgen Go\\u0308del", as a PDF or a macOS file name gives it, was no name, so the page did not offer its author)', () => {
    const decomposed = 'Ju\u0308rgen Go\u0308del';
    assert.equal(authorNameOfQuery(decomposed), decomposed);
    assert.equal(authorNameOfQuery('E\u0301lodie Martin'), 'E\u0301lodie Martin');
    assert.deepEqual(authorNamed(decomposed, { 'Jürgen Gödel': 3 }), { name: 'Jürgen Gödel', papers: 3 });
  });
});
