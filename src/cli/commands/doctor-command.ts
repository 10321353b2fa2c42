import { Command } from 'commander';
import { settleIndexFolder } from '../../storage/interrupted-swap.js';
import { runInFrame } from '../command-frame.js';
import { runChecks, type CheckStatus } from '../doctor/checks.js';
import { painter } from '../output/terminal.js';
import { examples } from './examples.js';
import { nonEmpty } from './list-options.js';

const labels: Record<CheckStatus, { text: string; style: 'green' | 'yellow' | 'red' }> = {
  ok: { text: 'ok  ', style: 'green' },
  warn: { text: 'warn', style: 'yellow' },
  fail: { text: 'FAIL', style: 'red' },
};

/** Checks what serving needs, one line each with the fix; exits 1 when any check fails. */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check the model files and their checksums, the index and its model, disk space, the port and the page; one line each, with the fix')
    .option('--index <dir>', 'index folder to check (INDEX_DIR; default index-data/default)', nonEmpty)
    .option('--json', 'JSON lines even on a terminal')
    .addHelpText('after', examples('paper-search doctor', 'PORT=9000 paper-search doctor --index index-data/mine --json'))
    .action((flags: { index?: string; json?: boolean }) =>
      runInFrame({ settings: { INDEX_DIR: flags.index }, logLevel: 'warn', listens: true }, async ({ config, log, stdout, say }) => {
        // As serving would: a folder a crash left set aside mid-swap is the index, not a missing one.
        const unsettled = await settleIndexFolder(config.INDEX_DIR, log).then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        );
        const results = (await runChecks(config)).map((result) =>
          unsettled && result.check === 'index' ? { check: 'index', status: 'fail' as const, message: unsettled.message } : result,
        );
        if (flags.json || !stdout.isTerminal) {
          process.stdout.write(results.map((result) => `${JSON.stringify(result)}\n`).join(''));
        } else {
          const paint = painter(stdout.color);
          const width = Math.max(...results.map((result) => result.check.length));
          for (const result of results) {
            const label = labels[result.status];
            process.stdout.write(
              `${paint(label.style, label.text)}  ${result.check.padEnd(width)}  ${result.message}${result.fix ? paint('dim', `  → fix: ${result.fix}`) : ''}\n`,
            );
          }
        }
        const failed = results.filter((result) => result.status === 'fail').length;
        if (failed > 0) {
          say(`${failed} ${failed === 1 ? 'check' : 'checks'} failed`);
          process.exitCode = 1;
        }
      }),
    );
}
