import { loadEmbedder } from '../embedding/load-embedder.js';
import { defaultModelId, getModel } from '../embedding/model-registry.js';
import { ingestPapers } from '../ingest/ingest.js';
import { createProgressReporter } from '../ingest/progress.js';
import { detectFormat } from '../ingest/record-readers.js';
import { readManifest } from '../storage/embedded/manifest.js';
import { isAppError } from '../errors.js';
import { runCli } from './run-cli.js';
import { serveUntilSignal } from './serve-until-signal.js';

/** `npm start`: on a fresh clone, fetch the model and index the bundled sample first; then serve. */
await runCli(async ({ config, log }) => {
  const hasIndex = await readManifest(config.INDEX_DIR).then(
    () => true,
    (error: unknown) => {
      if (isAppError(error) && error.code === 'index_missing') return false;
      throw error;
    },
  );
  if (!hasIndex) {
    log.info({ index: config.INDEX_DIR, sample: config.SAMPLE_FILE }, 'no index yet: building one from the sample papers');
    const embedder = await loadEmbedder(getModel(config.MODEL ?? defaultModelId), config, log);
    try {
      const summary = await ingestPapers(embedder, {
        input: config.SAMPLE_FILE,
        format: detectFormat(config.SAMPLE_FILE),
        indexDir: config.INDEX_DIR,
        log,
        progress: createProgressReporter(log, false),
      });
      log.info({ indexed: summary.indexed, seconds: Math.round(summary.seconds * 10) / 10 }, 'sample index built');
    } finally {
      await embedder.dispose();
    }
  }
  await serveUntilSignal(config, log);
});
