import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzerName } from '../../src/storage/embedded/lexical/analyzer.js';
import { createBm25Builder } from '../../src/storage/embedded/lexical/bm25-builder.js';
import type { Bm25Index } from '../../src/storage/embedded/lexical/bm25-index.js';
import type { ScoredLabel } from '../../src/storage/embedded/lexical/top-k.js';
import { LiveLexicalIndex } from '../../src/storage/embedded/lexical/live-lexical-index.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

function indexOf(texts: readonly string[]): Bm25Index {
  const builder = createBm25Builder();
  texts.forEach((text, label) => builder.add(label, text));
  return builder.build();
}

/** A live index over `base`, with `added` indexed under the labels that follow the base's. */
function liveOf(base: readonly string[], added: readonly string[] = []): LiveLexicalIndex {
  const live = new LiveLexicalIndex(indexOf(base), analyzerName);
  added.forEach((text, i) => live.add(base.length + i, text));
  return live;
}

const labels = (hits: readonly ScoredLabel[]): number[] => hits.map((hit) => hit.label);

/** Same labels in the same order, scores equal up to a relative tolerance. */
function assertHitsClose(actual: readonly ScoredLabel[], expected: readonly ScoredLabel[], relative = 1e-12): void {
  assert.deepEqual(labels(actual), labels(expected));
  actual.forEach((hit, i) => {
    const want = expected[i]!.score;
    assert.ok(Math.abs(hit.score - want) <= relative * Math.abs(want), `label ${hit.label}: ${hit.score} vs ${want}`);
  });
}

// Words the analyzer keeps as they are (no stop words, Porter leaves them alone).
// Every document has 4 terms, so avgdl is 4 whatever is added, and a live index with added
// documents of 4 terms must score exactly like an index rebuilt with them.
const evenBase = [
  'cat dog fish bird', //   0
  'cat cat cow owl', //     1
  'dog fox hen eel', //     2
  'fish fish fish ant', //  3
  'bee yak elk owl', //     4
  'lion wolf cow hen', //   5
];
const evenAdded = [
  'cat fox fox zebra', //   6 (zebra: a term the base has never seen)
  'dog dog owl bee', //     7
];
const queries = ['cat', 'dog', 'owl', 'fox', 'zebra', 'cat dog', 'fish owl hen', 'cow zebra bee', 'dog dog cat', 'wolf', 'unknownword', ''];

describe('LiveLexicalIndex over an index of an older analyzer version', () => {
  it('analyzes the papers written since and the queries with the version that built the index', () => {
    const base = indexOf(['roads of old towns', 'rivers and bridges']);
    const first = new LiveLexicalIndex(base, 'english-lucene33stop-porter-v1');
    first.add(2, 'Straße networks of Łódź');
    assert.deepEqual(
      first.search('Straße Łódź', 10).map((hit) => hit.label),
      [2],
    );
    assert.deepEqual(first.search('Strasse Lodz', 10), []);
    const current = new LiveLexicalIndex(base, 'english-lucene33stop-porter-v2');
    current.add(2, 'Straße networks of Łódź');
    assert.deepEqual(
      current.search('Strasse Lodz', 10).map((hit) => hit.label),
      [2],
    );
  });
});

describe('LiveLexicalIndex and words joined by hyphens', () => {
  it('regression: a query writing a word whole finds the papers that hyphenate it, built or written since (pretraining found no paper on pre-training)', () => {
    const live = new LiveLexicalIndex(indexOf(['Pre-training of deep networks', 'Rivers and bridges']), analyzerName);
    live.add(2, 'Self-supervised fine-tuning of language models');
    assert.deepEqual(
      live.search('pretraining', 10).map((hit) => hit.label),
      [0],
    );
    assert.deepEqual(
      live.search('finetuning', 10).map((hit) => hit.label),
      [2],
    );
    // Hyphenated in the query too, as most papers write it.
    assert.deepEqual(
      live.search('pre-training', 10).map((hit) => hit.label),
      [0],
    );
  });
});

describe('LiveLexicalIndex with nothing added', () => {
  it('returns exactly what the base index returns', () => {
    const base = indexOf(evenBase);
    const live = new LiveLexicalIndex(base, analyzerName);
    assert.equal(live.addedCount, 0);
    assert.equal(live.termCount, base.termCount);
    assert.equal(live.base, base);
    const accept = (label: number) => label !== 1;
    for (const query of queries) {
      for (const k of [0, 1, 3, 100]) {
        assert.deepEqual(live.search(query, k), base.search(query, k), `${query} k=${k}`);
        assert.deepEqual(live.search(query, k, accept), base.search(query, k, accept), `${query} k=${k} with accept`);
      }
    }
  });

  it('returns to the base results once every added paper is removed', () => {
    const base = indexOf(evenBase);
    const live = new LiveLexicalIndex(base, analyzerName);
    live.add(6, evenAdded[0]!);
    live.add(7, evenAdded[1]!);
    assert.equal(live.addedCount, 2);
    live.remove(6);
    live.remove(7);
    assert.equal(live.addedCount, 0);
    for (const query of queries) assert.deepEqual(live.search(query, 10), base.search(query, 10), query);
  });
});

describe('LiveLexicalIndex with added papers', () => {
  it('finds an added paper by its terms, including terms the base does not know', () => {
    const live = liveOf(evenBase, evenAdded);
    assert.equal(live.addedCount, 2);
    assert.deepEqual(labels(live.search('zebra', 10)), [6]);
    assert.ok(labels(live.search('fox', 10)).includes(6));
    assert.ok(labels(live.search('bee', 10)).includes(7));
    assert.deepEqual(live.search('unknownword', 10), []);
  });

  it('scores like an index rebuilt with the added papers when they have the average length', () => {
    const live = liveOf(evenBase, evenAdded);
    const rebuilt = indexOf([...evenBase, ...evenAdded]);
    assert.equal(rebuilt.averageDocumentLength, live.base.averageDocumentLength, 'precondition: same avgdl');
    for (const query of queries) {
      for (const k of [1, 2, 5, 100]) assertHitsClose(live.search(query, k), rebuilt.search(query, k));
    }
  });

  it('ranks as a full rebuild would when lengths differ', () => {
    // Lengths 2..9: avgdl of the base (5) and of the rebuild (5.25) differ, so scores differ
    // slightly; the order does not, on queries without near-ties.
    const base = [
      'cat dog', //                               0
      'cat cat fish owl', //                      1
      'dog bird bird bird fox hen eel', //        2
      'fish ant bee', //                          3
      'owl owl owl yak elk lion wolf cow eel', // 4
    ];
    const added = [
      'cat cat cat fox fox zebra', //             5
      'dog dog owl', //                           6
      'fish fish bee bee bee bee hen ant', //     7
    ];
    const live = liveOf(base, added);
    const rebuilt = indexOf([...base, ...added]);
    assert.notEqual(rebuilt.averageDocumentLength, live.base.averageDocumentLength);
    for (const query of ['cat', 'dog', 'owl', 'fish', 'fox', 'bee', 'zebra', 'cat fox', 'dog owl', 'fish bee hen', 'owl eel', 'cat dog fish owl']) {
      const expected = rebuilt.search(query, 100);
      // The ranking is unambiguous: no two scores of the rebuild are within 2%.
      for (let i = 1; i < expected.length; i++) {
        assert.ok(expected[i - 1]!.score > 1.02 * expected[i]!.score, `precondition: ${query} has a near-tie at rank ${i}`);
      }
      const actual = live.search(query, 100);
      assert.deepEqual(labels(actual), labels(expected), query);
      actual.forEach((hit, i) =>
        assert.ok(Math.abs(hit.score - expected[i]!.score) < 0.05 * expected[i]!.score, `${query}: ${hit.score} vs ${expected[i]!.score}`),
      );
    }
  });

  it('counts added papers in the document frequencies of base papers', () => {
    // "owl" is in base papers 1 and 4; adding two more owl papers lowers its idf, and so the
    // score of base paper 1 for "owl", exactly as in a rebuild.
    const before = liveOf(evenBase)
      .search('owl', 10)
      .find((hit) => hit.label === 1)!.score;
    const live = liveOf(evenBase, ['owl ant ant ant', 'owl bee bee bee']);
    const after = live.search('owl', 10).find((hit) => hit.label === 1)!.score;
    assert.ok(after < before, `${after} < ${before}`);
    const rebuilt = indexOf([...evenBase, 'owl ant ant ant', 'owl bee bee bee']);
    assertHitsClose(live.search('owl', 10), rebuilt.search('owl', 10));
  });

  it('forgets a removed added paper in results and document frequencies', () => {
    const live = liveOf(evenBase, evenAdded);
    live.remove(6);
    assert.equal(live.addedCount, 1);
    assert.deepEqual(live.search('zebra', 10), []);
    assert.ok(!labels(live.search('cat fox', 10)).includes(6));
    // Scores (idf of "cat", "fox", ...) are as if paper 6 had never been added.
    const reference = new LiveLexicalIndex(indexOf(evenBase), analyzerName);
    reference.add(7, evenAdded[1]!);
    for (const query of queries) assert.deepEqual(live.search(query, 10), reference.search(query, 10), query);
    // Removing twice, or a label never added, changes nothing.
    live.remove(6);
    live.remove(3);
    live.remove(99);
    for (const query of queries) assert.deepEqual(live.search(query, 10), reference.search(query, 10), query);
  });

  it('scores a removed and re-added paper as before', () => {
    const live = liveOf(evenBase, evenAdded);
    const expected = live.search('cat fox zebra', 10);
    live.remove(6);
    live.add(6, evenAdded[0]!);
    assert.deepEqual(live.search('cat fox zebra', 10), expected);
  });

  it('honours accept for base and added papers', () => {
    const live = liveOf(evenBase, evenAdded);
    const all = live.search('cat dog', 10);
    assert.ok(labels(all).includes(0) && labels(all).includes(6) && labels(all).includes(7));
    const asked: number[] = [];
    const filtered = live.search('cat dog', 10, (label) => {
      asked.push(label);
      return label !== 0 && label !== 7;
    });
    assert.deepEqual(
      labels(filtered),
      labels(all).filter((label) => label !== 0 && label !== 7),
    );
    assert.ok(asked.includes(0) && asked.includes(7), 'accept is asked about base and added papers');
    // Scores of the papers kept are unchanged by the filter.
    for (const hit of filtered) assert.equal(hit.score, all.find((other) => other.label === hit.label)!.score);
    assert.deepEqual(
      live.search('cat dog', 10, () => false),
      [],
    );
  });

  it('returns at most k hits, the best first', () => {
    const live = liveOf(evenBase, evenAdded);
    const all = live.search('cat dog fox owl', 100);
    assert.ok(all.length >= 6);
    for (const k of [1, 2, 3, 5]) assert.deepEqual(live.search('cat dog fox owl', k), all.slice(0, k));
    assert.deepEqual(live.search('cat dog fox owl', 0), []);
    assert.deepEqual(live.search('cat dog fox owl', -3), []);
    assert.deepEqual(live.search('cat dog fox owl', 2.7), all.slice(0, 2));
    assert.deepEqual(live.search('cat dog fox owl', Number.POSITIVE_INFINITY), all);
    for (let i = 1; i < all.length; i++) {
      const [before, after] = [all[i - 1]!, all[i]!];
      assert.ok(before.score > after.score || (before.score === after.score && before.label < after.label));
    }
  });

  it('lets an added paper outrank base papers within k', () => {
    const live = liveOf(evenBase, ['fox fox fox fox']);
    assert.deepEqual(labels(live.search('fox', 1)), [6]);
    assert.deepEqual(labels(live.search('fox', 2)), [6, 2]);
  });

  it('breaks ties by smaller label, across base and added papers', () => {
    const base = ['same text here', 'filler words', 'same text here'];
    const live = liveOf(base, ['same text here', 'other filler', 'same text here']);
    const hits = live.search('same text', 10);
    assert.deepEqual(labels(hits), [0, 2, 3, 5]);
    assert.equal(new Set(hits.map((hit) => hit.score)).size, 1, 'identical texts score the same');
    assert.deepEqual(labels(live.search('same text', 3)), [0, 2, 3]);
    assert.deepEqual(labels(live.search('same text', 2, (label) => label !== 0)), [2, 3]);
    assert.deepEqual(labels(live.search('same text', 1, (label) => label < 2 || label > 3)), [0]);
  });

  it('scores added papers over an empty base with their own average length', () => {
    const added = ['cat dog', 'cat cat fish owl', 'dog bird bird bird', 'fish'];
    const live = liveOf([], added);
    const rebuilt = indexOf(added);
    for (const query of ['cat', 'dog fish', 'bird', 'owl cat', 'zebra']) assertHitsClose(live.search(query, 10), rebuilt.search(query, 10));
  });

  it('matches a rebuild on a random corpus of equal-length documents', () => {
    const random = seededRandom(17);
    const vocabulary = Array.from({ length: 60 }, (_, i) => `word${i.toString(36)}`);
    const pick = (): string => vocabulary[Math.floor(vocabulary.length * random() ** 2)]!;
    // Distinct words per document would change the length; repeats are fine: length is 8 terms.
    const text = (): string => Array.from({ length: 8 }, pick).join(' ');
    const base = Array.from({ length: 80 }, text);
    const added = Array.from({ length: 15 }, text);
    const live = liveOf(base, added);
    const rebuilt = indexOf([...base, ...added]);
    assert.equal(rebuilt.averageDocumentLength, live.base.averageDocumentLength);
    for (let q = 0; q < 30; q++) {
      const query = Array.from({ length: 1 + Math.floor(random() * 3) }, pick).join(' ');
      const expected = rebuilt.search(query, 20);
      const actual = live.search(query, 20);
      assert.equal(actual.length, expected.length);
      // Equal scores up to float rounding (summed in another order), so labels may swap only on ties.
      actual.forEach((hit, i) => {
        assert.ok(Math.abs(hit.score - expected[i]!.score) <= 1e-12 * expected[i]!.score, `${query} rank ${i}`);
        if (hit.label !== expected[i]!.label) assert.ok(Math.abs(hit.score - expected[i]!.score) <= 1e-12 * hit.score);
      });
    }
  });
});

describe('LiveLexicalIndex scores and term weights', () => {
  const base = ['glacier calving fronts', 'radar sounding of ice', 'coral reef bleaching', 'glacier mass balance and radar'];
  const added = ['radar altimetry of glacier surfaces', 'reef fish counts'];

  it('scores asked papers, of the snapshot or written since, as a search does', () => {
    const live = liveOf(base, added);
    const searched = new Map(live.search('glacier radar', 10).map((hit) => [hit.label, hit.score]));
    const labels = [4, 0, 2, 3, 5];
    const scores = live.scores('glacier radar', labels);
    labels.forEach((label, i) => assert.ok(Math.abs(scores[i]! - (searched.get(label) ?? 0)) < 1e-12, `label ${label}`));
  });

  it('gives in one pass the hits of search and the scores of scores, with and without papers written since', () => {
    for (const live of [liveOf(base), liveOf(base, added)]) {
      const labels = [4, 0, 2, 3, 5, 1].filter((label) => label < base.length + live.addedCount);
      for (const query of ['glacier radar', 'reef', 'ice ice radar', 'nothingmatches']) {
        for (const k of [0, 1, 3, 10]) {
          const accept = (label: number): boolean => label !== 3;
          const { hits, scores } = live.searchAndScore(query, k, labels, accept);
          assert.deepEqual(hits, live.search(query, k, accept), `${query} k=${k}`);
          assert.deepEqual(scores, live.scores(query, labels), `${query} k=${k}`);
        }
      }
    }
  });

  it('weighs every query term by its idf over the snapshot and the papers written since, unknown terms included', () => {
    const live = liveOf(base, added);
    const weights = new Map(live.termWeights('glacier glacier unheardofword').map((weight) => [weight.term, weight]));
    assert.equal(weights.get('glacier')!.occurrences, 2);
    assert.ok(Math.abs(weights.get('glacier')!.idf - Math.log(1 + (6 - 3 + 0.5) / (3 + 0.5))) < 1e-12, 'df 3 of 6 papers');
    assert.ok(Math.abs(weights.get('unheardofword')!.idf - Math.log(1 + (6 + 0.5) / 0.5)) < 1e-12, 'df 0');
  });
});
