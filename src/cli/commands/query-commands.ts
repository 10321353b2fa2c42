import { createReadStream } from 'node:fs';
import { Command, Option } from 'commander';
import type { HitsResponse, PaperField, PaperLookupResponse } from '../../client/paper-search-client.js';
import { maxPapersPerLookup } from '../../http/schemas.js';
import { sentenceRoles, type SentenceRole } from '../../search/related/sentence-roles.js';
import { maxQueryCharacters, type SearchMode } from '../../search/search-modes.js';
import { paperLimits } from '../../papers/paper-limits.js';
import { localBackend } from '../backends/local-backend.js';
import type { QueryBackend } from '../backends/query-backend.js';
import { remoteBackend } from '../backends/remote-backend.js';
import { runInFrame, type CommandContext } from '../command-frame.js';
import { AppError } from '../../errors.js';
import { paperNotFound } from '../../papers/identifiers.js';
import { decodedText } from '../../shared/text-lines.js';
import { UsageError } from '../exit-codes.js';
import { examples } from './examples.js';
import { printHits, printPapers } from '../output/hits-output.js';
import {
  addExportOption,
  addListOptions,
  addModeOption,
  addTargetOptions,
  commaList,
  fieldList,
  listBody,
  listParameters,
  type ListFlags,
  type TargetFlags,
} from './list-options.js';
import { printExport } from '../output/export-output.js';

type QueryFlags = ListFlags & TargetFlags & { mode?: SearchMode };

/** search, similar, related, recommend and get: the same answers from a server (--url) or an index folder (--index). */
export function queryCommands(): Command[] {
  const search = new Command('search')
    .description('papers about a free-text query')
    .argument('<query>', 'what to look for, in words')
    .addHelpText(
      'after',
      examples(
        'paper-search search "video compression" --index index-data/default --json',
        'paper-search search "speech recognition" --year-from 2025 --category cs.CL -k 5',
        'paper-search search "diffusion models for video" -k 20 --format bibtex > video.bib',
      ),
    )
    .action((query: string, flags: QueryFlags) =>
      withBackend(flags, async (backend, context) => {
        // Said in the command's terms: the API's "body.query must not be empty" names no argument.
        if (query.trim() === '') throw new UsageError('The query is empty: give the words to look for, such as paper-search search "video compression".');
        if (query.length > maxQueryCharacters) {
          throw new UsageError(
            `The query is ${query.length.toLocaleString('en')} characters long, over the ${maxQueryCharacters.toLocaleString('en')} a search takes: give its key words, or find papers like a whole text with paper-search similar.`,
          );
        }
        report(await backend.search({ query, mode: flags.mode, ...listBody(flags) }), flags, context);
      }),
    );

  const similar = new Command('similar')
    .description('papers similar to an abstract, read from a file or standard input')
    .option('--file <path>', 'the abstract (plain text); "-" or no --file reads standard input')
    .option('--title <title>', 'its title, embedded with the abstract as the papers were')
    .addHelpText(
      'after',
      examples('paper-search similar --file abstract.txt --url http://127.0.0.1:8080', 'cat draft.txt | paper-search similar --title "My draft" -k 5'),
    )
    .action((flags: QueryFlags & { file?: string; title?: string }) =>
      withBackend(flags, async (backend, context) => {
        const abstract = await readAbstract(flags.file);
        report(await backend.similar({ abstract, title: flags.title, mode: flags.mode, ...listBody(flags) }), flags, context);
      }),
    );

  const related = new Command('related')
    .description('papers related to a stored paper (from its stored vector)')
    .argument('<id>', 'paper id, or doi:<DOI>, arxiv:<arXiv id>, or a DOI or arXiv link')
    .addOption(new Option('--facet <role>', 'relate on one facet of the paper: its background, method or result sentences').choices(sentenceRoles))
    .addHelpText(
      'after',
      examples(
        'paper-search related seed-014 -k 5',
        'paper-search related arxiv:2503.11731 --category cs.RO --json',
        'paper-search related seed-014 --facet method',
        'paper-search related arxiv:2503.11731 --format ris > related.ris',
      ),
    )
    .action((id: string, flags: QueryFlags & { facet?: SentenceRole }) =>
      withBackend(flags, async (backend, context) => report(await backend.related(id, { ...listParameters(flags), facet: flags.facet }), flags, context)),
    );

  const recommend = new Command('recommend')
    .description('papers like the positives and unlike the negatives, on the topic of --query if given')
    .option('--positive <ids>', 'papers to find more of (comma-separated or repeated)', commaList)
    .option('--negative <ids>', 'papers to find fewer of (comma-separated or repeated)', commaList)
    .option('--query <text>', 'the search the feedback refines: the list stays on its topic (needed without --positive)')
    .addHelpText(
      'after',
      examples(
        'paper-search recommend --positive seed-014,seed-027 --negative seed-074 -k 5',
        'paper-search recommend --query "video compression" --positive seed-014 --negative seed-074',
      ),
    )
    .action((flags: QueryFlags & { positive?: string[]; negative?: string[]; query?: string }, command: Command) => {
      // Said in the command's words, before anything is opened (the server's was "body.positive: ...").
      if (!flags.positive?.length && flags.query === undefined) {
        command.error('error: recommend needs --positive (papers to find more of), or --query', { code: 'paper-search.usage', exitCode: 2 });
      }
      return withBackend(flags, async (backend, context) =>
        report(await backend.recommend({ positive: flags.positive, negative: flags.negative, query: flags.query, ...listBody(flags) }), flags, context),
      );
    });

  const get = new Command('get')
    .description('one paper, or several in the order given')
    .argument('<ids...>', 'paper ids, or doi:<DOI>, arxiv:<arXiv id>, or DOI or arXiv links')
    .option('--fields <list>', 'only these stored fields (the id always comes back)', fieldList)
    .option('--json', 'JSON even on a terminal')
    .addHelpText(
      'after',
      examples(
        'paper-search get seed-014',
        'paper-search get doi:10.48550/arXiv.2503.11731 --json',
        'paper-search get seed-014 --fields title,year',
        'paper-search get seed-014 seed-027 arxiv:2503.11731 --format bibtex > refs.bib',
      ),
    )
    .action((ids: string[], flags: TargetFlags & Pick<ListFlags, 'json' | 'fields' | 'format'>) =>
      withBackend(flags, async (backend, context) => {
        // A single name keeps GET /v1/papers/:id's answer (and its 404); more go by batches.
        const papers = ids.length === 1 ? [(await backend.paper(ids[0]!, flags.fields)).paper] : await lookUp(backend, ids, flags.fields);
        const found = papers.filter((paper) => paper !== null);
        const choice = { json: flags.json ?? false, stdout: context.stdout };
        if (flags.format) printExport(found, flags.format);
        else printPapers(found, choice);
        const missing = [...new Set(ids.filter((_, i) => papers[i] === null))];
        // The papers found are printed; the command still fails, naming the others.
        if (missing.length > 0) throw paperNotFound(missing);
      }),
    );

  for (const command of [search, similar]) addModeOption(command);
  for (const command of [search, similar, related, recommend]) addListOptions(command);
  for (const command of [search, similar, related, recommend, get]) addExportOption(command);
  for (const command of [search, similar, related, recommend, get]) addTargetOptions(command);
  return [search, similar, related, recommend, get];
}

/** The papers `ids` name, in that order (null for a name no paper has), in as many lookups as the API's limit takes. */
async function lookUp(backend: QueryBackend, ids: readonly string[], fields: readonly PaperField[] | undefined): Promise<PaperLookupResponse['papers']> {
  const papers: PaperLookupResponse['papers'] = [];
  for (let start = 0; start < ids.length; start += maxPapersPerLookup) {
    papers.push(...(await backend.papers(ids.slice(start, start + maxPapersPerLookup), fields)).papers);
  }
  return papers;
}

async function withBackend(flags: TargetFlags, use: (backend: QueryBackend, context: CommandContext) => Promise<void>): Promise<void> {
  await runInFrame({ settings: { INDEX_DIR: flags.index }, logLevel: 'warn', serverUrl: flags.url }, async (context) => {
    const backend = flags.url ? remoteBackend(flags.url, flags.key) : await localBackend(context.config, context.log);
    try {
      await use(backend, context);
    } finally {
      await backend.close();
    }
  });
}

function report(response: HitsResponse, flags: ListFlags, context: CommandContext): void {
  if (flags.format) printExport(response.hits, flags.format);
  else printHits(response, { json: flags.json ?? false, stdout: context.stdout }, context.say);
}

/**
 * The text of an abstract's bytes, read as ingestion reads files: UTF-8, a line that is not UTF-8
 * as Windows-1252 (a text saved on Windows), UTF-16 after its byte-order mark. A text with a NUL
 * is no text at all (a PDF, a word processor's file): embedded, it would find papers like noise.
 */
function plainText(bytes: Buffer, source: string): string {
  const text = decodedText(bytes);
  if (text.includes('\u0000')) {
    throw new AppError(
      'input_malformed',
      `${source} is not plain text (it holds NUL bytes: a PDF or a word processor's file?). Give the abstract as plain text.`,
    );
  }
  return text;
}

/**
 * The most bytes an abstract the API takes can be written in: a character (a UTF-16 unit) is at
 * most three bytes in UTF-8 (two in UTF-16, one in Windows-1252), and a UTF-16 byte-order mark two more.
 */
const maxAbstractBytes = 3 * paperLimits.abstractCharacters + 2;

/** The stream's bytes, stopping once past `limit` (one chunk more at most) and leaving the rest unread. */
async function bytesUpTo(stream: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    length += chunk.length;
    if (length > limit) break;
  }
  stream.destroy();
  return Buffer.concat(chunks);
}

async function readAbstract(file: string | undefined): Promise<string> {
  const fromFile = file !== undefined && file !== '-';
  let bytes: Buffer;
  if (fromFile) {
    // Read as a stream, never whole: a device or a pipe (/dev/zero, a FIFO) has no end to wait for.
    bytes = await bytesUpTo(createReadStream(file, { end: maxAbstractBytes }), maxAbstractBytes).catch((error: NodeJS.ErrnoException) => {
      const reason = error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'it is a folder; give the file of the abstract' : error.message;
      throw new AppError('input_unreadable', `Cannot read ${file}: ${reason}.`);
    });
  } else {
    if (process.stdin.isTTY) throw new UsageError('Give the abstract with --file <path>, or pipe it to standard input.');
    bytes = await bytesUpTo(process.stdin, maxAbstractBytes);
  }
  const tooLong = (length: string) =>
    new UsageError(
      `The abstract is ${length}, over the ${paperLimits.abstractCharacters.toLocaleString('en')} characters a search takes: give the abstract, not the whole paper.`,
    );
  if (bytes.length > maxAbstractBytes) throw tooLong(`more than ${maxAbstractBytes.toLocaleString('en')} bytes long`);
  const abstract = plainText(bytes, fromFile ? file : 'standard input');
  // Said in the command's terms: the API's "body.abstract must not be empty" names no file or stream.
  if (abstract.trim() === '') throw new UsageError(`The abstract is empty: ${fromFile ? `${file} holds only white space` : 'standard input gave no text'}.`);
  if (abstract.length > paperLimits.abstractCharacters) throw tooLong(`${abstract.length.toLocaleString('en')} characters long`);
  return abstract;
}
