import { parseArgs } from 'node:util';
import { z } from 'zod';
import { readManifest } from '../storage/embedded/manifest.js';
import { verifyIndexFiles } from '../storage/embedded/index-integrity.js';
import { parseCliArguments } from './cli-arguments.js';
import { runCli } from './run-cli.js';

const argumentsSchema = z.strictObject({ index: z.string().min(1).optional() });

/**
 * `npm run verify -- [--index <dir>]`: every file of an index folder against the checksums its
 * manifest recorded, hashed in full (the server checks sizes and the files it loads at start).
 * One line per file; exit code 1 when any is damaged.
 */
await runCli(async ({ config }) => {
  const { values } = parseArgs({ options: { index: { type: 'string' } }, strict: false });
  const args = parseCliArguments(argumentsSchema, values, 'npm run verify -- [--index <dir>]');
  const folder = args.index ?? config.INDEX_DIR;
  const manifest = await readManifest(folder);
  const verdicts = await verifyIndexFiles(folder, manifest, 'full');
  if (verdicts === 'no checksums') {
    process.stdout.write(`${folder}: no checksums recorded (built by an older version); rebuild it, or let a snapshot rewrite it, to record them\n`);
    return;
  }
  for (const verdict of verdicts)
    process.stdout.write(`${verdict.ok ? 'ok     ' : 'DAMAGED'} ${verdict.file}${verdict.problem ? `: ${verdict.problem}` : ''}\n`);
  if (verdicts.some((verdict) => !verdict.ok)) {
    process.stderr.write(
      `error [index_corrupt]: ${folder} is damaged. Restore it from a backup, or rebuild it: npm run ingest -- --input <papers file> --index ${folder}\n`,
    );
    process.exitCode = 1;
  }
});
