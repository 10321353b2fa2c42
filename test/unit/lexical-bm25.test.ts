import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/errors.js';
import { analyze, analyzerName } from '../../src/storage/embedded/lexical/analyzer.js';
import { createBm25Builder } from '../../src/storage/embedded/lexical/bm25-builder.js';
import { decodeBm25Index, encodeBm25Index } from '../../src/storage/embedded/lexical/bm25-codec.js';
import type { Bm25Index } from '../../src/storage/embedded/lexical/bm25-index.js';
import { bm25Ceiling, bm25Idf, countTerms, defaultBm25Parameters } from '../../src/storage/embedded/lexical/bm25-scoring.js';
import type { ScoredLabel } from '../../src/storage/embedded/lexical/top-k.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

function indexOf(texts: readonly string[], parameters?: { k1?: number; b?: number }): Bm25Index {
  const builder = createBm25Builder(parameters);
  texts.forEach((text, label) => builder.add(label, text));
  return builder.build();
}

function assertHitsClose(actual: ScoredLabel[], expected: ScoredLabel[]): void {
  assert.deepEqual(
    actual.map((hit) => hit.label),
    expected.map((hit) => hit.label),
  );
  actual.forEach((hit, i) => assert.ok(Math.abs(hit.score - expected[i]!.score) < 1e-12, `label ${hit.label}: ${hit.score} vs ${expected[i]!.score}`));
}

function assertCorrupt(bytes: Uint8Array, message?: RegExp): void {
  assert.throws(
    () => decodeBm25Index(bytes),
    (error: unknown) => error instanceof AppError && error.code === 'index_corrupt' && (!message || message.test(error.message)),
  );
}

// Words that Porter leaves as they are, so the analyzed documents are plain to read:
//   0 "cat dog"             → cat dog           |d| = 2
//   1 "cat cat fish"        → cat cat fish      |d| = 3
//   2 "dog bird bird bird"  → dog bird×3        |d| = 4
//   3 "the fish"            → fish              |d| = 1 ("the" is a stop word)
const tiny = ['cat dog', 'Cat, cat fish.', 'dog bird bird bird', 'the fish'];

describe('Bm25Index scoring', () => {
  // N = 4, avgdl = (2 + 3 + 4 + 1) / 4 = 2.5, k1 = 0.9, b = 0.4.
  // df: cat 2, dog 2, fish 2, bird 1.
  // idf(df 2) = ln(1 + (4 − 2 + 0.5) / (2 + 0.5)) = ln(1 + 1)   = ln 2      = 0.693147…
  // idf(df 1) = ln(1 + (4 − 1 + 0.5) / (1 + 0.5)) = ln(1 + 7/3) = ln(10/3)  = 1.203973…
  // norm(|d|) = k1 · (1 − b + b · |d| / avgdl) = 0.9 · (0.6 + 0.16 · |d|):
  //   norm(1) = 0.684, norm(2) = 0.828, norm(3) = 0.972, norm(4) = 1.116.
  // term score = idf · fround(tf / (tf + norm(|d|))): the share is kept as a float32 (bm25Share).
  const N = 4;
  const avgdl = (2 + 3 + 4 + 1) / 4;
  const { k1, b } = defaultBm25Parameters;
  const idf = (df: number): number => Math.log(1 + (N - df + 0.5) / (df + 0.5));
  const termScore = (df: number, tf: number, length: number): number => idf(df) * Math.fround(tf / (tf + k1 * (1 - b + (b * length) / avgdl)));
  const index = indexOf(tiny);

  it('uses Anserini defaults k1 = 0.9, b = 0.4', () => {
    assert.deepEqual(index.parameters, { k1: 0.9, b: 0.4 });
    assert.equal(index.documentCount, 4);
    assert.equal(index.termCount, 4);
  });

  it('scores one term by the formula', () => {
    // cat in doc 1: ln 2 · 2 / (2 + 0.972) = 0.466452 (beats doc 0 despite the longer doc);
    // cat in doc 0: ln 2 · 1 / (1 + 0.828) = 0.379183.
    const hits = index.search('cat', 10);
    assertHitsClose(hits, [
      { label: 1, score: termScore(2, 2, 3) },
      { label: 0, score: termScore(2, 1, 2) },
    ]);
    assert.ok(Math.abs(hits[0]!.score - 0.466452) < 1e-6);
    assert.ok(Math.abs(hits[1]!.score - 0.379183) < 1e-6);
  });

  it('sums the scores of the query terms', () => {
    // bird in doc 2: ln(10/3) · 3 / (3 + 1.116) = 0.877531; doc 2 has no cat.
    assertHitsClose(index.search('cat bird', 10), [
      { label: 2, score: termScore(1, 3, 4) },
      { label: 1, score: termScore(2, 2, 3) },
      { label: 0, score: termScore(2, 1, 2) },
    ]);
    assert.ok(Math.abs(index.search('bird', 1)[0]!.score - 0.877531) < 1e-6);
    // dog fish: doc 3 fish 0.411608, doc 0 dog 0.379183, doc 1 fish 0.351495, doc 2 dog 0.327574.
    assertHitsClose(index.search('dog fish', 10), [
      { label: 3, score: termScore(2, 1, 1) },
      { label: 0, score: termScore(2, 1, 2) },
      { label: 1, score: termScore(2, 1, 3) },
      { label: 2, score: termScore(2, 1, 4) },
    ]);
  });

  it('analyzes the query like the documents', () => {
    assert.deepEqual(index.search('The CATS!', 10), index.search('cat', 10));
  });

  it('counts a repeated query term once per occurrence', () => {
    const once = index.search('cat', 10);
    const twice = index.search('cat cat', 10);
    assertHitsClose(
      twice,
      once.map((hit) => ({ label: hit.label, score: 2 * hit.score })),
    );
  });

  it('follows other parameters', () => {
    const lucene = indexOf(tiny, { k1: 1.2, b: 0.75 });
    const norm = (length: number): number => 1.2 * (1 - 0.75 + (0.75 * length) / avgdl);
    assertHitsClose(lucene.search('cat', 10), [
      { label: 1, score: idf(2) * Math.fround(2 / (2 + norm(3))) },
      { label: 0, score: idf(2) * Math.fround(1 / (1 + norm(2))) },
    ]);
    // b = 0: no length normalization, so only tf separates documents.
    const flat = indexOf(['fish', 'fish bird bird bird bird bird'], { b: 0 });
    const [first, second] = flat.search('fish', 10);
    assert.equal(first!.score, second!.score);
  });

  it('rejects parameters outside their range', () => {
    for (const parameters of [{ k1: -1 }, { k1: Number.NaN }, { b: 1.5 }, { b: -0.1 }]) {
      assert.throws(
        () => createBm25Builder(parameters),
        (error: unknown) => error instanceof AppError && error.code === 'internal',
      );
    }
  });
});

describe('Bm25Index search', () => {
  it('breaks score ties by smaller label, whatever k', () => {
    const texts = ['other words', 'same text here', 'filler', 'same text here', 'same text here', 'here same text'];
    const index = indexOf(texts);
    const all = index.search('same text', 10);
    assert.deepEqual(
      all.map((hit) => hit.label),
      [1, 3, 4, 5],
    );
    assert.equal(new Set(all.map((hit) => hit.score)).size, 1);
    assert.deepEqual(
      index.search('same text', 2).map((hit) => hit.label),
      [1, 3],
    );
  });

  it('keeps the best k when candidates outnumber k', () => {
    const texts = Array.from({ length: 50 }, (_, i) => `common ${'rare '.repeat(i % 7)}filler${i}`);
    const index = indexOf(texts);
    const all = index.search('rare common', 100);
    assert.equal(all.length, 50);
    for (const k of [1, 3, 10, 49]) assert.deepEqual(index.search('rare common', k), all.slice(0, k));
    for (let i = 1; i < all.length; i++) {
      const [before, after] = [all[i - 1]!, all[i]!];
      assert.ok(before.score > after.score || (before.score === after.score && before.label < after.label));
    }
  });

  it('applies the accept filter before taking k', () => {
    const texts = Array.from({ length: 10 }, () => 'identical abstract');
    const index = indexOf(texts);
    assert.deepEqual(
      index.search('abstract', 3, (label) => label % 2 === 1).map((hit) => hit.label),
      [1, 3, 5],
    );
    assert.deepEqual(
      index.search('abstract', 3, () => false),
      [],
    );
    const tinyIndex = indexOf(tiny);
    assert.deepEqual(
      tinyIndex.search('cat', 10, (label) => label !== 1).map((hit) => hit.label),
      [0],
    );
  });

  it('survives an accept filter that searches the same index', () => {
    const index = indexOf(tiny);
    const expected = index.search('dog fish', 10);
    const nested = index.search('dog fish', 10, () => index.search('cat', 10).length > 0);
    assert.deepEqual(nested, expected);
  });

  // A query reaching most documents reads every document's slot; one of rare terms lists the
  // documents it reaches. Both must give the exhaustive answer and leave the accumulator clean.
  describe('whether the query reaches few documents or most of them', () => {
    const texts = Array.from(
      { length: 600 },
      (_, i) => `${i % 10 === 0 ? '' : 'common '}${i % 37 === 0 ? 'rare rare ' : ''}${i % 5 === 0 ? 'middle ' : ''}filler${i % 13}`,
    );
    const index = indexOf(texts);
    const reference = referenceSearch(texts);
    const queries = ['rare', 'rare middle', 'common', 'common rare middle', 'filler3 rare'];

    it('returns the exhaustive top k, with and without a filter', () => {
      for (const query of queries) {
        for (const k of [1, 7, 100, 1000]) {
          assertHitsClose(index.search(query, k), reference(query, k));
          const accept = (label: number): boolean => label % 4 !== 1;
          assertHitsClose(index.search(query, k, accept), reference(query, k, accept));
        }
      }
    });

    it('scores asked documents in the search pass exactly as scoreDocuments does', () => {
      const asked = [0, 5, 37, 74, 111, 599, 300, 1];
      for (const query of queries) {
        for (const k of [1, 7, 1000]) {
          const { hits, scores } = index.searchAndScore(countTerms(query, analyzerName), k, asked);
          assert.deepEqual(hits, index.search(query, k));
          assert.deepEqual([...scores], [...index.scoreDocuments(countTerms(query, analyzerName), asked)], query);
        }
      }
    });

    it('answers the next query correctly after a filter throws midway', () => {
      for (const query of queries) {
        let asked = 0;
        assert.throws(() =>
          index.search(query, 5, () => {
            if (++asked === 3) throw new Error('filter failed');
            return true;
          }),
        );
        for (const next of queries) assertHitsClose(index.search(next, 10), reference(next, 10));
      }
    });

    it('gives a search started inside a filter its own buffers', () => {
      for (const query of queries) {
        const nested = index.search(query, 10, (label) => index.search('common middle', 3).length > 0 && label >= 0);
        assertHitsClose(nested, reference(query, 10));
      }
    });
  });

  it('returns every match when k is larger', () => {
    const index = indexOf(tiny);
    assert.equal(index.search('cat', 1000).length, 2);
    assert.equal(index.search('cat', Number.POSITIVE_INFINITY).length, 2);
  });

  it('returns nothing for k < 1, unknown terms or stop words only', () => {
    const index = indexOf(tiny);
    assert.deepEqual(index.search('cat', 0), []);
    assert.deepEqual(index.search('cat', -5), []);
    assert.deepEqual(index.search('cat', Number.NaN), []);
    assert.deepEqual(index.search('zebra giraffe', 10), []);
    assert.deepEqual(index.search('the of and with', 10), []);
    assert.deepEqual(index.search('', 10), []);
  });

  it('handles an empty index and empty documents', () => {
    const empty = indexOf([]);
    assert.equal(empty.documentCount, 0);
    assert.deepEqual(empty.search('cat', 10), []);
    const withBlank = indexOf(['', 'the of', 'cat']);
    assert.equal(withBlank.documentCount, 3);
    // N = 3 counts the documents without terms: idf = ln(1 + 2.5 / 1.5), |d| = 1, avgdl = 1/3.
    const score = Math.log(1 + 2.5 / 1.5) * Math.fround(1 / (1 + 0.9 * (0.6 + (0.4 * 1) / (1 / 3))));
    assertHitsClose(withBlank.search('cat', 10), [{ label: 2, score }]);
  });

  it('requires labels 0..N-1 in order and one build', () => {
    const builder = createBm25Builder();
    assert.throws(
      () => builder.add(1, 'text'),
      (error: unknown) => error instanceof AppError && error.code === 'internal',
    );
    builder.add(0, 'text');
    assert.throws(() => builder.add(0, 'text'), AppError);
    builder.build();
    assert.throws(() => builder.add(1, 'text'), AppError);
    assert.throws(() => builder.build(), AppError);
  });

  it('matches a brute-force BM25 on a random corpus', () => {
    const random = seededRandom(7);
    const vocabulary = Array.from({ length: 300 }, (_, i) => `word${i.toString(36)}`);
    const pick = (): string => vocabulary[Math.floor(vocabulary.length * random() ** 2)]!;
    const texts = Array.from({ length: 400 }, () => Array.from({ length: 5 + Math.floor(random() * 60) }, pick).join(' '));
    const index = indexOf(texts);
    const reference = referenceSearch(texts);
    for (let q = 0; q < 40; q++) {
      const query = Array.from({ length: 1 + Math.floor(random() * 4) }, pick).join(' ');
      for (const k of [1, 5, 50, 1000]) {
        const accept = q % 3 === 0 ? (label: number) => label % 3 !== 0 : undefined;
        assertHitsCloseLoose(index.search(query, k, accept), reference(query, k, accept));
      }
    }
  });
});

describe('Bm25Index on a skewed vocabulary (several query terms)', () => {
  it('returns exactly the exhaustive top k on a skewed vocabulary, with and without a filter', () => {
    const random = seededRandom(23);
    const vocabulary = Array.from({ length: 800 }, (_, i) => `term${i.toString(36)}`);
    // Zipf-like: a few terms in most documents (long postings, small bounds), many rare ones.
    const pick = (): string => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!;
    const texts = Array.from({ length: 2000 }, () => Array.from({ length: 10 + Math.floor(random() * 120) }, pick).join(' '));
    const index = indexOf(texts);
    const reference = referenceSearch(texts);
    for (let q = 0; q < 150; q++) {
      const query = Array.from({ length: 2 + Math.floor(random() * 7) }, pick).join(' ');
      for (const k of [1, 10, 100]) {
        const accept = q % 4 === 0 ? (label: number) => label % 5 !== 0 : undefined;
        assertHitsCloseLoose(index.search(query, k, accept), reference(query, k, accept));
      }
    }
  });
});

describe('Bm25Index serialization', () => {
  const random = seededRandom(11);
  const words = ['protein', 'folding', 'graph', 'neural', 'network', 'covid19', 'cell', 'gene', 'Москва', 'naïve', '3d', 'x'];
  const texts = Array.from({ length: 300 }, () =>
    Array.from({ length: 3 + Math.floor(random() * 30) }, () => words[Math.floor(random() * words.length)]!).join(' '),
  );
  const index = indexOf(texts, { k1: 1.1, b: 0.6 });
  const bytes = encodeBm25Index(index);

  it('round-trips to an index with identical results', () => {
    const copy = decodeBm25Index(bytes);
    assert.equal(copy.documentCount, index.documentCount);
    assert.equal(copy.termCount, index.termCount);
    assert.deepEqual(copy.parameters, index.parameters);
    for (const query of ['protein folding', 'neural network graph', 'covid19 cell', 'москва', 'naive 3D', 'gene gene cell', 'nothing']) {
      for (const k of [1, 10, 300]) assert.deepEqual(copy.search(query, k), index.search(query, k));
    }
    assert.deepEqual(encodeBm25Index(copy), bytes);
  });

  it('reads bytes that are not at the start of their buffer', () => {
    const buffer = new Uint8Array(bytes.length + 3);
    buffer.set(bytes, 3);
    const copy = decodeBm25Index(buffer.subarray(3));
    buffer.fill(0);
    assert.deepEqual(copy.search('protein', 5), index.search('protein', 5));
  });

  it('starts with the magic and version', () => {
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), 'PSBM25IX');
    assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true), 1);
  });

  it('round-trips an empty index', () => {
    const empty = decodeBm25Index(encodeBm25Index(indexOf([])));
    assert.equal(empty.documentCount, 0);
    assert.deepEqual(empty.search('protein', 3), []);
  });

  it('rejects a wrong magic', () => {
    const bad = bytes.slice();
    bad[0] = 0x58;
    assertCorrupt(bad, /magic/);
    assertCorrupt(new TextEncoder().encode('{"not": "an index"} but long enough for a header......'), /magic/);
  });

  it('rejects another format version', () => {
    const bad = bytes.slice();
    new DataView(bad.buffer).setUint32(8, 2, true);
    assertCorrupt(bad, /version 2/);
  });

  it('rejects truncated or extended bytes', () => {
    assertCorrupt(new Uint8Array(0), /header/);
    assertCorrupt(bytes.subarray(0, 20), /header/);
    assertCorrupt(bytes.subarray(0, 48), /truncated/);
    assertCorrupt(bytes.subarray(0, bytes.length - 1), /truncated/);
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    assertCorrupt(longer, /truncated or padded/);
  });

  it('rejects a changed byte anywhere', () => {
    for (const position of [13, 20, 33, 60, Math.floor(bytes.length / 2), bytes.length - 40, bytes.length - 1]) {
      const bad = bytes.slice();
      bad[position] = bad[position]! ^ 0x10;
      assertCorrupt(bad);
    }
  });
});

describe('Bm25Index scale', () => {
  // Speed is measured by the benchmark suite, not asserted here.
  it('builds, saves, loads and searches 5,000 abstracts with a Zipf-like vocabulary', () => {
    const random = seededRandom(3);
    const vocabulary = Array.from({ length: 20_000 }, (_, i) => `term${i.toString(36)}`);
    // Zipf-like: a few very common words, a long tail of rare ones, ~150 words an abstract.
    const texts = Array.from({ length: 5000 }, () =>
      Array.from({ length: 100 + Math.floor(random() * 100) }, () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!).join(' '),
    );
    const queries = Array.from({ length: 100 }, (_, i) => texts[i * 50]!.split(' ').slice(0, 6).join(' '));

    const index = indexOf(texts);
    const loaded = decodeBm25Index(encodeBm25Index(index));
    for (const query of queries) assert.deepEqual(loaded.search(query, 10), index.search(query, 10));
    assert.equal(loaded.documentCount, 5000);
  });
});

/** BM25 written the obvious way, with Maps, from the same analyzer. */
function referenceSearch(texts: readonly string[]) {
  const documents = texts.map((text) => {
    const tf = new Map<string, number>();
    const terms = analyze(text);
    for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
    return { tf, length: terms.length };
  });
  const N = documents.length;
  const avgdl = documents.reduce((sum, document) => sum + document.length, 0) / N;
  const df = new Map<string, number>();
  for (const document of documents) for (const term of document.tf.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const { k1, b } = defaultBm25Parameters;
  return (query: string, k: number, accept?: (label: number) => boolean): ScoredLabel[] => {
    const hits: ScoredLabel[] = [];
    documents.forEach((document, label) => {
      if (accept && !accept(label)) return;
      let score = 0;
      let matched = false;
      for (const term of analyze(query)) {
        const tf = document.tf.get(term);
        if (!tf) continue;
        matched = true;
        const idf = Math.log(1 + (N - df.get(term)! + 0.5) / (df.get(term)! + 0.5));
        score += idf * Math.fround(tf / (tf + k1 * (1 - b + (b * document.length) / avgdl)));
      }
      if (matched) hits.push({ label, score });
    });
    return hits.sort((x, y) => y.score - x.score || x.label - y.label).slice(0, k);
  };
}

/** Like assertHitsClose, but lets near-equal scores (summed in another order) swap places. */
function assertHitsCloseLoose(actual: ScoredLabel[], expected: ScoredLabel[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((hit, i) => assert.ok(Math.abs(hit.score - expected[i]!.score) < 1e-9, `rank ${i}: ${hit.score} vs ${expected[i]!.score}`));
  const sameLabels = actual.every((hit, i) => hit.label === expected[i]!.label || Math.abs(hit.score - expected[i]!.score) < 1e-9);
  assert.ok(sameLabels);
}

describe('bm25Ceiling', () => {
  it('is the sum of idf times occurrences over the query terms', () => {
    assert.equal(
      bm25Ceiling([
        { idf: 2, occurrences: 1 },
        { idf: 0.5, occurrences: 3 },
      ]),
      3.5,
    );
    assert.equal(bm25Ceiling([]), 0);
  });

  it('bounds every BM25 score of the query, and a paper repeating every term comes closest', () => {
    const index = indexOf(['lung cancer screening', 'cancer cancer cancer lung lung lung', 'heart failure', 'diabetes', 'asthma in children']);
    const ceiling = bm25Ceiling(['lung', 'cancer'].map((term) => ({ idf: bm25Idf(index.documentCount, index.documentFrequency(term)), occurrences: 1 })));
    const hits = index.search('lung cancer', 10);
    assert.equal(hits.length, 2);
    for (const hit of hits) assert.ok(hit.score < ceiling, `${hit.score} < ${ceiling}`);
    assert.equal(hits[0]!.label, 1);
    assert.ok(hits[0]!.score / ceiling > 0.6);
  });
});

describe('Bm25Index.scoreDocuments', () => {
  it('gives each asked document the score a search gives it, and 0 to one without a query term', () => {
    const texts = Array.from({ length: 60 }, (_, i) => `paper ${i} about ${['lungs', 'hearts', 'cancer cells', 'lung cancer'][i % 4]} and more`);
    const index = indexOf(texts);
    const searched = new Map(index.search('lung cancer', 100).map((hit) => [hit.label, hit.score]));
    const labels = [3, 7, 2, 59, 0];
    const scores = index.scoreDocuments(countTerms('lung cancer', analyzerName), labels);
    labels.forEach((label, i) => assert.ok(Math.abs(scores[i]! - (searched.get(label) ?? 0)) < 1e-12, `label ${label}`));
  });
});
