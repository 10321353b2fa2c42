import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arxivAbstractUrl, doiUrl } from '../../src/papers/paper-urls.js';

describe('links of identifiers', () => {
  it('regression: percent-encodes a DOI in its doi.org link (a # or ? in one sent doi.org another DOI)', () => {
    assert.equal(doiUrl('10.1000/volcano.1'), 'https://doi.org/10.1000/volcano.1');
    assert.equal(doiUrl('10.1234/abc#frag?x=<y>'), 'https://doi.org/10.1234/abc%23frag%3Fx%3D%3Cy%3E');
    assert.equal(new URL(doiUrl('10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0')).hash, '');
    assert.equal(decodeURIComponent(new URL(doiUrl('10.1234/a b/c')).pathname), '/10.1234/a b/c');
  });

  it('keeps the slash of an old-style arXiv id in its abstract page', () => {
    assert.equal(arxivAbstractUrl('hep-th/9901001'), 'https://arxiv.org/abs/hep-th/9901001');
    assert.equal(arxivAbstractUrl('2503.11731v2'), 'https://arxiv.org/abs/2503.11731v2');
  });
});
