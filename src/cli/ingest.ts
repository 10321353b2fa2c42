import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadEmbedder } from '../embedding/load-embedder.js';
import { defaultModelId, getModel, halfWindowStrategy, knownModelIds, withLongPassages } from '../embedding/model-registry.js';
import { ingestPapers, type IngestSummary } from '../ingest/ingest.js';
import { withFieldOverrides } from '../papers/paper-record.js';
import { createProgressReporter } from '../ingest/progress.js';
import { detectInputFormat } from '../ingest/format-detection.js';
import { checkRecordSourceOptions, inputFormats } from '../ingest/record-readers.js';
import { parseCliArguments } from './cli-arguments.js';
import { runCli } from './run-cli.js';

const fieldFlags = ['id', 'title', 'abstract', 'authors', 'categories', 'year', 'date', 'doi', 'url', 'arxiv-id'] as const;

const usage =
  'npm run ingest -- --input <file[.gz|.zip]|folder> [--index <dir>] ' +
  `[--format ${inputFormats.join('|')}] [--abstracts <file|folder>] [--allow-title-only] [--model <id>] ` +
  '[--long-passages truncate|windows] [--strict] ' +
  `[--group-size <n>] [${fieldFlags.map((flag) => `--${flag}-field <name>`).join('] [')}]`;

const fieldName = z.string().min(1).optional();
const argumentsSchema = z.strictObject({
  input: z.string({ error: 'is required' }).min(1),
  index: z.string().min(1).optional(),
  format: z.enum(inputFormats).optional(),
  model: z.enum(knownModelIds as [string, ...string[]]).optional(),
  strict: z.boolean().optional(),
  abstracts: z.string().min(1).optional(),
  'allow-title-only': z.boolean().optional(),
  'long-passages': z.enum(['truncate', 'windows']).optional(),
  'group-size': z.coerce.number().int().min(1).max(100_000).optional(),
  ...Object.fromEntries(fieldFlags.map((flag) => [`${flag}-field`, fieldName])),
});

await runCli(async ({ config, log }) => {
  const { values } = parseArgs({
    options: {
      input: { type: 'string' },
      index: { type: 'string' },
      format: { type: 'string' },
      model: { type: 'string' },
      strict: { type: 'boolean' },
      abstracts: { type: 'string' },
      'allow-title-only': { type: 'boolean' },
      'long-passages': { type: 'string' },
      'group-size': { type: 'string' },
      ...Object.fromEntries(fieldFlags.map((flag) => [`${flag}-field`, { type: 'string' as const }])),
    },
    strict: false,
  });
  const args = parseCliArguments(argumentsSchema, values, usage) as z.infer<typeof argumentsSchema> & Record<string, string | undefined>;
  const format = await detectInputFormat(args.input, args.format);
  checkRecordSourceOptions(format, { abstracts: args.abstracts });
  const registered = getModel(args.model ?? config.MODEL ?? defaultModelId);
  const model = args['long-passages'] === 'windows' ? withLongPassages(registered, halfWindowStrategy(registered)) : registered;
  const embedder = await loadEmbedder(model, config, log);
  try {
    const summary = await ingestPapers(embedder, {
      input: args.input,
      format,
      indexDir: args.index ?? config.INDEX_DIR,
      strict: args.strict ?? false,
      allowTitleOnly: args['allow-title-only'] ?? false,
      abstracts: args.abstracts,
      groupSize: args['group-size'],
      fields: withFieldOverrides(Object.fromEntries(fieldFlags.map((flag) => [flag === 'arxiv-id' ? 'arxiv_id' : flag, args[`${flag}-field`]]))),
      storage: config,
      log,
      progress: createProgressReporter(log, process.stderr.isTTY === true),
    });
    printSummary(summary);
  } finally {
    await embedder.dispose();
  }
});

function printSummary(summary: IngestSummary): void {
  const rejectedTotal = Object.values(summary.rejected).reduce((sum, count) => sum + count, 0);
  const lines = [
    `read ${summary.read}, indexed ${summary.indexed}, rejected ${rejectedTotal}` +
      (rejectedTotal > 0
        ? ` (${Object.entries(summary.rejected)
            .map(([reason, count]) => `${reason}: ${count}`)
            .join(', ')})`
        : ''),
    ...summary.rejectionExamples.map((rejection) => `  rejected ${rejection.position}: ${rejection.reason}: ${rejection.message}`),
    `index ${summary.indexDir} (model ${summary.collection.model.id}) in ${summary.seconds.toFixed(1)} s, ${summary.papersPerSecond.toFixed(1)} papers/s`,
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}
