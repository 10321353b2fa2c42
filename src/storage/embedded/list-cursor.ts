import { createHash } from 'node:crypto';
import { invalidInput } from '../../errors.js';
import type { Manifest } from './manifest.js';

/**
 * Cursors of the paper list: the label to continue from, tied to the index folder that issued
 * it. A rebuilt index, or a snapshot (which renumbers the papers), has other positions, so its
 * cursors differ; writes in between keep positions (they only append labels and tombstone others).
 */
export function cursorTag(manifest: Manifest): string {
  return createHash('sha256')
    .update(`${manifest.createdAt}:${manifest.count}:${manifest.walSeq ?? 0}`)
    .digest('hex')
    .slice(0, 12);
}

export function encodeCursor(tag: string, position: number): string {
  return Buffer.from(`${tag}:${position}`).toString('base64url');
}

/** The position a cursor names; a cursor this index did not issue is invalid input. */
export function decodeCursor(cursor: string, tag: string, size: number): number {
  const match = /^([0-9a-f]{12}):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  const position = match && match[1] === tag ? Number(match[2]) : Number.NaN;
  if (!Number.isSafeInteger(position) || position < 0 || position > size) {
    throw invalidInput('The cursor was not issued by this index (it may have been rebuilt since); start again without one.', [
      { path: 'cursor', message: 'unknown cursor', code: 'custom' },
    ]);
  }
  return position;
}
