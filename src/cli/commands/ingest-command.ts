import { Command, Option } from 'commander';
import { walDirOf, type Config } from '../../config/config.js';
import { loadEmbedder } from '../../embedding/load-embedder.js';
import { defaultModelId, getModel, halfWindowStrategy, knownModelIds, withLongPassages, withTitleWeight } from '../../embedding/model-registry.js';
import { detectInputFormat } from '../../ingest/format-detection.js';
import { ingestPapers, type IngestSummary } from '../../ingest/ingest.js';
import { rejectionFields, rejectionReport, sharedReport } from '../../ingest/input-papers.js';
import { LogProgress } from '../../ingest/progress.js';
import { checkRecordSourceOptions, inputFormats, type InputFormat } from '../../ingest/record-readers.js';
import type { Logger } from '../../log.js';
import { writesSinceBuild } from '../../storage/embedded/index-folder-writer.js';
import { runInFrame } from '../command-frame.js';
import { stopOnSignal } from '../stop-on-signal.js';
import { withNamedInput } from '../standard-input.js';
import { UsageError } from '../exit-codes.js';
import { PapersProgressBar } from '../output/progress-bars.js';
import { examples } from './examples.js';
import { addFieldOptions, fieldMapOf } from './field-options.js';
import { integer, nonEmpty, number } from './list-options.js';

interface IngestFlags {
  input: string;
  json?: boolean;
  index?: string;
  format?: InputFormat;
  model?: string;
  strict?: boolean;
  abstracts?: string;
  allowTitleOnly?: boolean;
  longPassages?: 'truncate' | 'windows';
  titleWeight?: number;
  groupSize?: number;
  [fieldFlag: string]: unknown;
}

/** Builds an index from a papers file (or folder), replacing the one at --index when complete. */
export function ingestCommand(): Command {
  const command = new Command('ingest')
    .description(
      'build an index from a papers file or folder (JSON Lines, JSON, CSV, BibTeX, RIS, MEDLINE, Web of Science, arXiv, OpenAlex, Semantic Scholar; .gz and .zip too)',
    )
    .requiredOption('--input <path>', 'papers file or folder, or - for standard input', nonEmpty)
    .option('--index <dir>', 'index folder to build (INDEX_DIR; default index-data/default); replaced atomically when complete', nonEmpty)
    .addOption(new Option('--format <format>', 'input format (default: from the extension and content)').choices(inputFormats))
    .addOption(new Option('--model <id>', `embedding model (MODEL; default ${defaultModelId})`).choices(knownModelIds))
    .option('--strict', 'stop at the first bad record')
    .option('--json', 'also print the summary as one JSON object on stdout, for scripts')
    .option('--abstracts <path>', "Semantic Scholar's abstracts dataset, joined to --input")
    .option('--allow-title-only', 'index records without an abstract by their title')
    .addOption(
      new Option('--long-passages <strategy>', 'passages over the model window: cut, or averaged overlapping windows').choices(['truncate', 'windows']),
    )
    .option(
      '--title-weight <w>',
      "weight of the title embedded alone in each paper's vector (default: the model's, 0.3 for MiniLM, 0 for bge-small; 0: the passage alone)",
      number,
    )
    .option('--group-size <n>', 'papers embedded together (memory bound; default 256)', integer);
  return addFieldOptions(command)
    .addHelpText(
      'after',
      examples(
        'paper-search ingest --input my-papers.jsonl --index index-data/mine',
        'paper-search ingest --input library.bib --index index-data/library --model bge-small-en-v1.5',
        'paper-search ingest --input papers.csv --id-field paper_id --abstract-field summary',
      ),
    )
    .action((flags: IngestFlags) =>
      runInFrame({ settings: { INDEX_DIR: flags.index } }, async ({ config, log, stderr, say }) => {
        if (flags.groupSize !== undefined && (flags.groupSize < 1 || flags.groupSize > 100_000)) throw new UsageError('--group-size must be 1..100000.');
        if (flags.titleWeight !== undefined && (flags.titleWeight < 0 || flags.titleWeight > 10)) throw new UsageError('--title-weight must be 0..10.');
        await withNamedInput(flags.input, async (input) => {
          const format = await detectInputFormat(input.path, flags.format, input.name);
          checkRecordSourceOptions(format, { abstracts: flags.abstracts });
          const registered = getModel(flags.model ?? config.MODEL ?? defaultModelId);
          const windowed = flags.longPassages === 'windows' ? withLongPassages(registered, halfWindowStrategy(registered)) : registered;
          const model = flags.titleWeight === undefined ? windowed : withTitleWeight(windowed, flags.titleWeight);
          await warnOfLoggedWrites(config.INDEX_DIR, walDirOf(config), config.BACKEND, log);
          const embedder = await loadEmbedder(model, config, log);
          const stop = stopOnSignal(log);
          try {
            const summary = await ingestPapers(embedder, {
              input: input.path,
              inputName: input.name,
              format,
              indexDir: config.INDEX_DIR,
              strict: flags.strict ?? false,
              allowTitleOnly: flags.allowTitleOnly ?? false,
              abstracts: flags.abstracts,
              groupSize: flags.groupSize,
              fields: fieldMapOf(flags),
              storage: config,
              log,
              progress: stderr.isTerminal ? new PapersProgressBar(stderr) : new LogProgress(log),
              signal: stop.signal,
            });
            say(summaryLines(summary).join('\n'));
            if (flags.json) process.stdout.write(`${JSON.stringify(summaryJson(summary))}\n`);
          } finally {
            stop.release();
            await embedder.dispose();
          }
        });
      }),
    );
}

/**
 * A rebuild holds the input's papers only: writes made through the API since the last snapshot
 * are not in it; the folder it replaces is kept, and the next server start sets their log aside.
 * Said before the work starts, while the papers can still be exported from the server.
 */
async function warnOfLoggedWrites(indexDir: string, walDir: string, backend: Config['BACKEND'], log: Logger): Promise<void> {
  const writes = (await writesSinceBuild(indexDir, walDir))?.logged ?? 0;
  if (writes === 0) return;
  const theirLog =
    backend === 'weaviate'
      ? `their log stays at ${walDir}, beside it: serve the two together to recover them, see docs/scaling-out.md, "Moving an index to Weaviate"`
      : `the next server start sets their log aside (${walDir}.orphaned-…), see docs/operations.md, "Rebuilding an index"`;
  log.warn(
    { writeAheadLog: walDir, writes },
    `the index being replaced has ${writes} write request(s) made through the API since its last snapshot (each one paper or a batch of up to 1,000): the new build will not hold them; the folder it replaces will be kept beside it (…previous-…) and ${theirLog}`,
  );
}

/** The summary for scripts (`--json`): one object on stdout, its names as the API's. */
function summaryJson(summary: IngestSummary): Record<string, unknown> {
  return {
    input: summary.input,
    index: summary.indexDir,
    model: summary.collection.model.id,
    read: summary.read,
    indexed: summary.indexed,
    ...rejectionFields(summary),
    shared_identifiers: summary.shared.size,
    seconds: Number(summary.seconds.toFixed(3)),
  };
}

function summaryLines(summary: IngestSummary): string[] {
  const rejections = rejectionReport(summary);
  return [
    `read ${summary.read}, indexed ${summary.indexed}, ${rejections.count}`,
    ...rejections.examples,
    ...sharedReport(summary, 'indexed'),
    `index ${summary.indexDir} (model ${summary.collection.model.id}) in ${summary.seconds.toFixed(1)} s, ${summary.papersPerSecond.toFixed(1)} papers/s`,
  ];
}
