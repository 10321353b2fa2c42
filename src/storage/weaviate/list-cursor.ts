import { createHash } from 'node:crypto';
import { unknownCursor } from '../unknown-cursor.js';

/**
 * Cursors of the paper list on Weaviate: the last object UUID of the previous page (Weaviate's
 * cursor API), tied to the build the alias serves, so that a rebuilt collection's cursors differ.
 */
export function cursorTag(alias: string, createdAt: string): string {
  return createHash('sha256').update(`${alias}:${createdAt}`).digest('hex').slice(0, 12);
}

export function encodeCursor(tag: string, uuid: string): string {
  return Buffer.from(`${tag}:${uuid}`).toString('base64url');
}

/** The UUID a cursor continues after; a cursor of another build, or none of ours, is invalid input. */
export function decodeCursor(cursor: string, tag: string): string {
  const match = /^([0-9a-f]{12}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match || match[1] !== tag) throw unknownCursor();
  return match[2]!;
}
