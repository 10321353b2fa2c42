import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { publicationTypeOf, publicationTypes } from '../../src/papers/publication-type.js';
import { referenceType } from '../../src/ingest/formats/reference-type.js';

describe('publicationTypeOf', () => {
  it('reads each type by its own name', () => {
    for (const type of publicationTypes) assert.equal(publicationTypeOf(type), type);
  });

  it("reads the formats' and catalogues' names, whatever their case and punctuation", () => {
    const names: [string, string][] = [
      ['inproceedings', 'conference-paper'],
      ['CONF', 'conference-paper'],
      ['paper-conference', 'conference-paper'],
      ['proceedings-article', 'conference-paper'],
      ['conferencePaper', 'conference-paper'],
      ['article', 'journal-article'],
      ['JOUR', 'journal-article'],
      ['article-journal', 'journal-article'],
      ['JournalArticle', 'journal-article'],
      ['incollection', 'book-chapter'],
      ['bookSection', 'book-chapter'],
      ['phdthesis', 'thesis'],
      ['dissertation', 'thesis'],
      ['techreport', 'report'],
      ['posted-content', 'preprint'],
      ['UNPB', 'preprint'],
      ['DATA', 'dataset'],
      ['misc', 'other'],
      ['GEN', 'other'],
      ['INPR', 'journal-article'],
      ['book-part', 'book-chapter'],
      ['MANSCPT', 'preprint'],
    ];
    for (const [name, type] of names) assert.equal(publicationTypeOf(name), type, name);
  });

  it('names no type for a name no format uses', () => {
    for (const name of ['paper', 'patent', '', '---', 'journal article review']) assert.equal(publicationTypeOf(name), undefined, name);
  });
});

describe('referenceType', () => {
  const none = { namedVenue: undefined, arxivId: undefined };
  it('is the type the format names', () => {
    assert.equal(referenceType('conference-paper', { namedVenue: 'NeurIPS', arxivId: '2101.00001' }), 'conference-paper');
    assert.equal(referenceType(undefined, none), undefined);
  });

  it('calls a journal article, a generic entry or one of no known type in a preprint server a preprint', () => {
    for (const named of ['journal-article', 'other', undefined] as const) {
      assert.equal(referenceType(named, { namedVenue: 'arXiv preprint arXiv:1810.04805', arxivId: '1810.04805' }), 'preprint', named);
      // Zotero's @misc{…, publisher = {bioRxiv}} and GEN with PB - bioRxiv.
      assert.equal(referenceType(named, { namedVenue: 'bioRxiv', arxivId: undefined }), 'preprint', named);
    }
    assert.equal(referenceType('conference-paper', { namedVenue: 'arXiv', arxivId: undefined }), 'conference-paper');
  });

  it('calls a generic entry of an arXiv paper with no venue a preprint, and one with a venue or no arXiv id other', () => {
    assert.equal(referenceType('other', { namedVenue: undefined, arxivId: '2305.04567' }), 'preprint');
    assert.equal(referenceType('other', { namedVenue: 'A workshop', arxivId: '2305.04567' }), 'other');
    assert.equal(referenceType('other', none), 'other');
  });
});
