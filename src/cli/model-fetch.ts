import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ensureModelFiles } from '../embedding/model-files.js';
import { defaultModelId, getModel, knownModelIds } from '../embedding/model-registry.js';
import { parseCliArguments } from './cli-arguments.js';
import { runCli } from './run-cli.js';

const argumentsSchema = z.strictObject({
  model: z.enum(['all', ...knownModelIds]).optional(),
});

await runCli(async ({ config, log }) => {
  const { values } = parseArgs({ options: { model: { type: 'string' } }, strict: false });
  const args = parseCliArguments(argumentsSchema, values, `npm run model:fetch -- [--model ${['all', ...knownModelIds].join('|')}]`);
  const wanted = args.model ?? config.MODEL ?? defaultModelId;
  for (const id of wanted === 'all' ? knownModelIds : [wanted]) {
    const folder = await ensureModelFiles(getModel(id), { modelDir: config.MODEL_DIR, sources: config.MODEL_SOURCES, hubEndpoint: config.HF_ENDPOINT, log });
    process.stdout.write(`${id}: ${folder}\n`);
  }
});
