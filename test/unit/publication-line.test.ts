import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { publicationLine } from '../../src/papers/publication-line.js';

describe('publicationLine', () => {
  it('joins venue, volume, issue and pages, leaving out those a paper lacks', () => {
    assert.equal(publicationLine({ venue: 'Nature', volume: '521', issue: '7553', pages: '436-444' }), 'Nature, vol. 521, no. 7553, pp. 436-444');
    assert.equal(publicationLine({ venue: 'Nature', pages: 'e12' }), 'Nature, pp. e12');
  });

  it('says nothing without a type or a venue, whatever else the paper has', () => {
    assert.equal(publicationLine({ volume: '3', pages: '1-9' }), undefined);
    assert.equal(publicationLine({ type: 'other', volume: '3' }), undefined);
  });

  it('starts with the type, in words, when the paper has one other than "other"', () => {
    assert.equal(publicationLine({ type: 'conference-paper', venue: 'NeurIPS', pages: '1-9' }), 'Conference paper, NeurIPS, pp. 1-9');
    assert.equal(publicationLine({ type: 'preprint' }), 'Preprint');
    assert.equal(publicationLine({ type: 'other', venue: 'Zenodo' }), 'Zenodo');
  });
});
