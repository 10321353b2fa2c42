import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Command } from 'commander';
import { AppError } from '../../errors.js';
import { runInFrame } from '../command-frame.js';
import { packageRoot } from '../package-root.js';
import { examples } from './examples.js';

/**
 * `eval` and `bench` run the repository's own scripts (TypeScript, through tsx): they need a
 * clone of the repository with its development dependencies (`npm ci`), not just the package.
 */
export function devCommands(): Command[] {
  const evaluate = new Command('eval')
    .description('search quality on a BEIR-layout benchmark (runs scripts/eval/run-eval.ts; needs the repository and its dev dependencies)')
    .argument('[args...]', "the script's own flags (after --)")
    .passThroughOptions()
    .allowUnknownOption()
    .addHelpText(
      'after',
      examples(
        'paper-search eval -- --help',
        'paper-search eval -- --corpus scifact/corpus.jsonl --queries scifact/queries.jsonl --qrels scifact/qrels/test.tsv',
        'paper-search eval -- --benchmark csfcube --data csfcube-dev',
      ) + '\nSee docs/search-quality.md.\n',
    )
    .action((args: string[]) => runScript('scripts/eval/run-eval.ts', args));
  const bench = new Command('bench')
    .description('the performance suite (runs bench/run.ts; needs the repository and its dev dependencies)')
    .argument('[args...]', "the script's own flags (after --)")
    .passThroughOptions()
    .allowUnknownOption()
    .addHelpText('after', examples('paper-search bench -- --help', 'paper-search bench -- --quick') + '\nSee docs/performance.md.\n')
    .action((args: string[]) => runScript('bench/run.ts', args));
  return [evaluate, bench];
}

function runScript(script: string, args: readonly string[]): Promise<void> {
  return runInFrame({}, async () => {
    const path = join(packageRoot, script);
    if (!existsSync(path)) {
      throw new AppError(
        'command_unavailable',
        `${script} is not here (${packageRoot}): this command runs the repository's script; use a clone of the repository.`,
      );
    }
    try {
      createRequire(join(packageRoot, 'package.json')).resolve('tsx');
    } catch {
      throw new AppError(
        'command_unavailable',
        `${script} runs through tsx, a development dependency, which is not installed: run npm ci (with dev dependencies) in ${packageRoot}.`,
      );
    }
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], { cwd: packageRoot, stdio: 'inherit' });
      child.on('error', reject);
      child.on('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
    process.exitCode = code;
  });
}
