import type { TitleOnlyPaperInput } from '../papers/paper.js';

/** A paper of a write, and where it was in the request (`papers.3`, `entry <key> (line <n>)`). */
export interface WriteEntry {
  position: string;
  input: TitleOnlyPaperInput;
}

export function isWriteEntry(item: WriteEntry | RejectedEntry): item is WriteEntry {
  return 'input' in item;
}

/** A paper of a write that was not written (with skip_invalid), and why. */
export interface RejectedEntry {
  /** Where it was: `papers.3` in a JSON batch, `entry <key> (line <n>)` in BibTeX, `record <ID> (line <n>)` in RIS. */
  position: string;
  /** The paper id it would have had. */
  id?: string;
  /** One of ingestion's rejection reasons (malformed_record, missing_abstract, invalid_field, duplicate_id, ...). */
  reason: string;
  message: string;
  /** The paper field at fault, where one is. */
  field?: string;
}

/** A rejected entry: where it was, the id it would have had (if it names one), and why. */
export function rejectedEntry(
  position: string,
  id: string | undefined,
  problem: { reason: string; message: string; field?: string | undefined },
): RejectedEntry {
  const { reason, message, field } = problem;
  return { position, ...(id === undefined ? {} : { id }), reason, message, ...(field === undefined ? {} : { field }) };
}
