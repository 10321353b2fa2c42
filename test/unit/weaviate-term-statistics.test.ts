import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TermStatistics, type TermCounts } from '../../src/storage/weaviate/term-statistics.js';

/** Counts that say how often they were asked, answering from a table that tests change. */
function countingCounts(table: Map<string, number>, documents = { value: 100 }) {
  const asked: string[] = [];
  const counts: TermCounts = {
    documents: async () => {
      asked.push('<documents>');
      return documents.value;
    },
    holding: async (term) => {
      asked.push(term);
      if (term === 'broken') throw new Error('cluster unreachable');
      return table.get(term) ?? 0;
    },
  };
  return { counts, asked, documents };
}

describe('TermStatistics (the Weaviate lexical ceiling counts)', () => {
  it('asks the cluster once per term within the time to live, and shares a count being fetched', async () => {
    let now = 0;
    const { counts, asked } = countingCounts(new Map([['graph', 7]]));
    const statistics = new TermStatistics(counts, { ttlMs: 1_000, maxTerms: 100, now: () => now });
    const [first, second] = await Promise.all([statistics.frequencies(['graph', 'nets']), statistics.frequencies(['graph'])]);
    assert.deepEqual(first, [7, 0]);
    assert.deepEqual(second, [7]);
    assert.equal(await statistics.documents(), 100);
    assert.deepEqual(asked, ['graph', 'nets', '<documents>']);
    now = 999;
    await statistics.frequencies(['graph']);
    assert.equal(asked.length, 3);
    now = 1_000;
    await statistics.frequencies(['graph']);
    assert.deepEqual(asked.slice(3), ['graph'], 'an expired count is fetched again');
  });

  it('forgets the counts a write changed, and only those', async () => {
    const table = new Map([
      ['graph', 7],
      ['nets', 2],
    ]);
    const { counts, asked, documents } = countingCounts(table);
    const statistics = new TermStatistics(counts, { ttlMs: 60_000, maxTerms: 100 });
    await Promise.all([statistics.documents(), statistics.frequencies(['graph', 'nets'])]);
    table.set('graph', 8);
    documents.value = 101;
    statistics.forget(['graph']);
    assert.deepEqual(await statistics.frequencies(['graph', 'nets']), [8, 2]);
    assert.equal(await statistics.documents(), 101);
    assert.deepEqual(asked.slice(3), ['graph', '<documents>']);
  });

  it('does not keep a failed count, and remembers at most maxTerms', async () => {
    const { counts, asked } = countingCounts(new Map());
    const statistics = new TermStatistics(counts, { ttlMs: 60_000, maxTerms: 2 });
    await assert.rejects(statistics.frequencies(['broken']), /cluster unreachable/);
    await assert.rejects(statistics.frequencies(['broken']), /cluster unreachable/);
    assert.deepEqual(asked, ['broken', 'broken']);
    await statistics.frequencies(['a', 'b', 'c']);
    await statistics.frequencies(['c', 'b']);
    await statistics.frequencies(['a']);
    assert.deepEqual(asked.slice(2), ['a', 'b', 'c', 'a'], 'the oldest term was forgotten first');
  });
});
