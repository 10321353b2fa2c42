import type { z } from 'zod';
import { rejectedEntry, type RejectedEntry, type WriteEntry } from '../writes/write-entries.js';
import { parseInput } from '../shared/zod-issues.js';
import { hasVisibleText } from '../shared/unicode.js';
import { paperItemsSchema, type paperInputSchema, type titleOnlyPaperInputSchema } from './paper-write-schemas.js';

/**
 * The papers of a JSON batch written with skip_invalid, in order: each checked on its own, so that
 * one bad paper is listed (by its place, `papers.3`, and its first problem) instead of refusing
 * the rest. The batch itself must still be `{"papers": [...]}` of 1 to 1,000 items.
 */
export function entriesOfBatch(body: unknown, paperSchema: typeof paperInputSchema | typeof titleOnlyPaperInputSchema): (WriteEntry | RejectedEntry)[] {
  return parseInput(paperItemsSchema, body, 'body').papers.map((item, i) => {
    const position = `papers.${i}`;
    const parsed = paperSchema.safeParse(item);
    return parsed.success ? { position, input: parsed.data } : rejectedEntry(position, idOf(item), problemOf(item, parsed.error.issues[0]!));
  });
}

function idOf(item: unknown): string | undefined {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** A schema issue as ingestion's rejection reasons put it. */
function problemOf(item: unknown, issue: z.core.$ZodIssue): Pick<RejectedEntry, 'reason' | 'message' | 'field'> {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return { reason: 'not_an_object', message: 'the paper is not an object' };
  const field = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.map(String).join('.');
  if (!field) return { reason: 'invalid_field', message: issue.message };
  const abstract = (item as { abstract?: unknown }).abstract;
  // Left out or blank, as ingestion and the reference readers call it.
  const missing = field === 'abstract' && (abstract === undefined || (typeof abstract === 'string' && !hasVisibleText(abstract)));
  return { reason: missing ? 'missing_abstract' : 'invalid_field', message: `field "${field}": ${issue.message}`, field };
}
