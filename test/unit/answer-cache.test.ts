import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnswerCache } from '../../src/http/answer-cache.js';
import { keptAnswer, plainAnswer } from '../../src/http/kept-answer.js';

const service = {};
const text = (answer: ReturnType<typeof keptAnswer> | undefined) => answer && Buffer.concat(plainAnswer(answer, '}')).toString();

describe('AnswerCache', () => {
  it('keeps an answer for its service and contents version', () => {
    const cache = new AnswerCache(1024 * 1024);
    const slot = { owner: service, version: 1, key: '/v1/papers/a/related' };
    assert.equal(cache.get(slot), undefined);
    cache.set(slot, keptAnswer({ hits: [] }));
    assert.equal(text(cache.get(slot)), '{"hits":[]}');
  });

  it('empties itself when the contents change or another service answers', () => {
    const cache = new AnswerCache(1024 * 1024);
    const slot = { owner: service, version: 1, key: 'a' };
    cache.get(slot);
    cache.set(slot, keptAnswer({ hits: [] }));
    assert.equal(cache.get({ ...slot, version: 2 }), undefined);
    assert.equal(cache.size, 0);
    cache.set({ ...slot, version: 2 }, keptAnswer({ hits: [] }));
    assert.equal(cache.get({ ...slot, version: 2, owner: {} }), undefined);
    assert.equal(cache.size, 0);
  });

  it('does not keep an answer computed from contents that have moved on', () => {
    const cache = new AnswerCache(1024 * 1024);
    const stale = { owner: service, version: 1, key: 'a' };
    cache.get(stale);
    cache.get({ ...stale, version: 2, key: 'b' });
    cache.set(stale, keptAnswer({ hits: [] }));
    assert.equal(cache.get({ ...stale, version: 2 }), undefined);
  });

  it('holds at most its bytes, least recently used out first, and nothing when off', () => {
    const cache = new AnswerCache(64 * 1024);
    const answer = keptAnswer({ hits: 'x'.repeat(4000) });
    const slot = (key: string) => ({ owner: service, version: 1, key });
    cache.get(slot('first'));
    for (let i = 0; i < 20; i++) cache.set(slot(String(i)), answer);
    assert.ok(cache.size < 20 && cache.size >= 14, `${cache.size} answers of 4 kB in 64 kB`);
    assert.equal(cache.get(slot('0')), undefined);
    assert.ok(cache.get(slot('19')));
    const off = new AnswerCache(0);
    off.get(slot('a'));
    off.set(slot('a'), answer);
    assert.equal(off.get(slot('a')), undefined);
  });

  it('counts the memory an answer holds on to: a short Buffer may be a slice of a shared 8 KiB pool', () => {
    const cache = new AnswerCache(64 * 1024);
    const slot = { owner: service, version: 1, key: 'a' };
    cache.get(slot);
    const pooled = Buffer.from('{"hits":[]');
    assert.ok(pooled.buffer.byteLength >= 8192, 'Buffer.from slices its pool');
    cache.set(slot, { open: pooled });
    assert.equal(cache.get(slot), undefined, 'over an eighth of the budget');
    const own = keptAnswer({ hits: [] });
    assert.equal(own.open.buffer.byteLength, own.open.length);
    cache.set(slot, own);
    assert.equal(cache.get(slot), own);
  });
});
