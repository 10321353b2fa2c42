import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arxivIdFromUrl, identifierKeysOfName, paperNameOfQuery } from '../../src/papers/identifiers.js';

describe('the paper a search query names', () => {
  it('is looked up by the name a pasted arXiv id, DOI or link gives, a bare one prefixed', () => {
    const cases: [string, string][] = [
      ['2503.11731', 'arxiv:2503.11731'],
      [' arXiv:2503.11731v1 ', 'arXiv:2503.11731v1'],
      ['hep-th/9901001', 'arxiv:hep-th/9901001'],
      ['https://arxiv.org/abs/2503.11731', 'https://arxiv.org/abs/2503.11731'],
      ['10.48550/arXiv.2503.11731', 'arxiv:2503.11731'],
      ['10.1021/acs.jcim.0c00001', 'doi:10.1021/acs.jcim.0c00001'],
      ['https://doi.org/10.1021/x', 'https://doi.org/10.1021/x'],
    ];
    for (const [query, name] of cases) assert.equal(paperNameOfQuery(query), name, query);
  });

  it('regression: reads full-width forms as Chinese and Japanese input methods type them ("arXiv：2503.11731" and "２５０３．１１７３１" named no paper)', () => {
    assert.equal(paperNameOfQuery('arXiv：2503.11731'), 'arXiv:2503.11731');
    assert.equal(paperNameOfQuery('２５０３．１１７３１'), 'arxiv:2503.11731');
    assert.equal(paperNameOfQuery('ｄｏｉ：10.1021/x'), 'doi:10.1021/x');
  });

  it('regression: an arXiv HTML link names its paper (https://arxiv.org/html/2503.11731v1 named none)', () => {
    assert.equal(paperNameOfQuery('https://arxiv.org/html/2503.11731v1'), 'https://arxiv.org/html/2503.11731v1');
    assert.deepEqual(identifierKeysOfName('arxiv.org/html/2503.11731v2'), [{ field: 'arxiv', key: '2503.11731' }]);
    assert.equal(arxivIdFromUrl('https://arxiv.org/html/2503.11731v1#S3'), '2503.11731v1');
  });

  it('regression: arXiv\'s citation form names its paper ("arXiv:2503.11731 [cs.CV]" was looked up as the id "2503.11731 [cs.CV]")', () => {
    assert.equal(paperNameOfQuery('arXiv:2503.11731 [cs.CV]'), 'arXiv:2503.11731');
    assert.equal(paperNameOfQuery('arXiv:2503.11731v1  [cs.CV]  14 Mar 2025'), 'arXiv:2503.11731v1');
    assert.equal(paperNameOfQuery('arXiv:hep-th/9901001 [hep-th]'), 'arXiv:hep-th/9901001');
  });

  it('regression: Google Scholar\'s citation of a preprint and a Hugging Face paper page name their paper ("arXiv preprint arXiv:2509.15560" and https://huggingface.co/papers/2509.15560 named none)', () => {
    assert.equal(paperNameOfQuery('arXiv preprint arXiv:2509.15560'), 'arXiv:2509.15560');
    assert.equal(paperNameOfQuery('arXiv preprint arXiv:2509.15560, 2025.'), 'arXiv:2509.15560');
    assert.equal(paperNameOfQuery('arXiv preprint arXiv:2509.15560 (2025)'), 'arXiv:2509.15560');
    assert.equal(paperNameOfQuery('https://huggingface.co/papers/2509.15560'), 'arxiv:2509.15560');
    assert.equal(paperNameOfQuery('huggingface.co/papers/2509.15560v2/'), 'arxiv:2509.15560v2');
  });

  it('names none for any other query', () => {
    for (const query of [
      'video compression',
      '2503',
      '10.1021/a b',
      'arXiv preprints of 2025',
      'arXiv preprint arXiv:2509.15560 and more',
      'huggingface.co/papers/trending',
    ]) {
      assert.equal(paperNameOfQuery(query), undefined, query);
    }
  });
});
