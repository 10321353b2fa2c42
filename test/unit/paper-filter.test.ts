import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeAuthorName, paperMatcher, type PaperFilter } from '../../src/papers/paper-filter.js';
import { labelFilter } from '../../src/storage/embedded/label-filter.js';
import { PaperStore } from '../../src/storage/embedded/paper-store.js';
import type { Paper } from '../../src/papers/paper.js';

const papers: Paper[] = [
  { id: 'a', title: 'A', abstract: 'x', year: 2019, categories: ['cs.CV'], authors: ['Ada Lovelace'] },
  { id: 'b', title: 'B', abstract: 'x', year: 2021, categories: ['cs.CV', 'cs.RO'], authors: ['Alan Turing', 'Grace Hopper'] },
  { id: 'c', title: 'C', abstract: 'x', year: 2024, categories: ['cs.CL'] },
  { id: 'd', title: 'D', abstract: 'x' },
];

function matching(filter: PaperFilter | undefined): string[] | 'everything' {
  const matches = paperMatcher(filter);
  if (!matches) return 'everything';
  return papers.filter(matches).map((paper) => paper.id);
}

/** The same filter as the embedded storage evaluates it, over the labels of a store of these papers. */
function matchingLabels(filter: PaperFilter | undefined, store = PaperStore.fromPapers(papers)): string[] | 'everything' {
  const accept = labelFilter(store, filter, { skipTombstones: true });
  if (!accept) return 'everything';
  return papers.filter((_, label) => accept(label)).map((paper) => paper.id);
}

describe('paperMatcher', () => {
  it('asks for nothing when there is no condition', () => {
    assert.equal(matching(undefined), 'everything');
    assert.equal(matching({}), 'everything');
    assert.equal(matching({ year: {}, categories: {}, authors: {}, exclude_ids: [] }), 'everything');
    assert.equal(matching({ exclude_ids: ['a'] }), 'everything', 'exclusions name papers; the storage applies them');
  });

  it('applies inclusive and exclusive year bounds; a paper without a year never matches', () => {
    assert.deepEqual(matching({ year: { gte: 2021 } }), ['b', 'c']);
    assert.deepEqual(matching({ year: { gte: 2019, lte: 2021 } }), ['a', 'b']);
    assert.deepEqual(matching({ year: { gt: 2019, lt: 2024 } }), ['b']);
  });

  it('matches any or all categories', () => {
    assert.deepEqual(matching({ categories: { any: ['cs.RO', 'cs.CL'] } }), ['b', 'c']);
    assert.deepEqual(matching({ categories: { all: ['cs.CV', 'cs.RO'] } }), ['b']);
    assert.deepEqual(matching({ categories: { any: ['cs.CV'], all: ['cs.RO'] } }), ['b']);
  });

  it('matches authors without regard to case or spacing', () => {
    assert.deepEqual(matching({ authors: { any: ['  grace   HOPPER '] } }), ['b']);
    assert.deepEqual(matching({ authors: { any: ['Nobody'] } }), []);
  });

  it('regression: reads an author asked for as "Last, First", the form reference managers export, as the paper holds it (the filter found none)', () => {
    for (const name of ['Hopper, Grace', 'hopper,grace']) {
      assert.deepEqual(matching({ authors: { any: [name] } }), ['b'], name);
      assert.deepEqual(matchingLabels({ authors: { any: [name] } }), ['b'], name);
    }
  });

  it('regression: one name with its suffix after a comma or not ("Paul Martin, Jr." as JSON and CSV inputs read it, "Paul Martin Jr." as the BibTeX, RIS and CSL-JSON readers do) is one author (an exported paper read back was not found by its author)', () => {
    const withSuffix: Paper[] = [
      { id: 'json', title: 'J', abstract: 'x', authors: ['Paul Martin, Jr.'] },
      { id: 'ris', title: 'R', abstract: 'x', authors: ['Paul Martin Jr.'] },
      { id: 'arxiv', title: 'A', abstract: 'x', authors: ['Paul Martin Jr'] },
      { id: 'third', title: 'T', abstract: 'x', authors: ['John Smith, III'] },
    ];
    const store = PaperStore.fromPapers(withSuffix);
    for (const name of ['Paul Martin, Jr.', 'Paul Martin Jr.', 'paul martin jr', 'Martin, Paul, Jr.']) {
      assert.deepEqual(
        withSuffix.filter(paperMatcher({ authors: { any: [name] } })!).map((paper) => paper.id),
        ['json', 'ris', 'arxiv'],
        name,
      );
      assert.deepEqual(
        withSuffix.filter((_, label) => labelFilter(store, { authors: { any: [name] } }, { skipTombstones: true })!(label)).map((paper) => paper.id),
        ['json', 'ris', 'arxiv'],
        name,
      );
    }
    assert.equal(normalizeAuthorName('John Smith III'), normalizeAuthorName('John Smith, III'));
    assert.notEqual(normalizeAuthorName('Paul Martin'), normalizeAuthorName('Paul Martin Jr.'));
    assert.notEqual(normalizeAuthorName('Martin, Jr'), normalizeAuthorName('Martin'));
  });

  it('regression: folds author names as people type them (İnan did not match Inan, nor Straße STRASSE)', () => {
    const same: [string, string][] = [
      ['İnan Yılmaz', 'inan yilmaz'],
      ['Jürgen Schmidhuber', 'Jurgen Schmidhuber'],
      ['Hans Straße', 'HANS STRASSE'],
      ['Łukasz Kaiser', 'Lukasz Kaiser'],
      ['Søren Kierkegaard', 'Soren Kierkegaard'],
      ['Seán O’Brien', "Sean O'Brien"],
      ['Jean‐Paul Sartre', 'Jean-Paul Sartre'],
      ['Ｆｕｌｌ Ｗｉｄｔｈ', 'full width'],
    ];
    for (const [stored, typed] of same) assert.equal(normalizeAuthorName(typed), normalizeAuthorName(stored), `${typed} / ${stored}`);
    assert.notEqual(normalizeAuthorName('Ada Lovelace'), normalizeAuthorName('Ada Loveless'));
    assert.notEqual(normalizeAuthorName('李明'), normalizeAuthorName('李红'));
    assert.notEqual(normalizeAuthorName('加藤'), normalizeAuthorName('ガトウ'));
    assert.notEqual(normalizeAuthorName('ガトウ'), normalizeAuthorName('カトウ'), 'a kana voicing mark is part of its letter');
    assert.notEqual(normalizeAuthorName('राम'), normalizeAuthorName('रम'), 'so is a Devanagari vowel sign');
    assert.equal(normalizeAuthorName('김민준'), '김민준');
  });
});

describe('labelFilter', () => {
  it('asks for nothing when there is no condition and no tombstone', () => {
    assert.equal(matchingLabels(undefined), 'everything');
    assert.equal(matchingLabels({ exclude_ids: [] }), 'everything');
  });

  it('excludes ids, by any of their names, ignoring unknown ones, and combines every condition', () => {
    assert.deepEqual(matchingLabels({ exclude_ids: ['a', 'zzz'] }), ['b', 'c', 'd']);
    assert.deepEqual(matchingLabels({ categories: { any: ['cs.CV'] }, year: { gte: 2020 }, exclude_ids: ['a'] }), ['b']);
    assert.deepEqual(matchingLabels({ categories: { any: ['cs.CV'] }, exclude_ids: ['b'] }), ['a']);
  });

  it('leaves tombstones out, with or without a condition', () => {
    const store = PaperStore.fromPapers(papers);
    store.remove(1);
    assert.deepEqual(matchingLabels(undefined, store), ['a', 'c', 'd']);
    assert.deepEqual(matchingLabels({ year: { gte: 2000 } }, store), ['a', 'c']);
  });
});
