import { Command } from 'commander';
import { AppError } from '../../errors.js';
import { verifyIndexFiles } from '../../storage/embedded/index-integrity.js';
import { settleIndexFolder } from '../../storage/interrupted-swap.js';
import { readManifest } from '../../storage/embedded/manifest.js';
import { readCollectionPointer } from '../../storage/weaviate/collection-pointer.js';
import { runInFrame } from '../command-frame.js';
import { collectionPointerCheck } from '../doctor/checks.js';
import { examples } from './examples.js';
import { nonEmpty } from './list-options.js';

/**
 * `verify`: every file of an index folder against the checksums its manifest recorded, hashed in
 * full (the server checks sizes and hashes only the files it loads at start). One line per file.
 */
export function verifyCommand(): Command {
  return new Command('verify')
    .description('check every file of an index folder against the SHA-256 its manifest recorded')
    .option('--index <dir>', 'index folder (default: INDEX_DIR, index-data/default)', nonEmpty)
    .addHelpText('after', examples('paper-search verify --index index-data/default'))
    .action((flags: { index?: string }) =>
      runInFrame({ settings: { INDEX_DIR: flags.index } }, async ({ config, log, say }) => {
        const folder = config.INDEX_DIR;
        await settleIndexFolder(folder, log);
        const pointer = await readCollectionPointer(folder);
        if (pointer) {
          // The folder holds only the manifest naming the collection, and Weaviate checks its own
          // data: what is left to check is what doctor checks, that it can be served.
          const served = await collectionPointerCheck(config, folder, pointer);
          if (served.error) throw served.error;
          say(`${served.message}; Weaviate checks its own data`);
          return;
        }
        const verdicts = await verifyIndexFiles(folder, await readManifest(folder), 'full');
        if (verdicts === 'no checksums') {
          say(`${folder}: no checksums recorded (built by an older version); rebuild it, or let a snapshot rewrite it, to record them`);
          return;
        }
        for (const verdict of verdicts)
          process.stdout.write(`${verdict.ok ? 'ok     ' : 'DAMAGED'} ${verdict.file}${verdict.problem ? `: ${verdict.problem}` : ''}\n`);
        if (verdicts.some((verdict) => !verdict.ok)) {
          throw new AppError(
            'index_corrupt',
            `${folder} is damaged. Restore it from a backup, or rebuild it: paper-search ingest --input <papers file> --index ${folder}`,
          );
        }
      }),
    );
}
