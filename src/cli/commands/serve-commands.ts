import { Command } from 'commander';
import { loadEmbedder } from '../../embedding/load-embedder.js';
import { defaultModelId, getModel } from '../../embedding/model-registry.js';
import { AppError, isAppError } from '../../errors.js';
import { ingestPapers } from '../../ingest/ingest.js';
import { LogProgress } from '../../ingest/progress.js';
import { detectFormat } from '../../ingest/record-readers.js';
import { settleIndexFolder } from '../../storage/interrupted-swap.js';
import { readManifest } from '../../storage/embedded/manifest.js';
import { holdsCollectionPointer } from '../../storage/weaviate/collection-pointer.js';
import { runInFrame, type CommandContext } from '../command-frame.js';
import { PapersProgressBar } from '../output/progress-bars.js';
import { serveUntilSignal } from '../serve-until-signal.js';
import { stopOnSignal } from '../stop-on-signal.js';
import { examples } from './examples.js';
import { nonEmpty, port } from './list-options.js';

interface ServeFlags {
  index?: string;
  port?: number;
  host?: string;
  salvageWal?: boolean;
}

/** `serve` (an existing index) and `start` (the sample indexed first on a fresh clone; what `npm start` runs). */
export function serveCommands(): Command[] {
  const serve = withServerOptions(new Command('serve'))
    .description('serve an index over HTTP: the API, the search page at /, the API reference at /docs')
    .addHelpText(
      'after',
      examples('paper-search serve', 'paper-search serve --index index-data/mine --port 9000', 'API_KEYS=$KEY paper-search serve   # writes allowed'),
    )
    .action((flags: ServeFlags) => runInFrame({ settings: serverSettings(flags), listens: true }, (context) => serveWithReadyLine(context)));

  const start = withServerOptions(new Command('start'))
    .description('serve, first fetching the model and indexing the bundled sample papers if there is no index yet (npm start)')
    .addHelpText('after', examples('paper-search start', 'paper-search start --port 0   # any free port'))
    .action((flags: ServeFlags) =>
      runInFrame({ settings: serverSettings(flags), listens: true }, async (context) => {
        await indexSampleIfNoIndex(context);
        await serveWithReadyLine(context);
      }),
    );
  return [serve, start];
}

function withServerOptions(command: Command): Command {
  return command
    .option('--index <dir>', 'index folder to serve (INDEX_DIR; default index-data/default)', nonEmpty)
    .option('--port <port>', 'port to listen on (PORT; default 8080, 0 for any free port)', port)
    .option('--host <host>', 'address to listen on (HOST; default 0.0.0.0)')
    .option('--salvage-wal', 'start past damaged write-ahead log records: replay the whole ones, keep the damaged bytes in a file beside the log');
}

function serverSettings(flags: ServeFlags): Record<string, string | undefined> {
  return { INDEX_DIR: flags.index, PORT: flags.port?.toString(), HOST: flags.host, WAL_SALVAGE: flags.salvageWal ? 'true' : undefined };
}

/** Serves until a signal; once ready, one plain line on stdout with the page's and the reference's URLs (scripts can read it). */
function serveWithReadyLine(context: CommandContext): Promise<void> {
  return serveUntilSignal(context.config, context.log, (url) => {
    process.stdout.write(`paper-search is ready: search page ${url}/ · API reference ${url}/docs\n`);
  });
}

async function indexSampleIfNoIndex({ config, log, stderr }: CommandContext): Promise<void> {
  await settleIndexFolder(config.INDEX_DIR, log);
  const hasIndex =
    (await holdsCollectionPointer(config.INDEX_DIR)) ||
    (await readManifest(config.INDEX_DIR).then(
      () => true,
      (error: unknown) => {
        if (isAppError(error) && error.code === 'index_missing') return false;
        throw error;
      },
    ));
  if (hasIndex) return;
  log.info({ index: config.INDEX_DIR, sample: config.SAMPLE_FILE }, 'no index yet: building one from the sample papers');
  const embedder = await loadEmbedder(getModel(config.MODEL ?? defaultModelId), config, log);
  // As ingest does: docker stop during a first start must not leave a half-built folder behind.
  const stop = stopOnSignal(log);
  try {
    const summary = await ingestPapers(embedder, {
      input: config.SAMPLE_FILE,
      format: detectFormat(config.SAMPLE_FILE),
      indexDir: config.INDEX_DIR,
      storage: config,
      log,
      progress: stderr.isTerminal ? new PapersProgressBar(stderr, 'indexing the sample') : new LogProgress(log),
      signal: stop.signal,
    });
    log.info({ indexed: summary.indexed, seconds: Math.round(summary.seconds * 10) / 10 }, 'sample index built');
    // A signal that came while the index was being written did not stop the build; it still stops the command.
    if (stop.signal.aborted) {
      throw new AppError('interrupted', `Stopped by ${String(stop.signal.reason)} as the sample index was written: it is kept, and the next start serves it.`);
    }
  } finally {
    stop.release();
    await embedder.dispose();
  }
}
