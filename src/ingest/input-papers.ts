import type { Paper } from '../papers/paper.js';
import { mapRecordToPaper, type FieldMap, type RejectionReason } from '../papers/paper-record.js';
import type { RecordSource } from './record-readers.js';

export interface Rejection {
  position: string;
  reason: RejectionReason;
  message: string;
}

/** Records refused in a run: counted by reason, and the first `rejectionExamplesKept` kept for its report. */
export interface RejectionTally {
  rejected: Partial<Record<RejectionReason, number>>;
  rejectionExamples: Rejection[];
}

const rejectionExamplesKept = 20;

export function tallyRejection(tally: RejectionTally, rejection: Rejection): void {
  tally.rejected[rejection.reason] = (tally.rejected[rejection.reason] ?? 0) + 1;
  if (tally.rejectionExamples.length < rejectionExamplesKept) tally.rejectionExamples.push(rejection);
}

function rejectedCount(tally: RejectionTally): number {
  return Object.values(tally.rejected).reduce((sum, count) => sum + count, 0);
}

/** A run's report of its rejections: `rejected N (reason: n, …)`, and a line for each example kept. */
export function rejectionReport(tally: RejectionTally): { count: string; examples: string[] } {
  const total = rejectedCount(tally);
  const reasons = Object.entries(tally.rejected).map(([reason, count]) => `${reason}: ${count}`);
  return {
    count: `rejected ${total}${total > 0 ? ` (${reasons.join(', ')})` : ''}`,
    examples: tally.rejectionExamples.map((rejection) => `  rejected ${rejection.position}: ${rejection.reason}: ${rejection.message}`),
  };
}

/** A run's rejections as the fields of its summary in JSON (`--json`). */
export function rejectionFields(tally: RejectionTally): { rejected: number; rejected_by_reason: RejectionTally['rejected']; rejection_examples: Rejection[] } {
  return { rejected: rejectedCount(tally), rejected_by_reason: tally.rejected, rejection_examples: tally.rejectionExamples };
}

/** Papers of a run stored with the DOI or arXiv id of another paper, and the first few messages saying so (one per pair). */
export interface SharedIdentifierTally {
  shared: Set<string>;
  sharedExamples: string[];
}

const sharedExamplesShown = 5;

export function tallyShared(tally: SharedIdentifierTally, notices: readonly { id: string; message: string }[]): void {
  for (const notice of notices) tally.shared.add(notice.id);
  for (const notice of notices.slice(0, sharedExamplesShown - tally.sharedExamples.length)) tally.sharedExamples.push(`  ${notice.message}`);
}

/** A run's report of its shared identifiers (nothing when there are none): `verb` is what the run did with the papers. */
export function sharedReport(tally: SharedIdentifierTally, verb: string): string[] {
  const count = tally.shared.size;
  if (count === 0) return [];
  const first = tally.sharedExamples.length === sharedExamplesShown ? `; the first ${sharedExamplesShown} messages` : '';
  return [
    `${count} paper${count === 1 ? '' : 's'} ${verb} with the DOI or arXiv id of another paper (the same paper under two ids?)${first}:`,
    ...tally.sharedExamples,
  ];
}

/** One record of an input: the paper it makes, or why it makes none. */
export type InputPaper = { paper: Paper; rejection?: undefined } | { paper?: undefined; rejection: Rejection };

/**
 * The records of an input as papers, in order: each validated and mapped (see mapRecordToPaper),
 * an id seen earlier in the input refused. Ingestion and `add` read inputs through it alike.
 */
export async function* papersOfInput(source: RecordSource, options: { fields: FieldMap; allowTitleOnly: boolean }): AsyncGenerator<InputPaper> {
  const seenIds = new Set<string>();
  for await (const record of source.records()) {
    if (record.error) {
      yield { rejection: { position: record.position, reason: record.error.reason, message: record.error.message } };
      continue;
    }
    const mapped = mapRecordToPaper(record.value, options.fields, { allowTitleOnly: options.allowTitleOnly });
    if (!mapped.ok) {
      yield { rejection: { position: record.position, reason: mapped.reason, message: mapped.message } };
      continue;
    }
    if (seenIds.has(mapped.paper.id)) {
      yield { rejection: { position: record.position, reason: 'duplicate_id', message: `id "${mapped.paper.id}" appeared earlier in the file` } };
      continue;
    }
    seenIds.add(mapped.paper.id);
    yield { paper: mapped.paper };
  }
}

/**
 * The flag that would let the records in, when they were refused for one reason a flag answers and
 * that flag was not given already.
 */
export function remedyFor(rejected: Partial<Record<RejectionReason, number>>, options: { allowTitleOnly: boolean }): string {
  const [reason] = Object.entries(rejected).sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))[0] ?? [];
  if (reason === 'missing_abstract' && !options.allowTitleOnly) return ' --allow-title-only indexes records without an abstract by their title.';
  if (reason === 'missing_id') return ' --id-field <name> names the field that holds the id (and --abstract-field, --title-field … the others).';
  return '';
}
