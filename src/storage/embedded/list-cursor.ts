import { createHash } from 'node:crypto';
import { unknownCursor } from '../unknown-cursor.js';
import type { Manifest } from './manifest.js';

/**
 * Cursors of the paper list: the label to continue from, tied to the index folder that issued
 * it. Writes keep positions (they only append labels and tombstone others). A snapshot renumbers
 * the papers, so the served index keeps how the positions of the builds before it moved (see
 * CursorGeneration) and a listing goes on across snapshots; a rebuilt index has other papers, and
 * its cursors start again.
 */
export function cursorTag(manifest: Manifest): string {
  return createHash('sha256')
    .update(`${manifest.createdAt}:${manifest.count}:${manifest.walSeq ?? 0}`)
    .digest('hex')
    .slice(0, 12);
}

/** An earlier build of the folder, by its cursor tag, and where its positions are in the build after it. */
export interface CursorGeneration {
  tag: string;
  next: (position: number) => number;
}

/** How many snapshots back a cursor still goes on from: a listing paged slower than that starts again. */
export const cursorGenerationsKept = 16;

/**
 * Where the positions of an index move when a snapshot folds it into a new folder: the papers live
 * among its first `labelCount` labels when the snapshot was taken keep their order and close up
 * (`dead`: the others, ascending), and the labels written after are appended in the same order.
 */
export function snapshotMoves(labelCount: number, dead: Uint32Array): (position: number) => number {
  const liveCount = labelCount - dead.length;
  return (position) => {
    if (position >= labelCount) return liveCount + (position - labelCount);
    // Dead labels before `position`: the first index in `dead` at or after it.
    let low = 0;
    let high = dead.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (dead[middle]! < position) low = middle + 1;
      else high = middle;
    }
    return position - low;
  };
}

export function encodeCursor(tag: string, position: number): string {
  return Buffer.from(`${tag}:${position}`).toString('base64url');
}

/** The position a cursor names, in this index or moved from an earlier build's; any other cursor is invalid input. */
export function decodeCursor(cursor: string, tag: string, size: number, earlier: readonly CursorGeneration[] = []): number {
  const match = /^([0-9a-f]{12}):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  let position = match ? Number(match[2]) : Number.NaN;
  if (match && match[1] !== tag) {
    const from = earlier.findIndex((generation) => generation.tag === match[1]);
    if (from === -1) position = Number.NaN;
    for (const generation of from === -1 ? [] : earlier.slice(from)) position = generation.next(position);
  }
  if (!Number.isSafeInteger(position) || position < 0 || position > size) {
    throw unknownCursor();
  }
  return position;
}
