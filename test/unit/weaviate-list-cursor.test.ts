import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cursorTag, decodeCursor, encodeCursor } from '../../src/storage/weaviate/list-cursor.js';
import { isAppErrorWithCode } from './support.js';

describe('list cursors on Weaviate', () => {
  const uuid = '0b1c2d3e-4f50-5a6b-8c7d-9e0f1a2b3c4d';

  it('continue after the UUID they were issued for, on the build that issued them', () => {
    const tag = cursorTag('Papers', '2026-01-01T00:00:00.000Z');
    assert.equal(decodeCursor(encodeCursor(tag, uuid), tag), uuid);
  });

  it("refuse another build's cursors, and text that is no cursor, as invalid input", () => {
    const served = cursorTag('Papers', '2026-01-02T00:00:00.000Z');
    const rebuilt = cursorTag('Papers', '2026-01-01T00:00:00.000Z');
    assert.notEqual(served, rebuilt);
    assert.throws(() => decodeCursor(encodeCursor(rebuilt, uuid), served), isAppErrorWithCode('invalid_input', /not issued by this index/));
    assert.throws(() => decodeCursor('not-a-cursor', served), isAppErrorWithCode('invalid_input'));
  });
});
