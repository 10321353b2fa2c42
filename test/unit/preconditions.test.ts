import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unmetPrecondition, type PaperState } from '../../src/papers/preconditions.js';

const stored: PaperState = { present: true, etag: '"v1"' };

describe('write preconditions', () => {
  it('regression: If-None-Match names a version by the weak comparison, W/ or not (a PUT with If-None-Match: W/"<current>" replaced the paper)', () => {
    for (const header of ['W/"v1"', '"v1"', '"other", W/"v1"']) {
      const tags = header.split(',').map((tag) => tag.trim());
      assert.equal(unmetPrecondition({ ifNoneMatch: tags }, stored, 'p')?.code, 'precondition_failed', header);
    }
    assert.equal(unmetPrecondition({ ifNoneMatch: ['W/"v2"'] }, stored, 'p'), undefined);
  });

  it('If-Match compares strongly: a weak tag never matches', () => {
    assert.equal(unmetPrecondition({ ifMatch: ['W/"v1"'] }, stored, 'p')?.code, 'precondition_failed');
    assert.equal(unmetPrecondition({ ifMatch: ['"v1"'] }, stored, 'p'), undefined);
  });
});
