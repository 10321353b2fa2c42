import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ensureModelFiles } from '../embedding/model-files.js';
import { defaultModelId, getModel, knownModelIds } from '../embedding/model-registry.js';
import { parseCliArguments } from './cli-arguments.js';
import { runCli } from './run-cli.js';

const argumentsSchema = z.strictObject({
  model: z.enum(knownModelIds as [string, ...string[]]).optional(),
});

await runCli(async ({ config, log }) => {
  const { values } = parseArgs({ options: { model: { type: 'string' } }, strict: false });
  const args = parseCliArguments(argumentsSchema, values, 'npm run model:fetch -- [--model <id>]');
  const model = getModel(args.model ?? config.MODEL ?? defaultModelId);
  const folder = await ensureModelFiles(model, { modelDir: config.MODEL_DIR, sources: config.MODEL_SOURCES, hubEndpoint: config.HF_ENDPOINT, log });
  process.stdout.write(`${model.id}: ${folder}\n`);
});
