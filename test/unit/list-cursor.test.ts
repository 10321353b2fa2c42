import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCursor, encodeCursor, snapshotMoves } from '../../src/storage/embedded/list-cursor.js';
import { isAppErrorWithCode } from './support.js';

describe('list cursors across snapshots', () => {
  it('moves a position to the next paper that survived the snapshot, and those written after it along', () => {
    // Labels 1 and 4 of six were deleted or replaced: four papers close up; labels 6 and 7 were written after the snapshot was taken.
    const moves = snapshotMoves(6, Uint32Array.from([1, 4]));
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((position) => moves(position)),
      [0, 1, 1, 2, 3, 3, 4, 5],
    );
  });

  it("follows a cursor through each snapshot since it was issued, and refuses another build's", () => {
    const earlier = [
      { tag: 'aaaaaaaaaaaa', next: snapshotMoves(10, Uint32Array.from([0, 1])) },
      { tag: 'bbbbbbbbbbbb', next: snapshotMoves(8, Uint32Array.from([7])) },
    ];
    assert.equal(decodeCursor(encodeCursor('aaaaaaaaaaaa', 5), 'cccccccccccc', 20, earlier), 3);
    assert.equal(decodeCursor(encodeCursor('bbbbbbbbbbbb', 5), 'cccccccccccc', 20, earlier), 5);
    assert.equal(decodeCursor(encodeCursor('cccccccccccc', 5), 'cccccccccccc', 20, earlier), 5);
    assert.throws(() => decodeCursor(encodeCursor('dddddddddddd', 5), 'cccccccccccc', 20, earlier), isAppErrorWithCode('invalid_input'));
  });
});
