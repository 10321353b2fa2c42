import { Command, Option } from 'commander';
import { PaperSearchClient, PaperSearchError, type TitleOnlyPaperInput } from '../../client/paper-search-client.js';
import { detectInputFormat } from '../../ingest/format-detection.js';
import { AppError } from '../../errors.js';
import {
  papersOfInput,
  rejectionFields,
  rejectionReport,
  remedyFor,
  sharedReport,
  tallyRejection,
  tallyShared,
  type Rejection,
  type RejectionTally,
  type SharedIdentifierTally,
} from '../../ingest/input-papers.js';
import { checkRecordSourceOptions, openRecordSource, inputFormats, type InputFormat } from '../../ingest/record-readers.js';
import { runInFrame, type CommandContext } from '../command-frame.js';
import { withNamedInput, type NamedInput } from '../standard-input.js';
import { examples } from './examples.js';
import { addFieldOptions, fieldMapOf } from './field-options.js';
import { nonEmpty, serverUrl } from './list-options.js';
import { maxPapersPerWrite } from '../../http/paper-write-schemas.js';
import { keptReport, tallyKept, type KeptTally } from './kept-papers.js';
import { onStopSignals } from '../../shared/process-end.js';

/** JSON per request, well under the server's 32 MiB default write body (a thousand long abstracts exceed it). */
const bytesPerRequest = 8 * 1024 * 1024;

interface AddFlags {
  input: string;
  url: string;
  key?: string;
  format?: InputFormat;
  replace?: boolean;
  allowTitleOnly?: boolean;
  abstracts?: string;
  json?: boolean;
  [fieldFlag: string]: unknown;
}

/** `kept`: ids already stored, left as they were (without --replace). */
interface AddSummary extends RejectionTally, SharedIdentifierTally, KeptTally {
  read: number;
  added: number;
  replaced: number;
  /**
   * Papers read into the batch being filled when the input broke off or a signal came, never sent:
   * `read` counts them, and without them the other counts did not add up to it.
   */
  notSent: number;
}

/**
 * Adds the papers of a file or folder, in any format ingestion reads, to a running server: unlike
 * `ingest`, which builds a new index from one input, this adds to the collection being served
 * (POST /v1/papers in batches; the server embeds them), so several exports make one collection.
 */
export function addCommand(): Command {
  const command = new Command('add')
    .description('add the papers of a file or folder (any format ingest reads) to a running server; ids already stored are kept, or replaced with --replace')
    .requiredOption('--input <path>', 'papers file or folder, or - for standard input', nonEmpty)
    .addOption(new Option('--url <url>', 'the server (e.g. http://127.0.0.1:8080)').env('PAPER_SEARCH_URL').argParser(serverUrl).makeOptionMandatory())
    .addOption(new Option('--key <key>', 'an API key of the server (writes need one)').env('PAPER_SEARCH_API_KEY'))
    .addOption(new Option('--format <format>', 'input format (default: from the extension and content)').choices(inputFormats))
    .option('--replace', 'replace the papers already stored under the same ids (the default keeps them)')
    .option('--json', 'also print the summary as one JSON object on stdout, for scripts')
    .option('--allow-title-only', 'add records without an abstract by their title (the default lists them as rejected)')
    .option('--abstracts <path>', "Semantic Scholar's abstracts dataset, joined to --input", nonEmpty);
  return addFieldOptions(command)
    .addHelpText(
      'after',
      examples(
        'paper-search add --input zotero.bib --url http://127.0.0.1:8080 --key "$KEY"',
        'paper-search add --input exports/ --url http://127.0.0.1:8080 --key "$KEY" --replace',
        'curl -s https://example.org/refs.ris | paper-search add --input - --url http://127.0.0.1:8080 --key "$KEY"',
      ),
    )
    .action((flags: AddFlags) =>
      runInFrame({ serverUrl: flags.url, logLevel: 'warn' }, (context) => withNamedInput(flags.input, (input) => addPapers(input, flags, context))),
    );
}

/** The papers of `input`, sent to the server in batches, and the summary said. */
async function addPapers(input: NamedInput, flags: AddFlags, { log, say }: CommandContext): Promise<void> {
  const format = await detectInputFormat(input.path, flags.format, input.name);
  checkRecordSourceOptions(format, { abstracts: flags.abstracts });
  const source = await openRecordSource(input.path, format, { abstracts: flags.abstracts });
  if (source.skipped.length > 0) log.warn({ skipped: source.skipped }, 'files of the folder not read (not parts of one input)');
  const client = new PaperSearchClient(flags.url, {
    timeoutMs: 10 * 60_000,
    ...(flags.key ? { headers: { authorization: `Bearer ${flags.key}` } } : {}),
  });
  const summary: AddSummary = {
    read: 0,
    added: 0,
    replaced: 0,
    notSent: 0,
    kept: 0,
    others: 0,
    otherExamples: [],
    shared: new Set(),
    sharedExamples: [],
    rejected: {},
    rejectionExamples: [],
  };
  let batch: TitleOnlyPaperInput[] = [];
  let batchBytes = 0;
  const send = async () => {
    // Taken out before it is written: a write that fails may have stored some of it, so it is not counted as not sent.
    const sending = batch;
    batch = [];
    batchBytes = 0;
    if (sending.length > 0) await addBatch(client, sending, { replace: flags.replace ?? false, allowTitleOnly: flags.allowTitleOnly ?? false }, summary);
  };
  // A stop signal (Ctrl-C, SIGTERM, SIGHUP) stops after the batch being sent, which the server may already be writing; a second one exits at once.
  const stop = new AbortController();
  const stopListening = onStopSignals((signal) => {
    stopListening();
    stop.abort(signal);
  });
  try {
    // Without --allow-title-only, a record without an abstract is listed as rejected, as the write API would refuse it.
    for await (const { paper, rejection } of papersOfInput(source, { fields: fieldMapOf(flags), allowTitleOnly: flags.allowTitleOnly ?? false })) {
      if (stop.signal.aborted) break;
      summary.read++;
      if (rejection) {
        tallyRejection(summary, rejection);
        continue;
      }
      const bytes = Buffer.byteLength(JSON.stringify(paper));
      if (batch.length >= maxPapersPerWrite || (batch.length > 0 && batchBytes + bytes > bytesPerRequest)) await send();
      batch.push(paper);
      batchBytes += bytes;
    }
    if (stop.signal.aborted) {
      throw new AppError(
        'interrupted',
        `Stopped by ${String(stop.signal.reason)} after ${summary.read} records: the papers above were added; the rest of ${input.name} was not sent.`,
      );
    }
    await send();
  } catch (error) {
    // What was written before the input broke off (or the signal came) is on the server: say so,
    // and how many papers read after the last write were not sent.
    summary.notSent = batch.length;
    if (summary.added + summary.replaced + summary.kept > 0) report(summary, input, flags, say);
    throw error;
  } finally {
    stopListening();
  }
  report(summary, input, flags, say);
  if (summary.read === 0) {
    throw new AppError('input_rejected', `${input.name} holds no record of the ${format} format: nothing was added. Is --format right?`);
  }
  if (summary.added + summary.replaced + summary.kept === 0) {
    const allowTitleOnly = flags.allowTitleOnly ?? false;
    const remedy =
      summary.rejected.missing_abstract && !allowTitleOnly
        ? ' Records without an abstract are added by their title with --allow-title-only.'
        : remedyFor(summary.rejected, { allowTitleOnly });
    throw new AppError('input_rejected', `No paper of ${input.name} could be added (${summary.read} record${summary.read === 1 ? '' : 's'} read).${remedy}`);
  }
}

/**
 * One write of up to a thousand papers, all or none on the server. Those whose ids are stored
 * already are kept as stored, or replaced with --replace, by the server in the same write
 * (on_existing); a batch the server refuses as invalid (a paper it will not take, as an id that
 * is a `doi:` name) is sent again paper by paper, so only the refused ones are left out, each
 * listed as rejected.
 */
async function addBatch(
  client: PaperSearchClient,
  papers: readonly TitleOnlyPaperInput[],
  options: { replace: boolean; allowTitleOnly: boolean },
  summary: AddSummary,
): Promise<void> {
  const { replace, allowTitleOnly } = options;
  try {
    const written = await withRetries(() => client.createPapersWithWarnings(papers, { allowTitleOnly, onExisting: replace ? 'replace' : 'keep' }));
    summary.added += written.papers.length - written.replaced.length;
    summary.replaced += written.replaced.length;
    tallyShared(summary, written.warnings);
    const kept = new Set(written.kept);
    if (kept.size > 0) {
      await tallyKept(
        papers.filter((paper) => kept.has(String(paper.id))),
        (ids, fields) => withRetries(() => client.papers(ids, fields)),
        summary,
      );
    }
  } catch (error) {
    if (!(error instanceof PaperSearchError) || error.code !== 'invalid_input') throw error;
    if (papers.length === 1) {
      tallyRejection(summary, refusedByServer(papers[0]!, error));
      return;
    }
    for (const paper of papers) await addBatch(client, [paper], options, summary);
  }
}

function refusedByServer(paper: TitleOnlyPaperInput, error: PaperSearchError): Rejection {
  return { position: `paper "${String(paper.id)}"`, reason: 'invalid_field', message: `refused by the server: ${error.message}` };
}

const retryDelaysMs = [1_000, 2_000, 4_000, 8_000, 16_000];
/** The longest wait a server's Retry-After buys, so that a limit of a few requests a day does not hang the command for one. */
const longestRetryAfterMs = 300_000;

/**
 * A write the server put off (429 rate limited, 503 overloaded or still starting) is tried again,
 * up to five times, waiting longer each time, and at least as long as the server's Retry-After
 * says: retried sooner under a rate limit, every try was refused again until the command gave up.
 */
async function withRetries<Answer>(write: () => Promise<Answer>): Promise<Answer> {
  for (const delayMs of retryDelaysMs) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof PaperSearchError) || (error.status !== 429 && error.status !== 503)) throw error;
      const askedMs = Math.min(longestRetryAfterMs, (error.retryAfterSeconds ?? 0) * 1_000);
      await new Promise((resolve) => setTimeout(resolve, Math.max(delayMs, askedMs)));
    }
  }
  return write();
}

/** The summary's lines on stderr, and with --json the summary as one object on stdout (its names as the API's). */
function report(summary: AddSummary, input: NamedInput, flags: AddFlags, say: (line: string) => void): void {
  say(summaryLines(summary).join('\n'));
  if (!flags.json) return;
  const json = {
    input: input.name,
    server: flags.url,
    read: summary.read,
    added: summary.added,
    replaced: summary.replaced,
    kept: summary.kept,
    kept_other_papers: summary.others,
    not_sent: summary.notSent,
    ...rejectionFields(summary),
    shared_identifiers: summary.shared.size,
  };
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

function summaryLines(summary: AddSummary): string[] {
  const rejections = rejectionReport(summary);
  const kept = `already stored and kept ${summary.kept}${summary.kept > 0 ? ' (--replace replaces them)' : ''}`;
  return [
    `read ${summary.read}, added ${summary.added}, replaced ${summary.replaced}, ${kept}, ${rejections.count}`,
    ...rejections.examples,
    ...(summary.notSent > 0
      ? [
          `${summary.notSent} paper${summary.notSent === 1 ? '' : 's'} read after the last write were not sent; add the whole input again once it reads to its end (papers already stored are kept)`,
        ]
      : []),
    ...keptReport(summary),
    ...sharedReport(summary, 'written'),
  ];
}
