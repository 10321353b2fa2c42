import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapRecordToPaper } from '../../src/papers/paper-record.js';

function mapped(record: Record<string, unknown>) {
  const result = mapRecordToPaper({ title: 'Graph transformers', abstract: 'Attention over graphs.', ...record });
  assert.ok(result.ok, JSON.stringify(result));
  return result.paper;
}

describe('a record as a paper', () => {
  it('regression: takes the arXiv id an arXiv DOI names (arxiv: found no paper written with only its DOI, as BibTeX and RIS records were found)', () => {
    for (const doi of ['10.48550/arXiv.2012.09699', 'https://doi.org/10.48550/arXiv.2012.09699', 'doi:10.48550/ARXIV.2012.09699v2']) {
      assert.equal(mapped({ id: 'l1', doi }).arxiv_id, doi.endsWith('v2') ? '2012.09699v2' : '2012.09699', doi);
    }
    assert.equal(mapped({ id: 'l1', doi: '10.1000/xyz123' }).arxiv_id, undefined);
  });

  it('keeps an arxiv_id given beside another arXiv DOI, and takes an id that is an arXiv id', () => {
    assert.equal(mapped({ id: 'l1', doi: '10.48550/arXiv.2012.09699', arxiv_id: '2101.00001' }).arxiv_id, '2101.00001');
    assert.equal(mapped({ id: '2503.11731' }).arxiv_id, '2503.11731');
  });
});
