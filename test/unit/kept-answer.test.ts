import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { gzippedAnswer, keptAnswer, plainAnswer, withGzip } from '../../src/http/kept-answer.js';

describe('kept answers', () => {
  const body = { hits: Array.from({ length: 10 }, (_, i) => ({ id: `p${i}`, title: `Paper ${i} ${'é∑😀 '.repeat(40)}`, score: i / 10 })) };

  it('end with each request own members, as JSON.stringify of the whole would', () => {
    const answer = keptAnswer(body);
    assert.equal(Buffer.concat(plainAnswer(answer, ',"took_ms":1.5}')).toString(), JSON.stringify({ ...body, took_ms: 1.5 }));
  });

  it('compress once and append each ending as a valid gzip member', () => {
    const answer = withGzip(keptAnswer(body));
    assert.equal(withGzip(answer), answer, 'made once');
    for (const tookMs of [0, 0.25, 1234.5]) {
      const ending = `,"took_ms":${tookMs}}`;
      const gzipped = Buffer.concat(gzippedAnswer(answer, ending));
      assert.equal(gunzipSync(gzipped).toString(), JSON.stringify({ ...body, took_ms: tookMs }));
      assert.ok(gzipped.length < Buffer.concat(plainAnswer(answer, ending)).length / 2);
    }
  });

  it('compresses a short answer and an empty list too', () => {
    const answer = withGzip(keptAnswer({ hits: [] }));
    assert.equal(gunzipSync(Buffer.concat(gzippedAnswer(answer, ',"took_ms":3}'))).toString(), '{"hits":[],"took_ms":3}');
  });
});
