import { createHash } from 'node:crypto';
import type { Paper } from './paper.js';

/**
 * The version of a stored paper, as an HTTP entity tag: a digest of its record, so it changes
 * with any field and with nothing else. The keys are sorted first: a paper read back from the
 * index folder after a snapshot or a restart may hold its fields in another order than the
 * written one, and must keep its tag.
 */
export function paperEtag(paper: Paper): string {
  const record = JSON.stringify(Object.fromEntries(Object.entries(paper).sort(([a], [b]) => (a < b ? -1 : 1))));
  return `"${createHash('sha256').update(record).digest('base64url').slice(0, 22)}"`;
}
