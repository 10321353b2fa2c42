/**
 * `npm run test:stress`: the stress suite (load, fairness, fuzzing, faults, soak) against the real
 * server, one test file at a time. Without flags it is the documented full run; `--ci` shortens
 * the load and the soak to fit CI's budget. Figures land in stress-results/.
 *
 *   npm run test:stress                      load 60 s, soak 10 min, 10,000 fuzzed requests, schemathesis 50 examples
 *   npm run test:stress -- --ci              load 20 s, soak 90 s, schemathesis 25 examples per operation (CI)
 *   npm run test:stress -- --only fuzz,faults
 *   npm run test:stress -- --soak-minutes 30 --seed 7
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '../..');
const suites = ['load', 'fairness', 'fuzz', 'faults', 'soak'] as const;

const { values } = parseArgs({
  options: {
    ci: { type: 'boolean', default: false },
    only: { type: 'string' },
    'load-seconds': { type: 'string' },
    'soak-minutes': { type: 'string' },
    'fuzz-runs': { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log('npm run test:stress [-- --ci] [--only load,fairness,fuzz,faults,soak] [--load-seconds N] [--soak-minutes N] [--fuzz-runs N] [--seed N]');
  process.exit(0);
}

const selected = values.only ? values.only.split(',').map((name) => name.trim()) : [...suites];
for (const name of selected) {
  if (!(suites as readonly string[]).includes(name)) {
    console.error(`unknown suite ${name}: one of ${suites.join(', ')}`);
    process.exit(2);
  }
}
if (process.getuid?.() !== 0 && selected.includes('faults')) {
  console.error('the faults suite mounts small tmpfs disks: run it as root (CI does), or leave it out with --only');
  process.exit(2);
}

const environment: NodeJS.ProcessEnv = { ...process.env };
const set = (name: string, value: string | undefined) => {
  if (value !== undefined) environment[name] = value;
};
if (values.ci) {
  set('STRESS_LOAD_SECONDS', '20');
  set('STRESS_WARMUP_SECONDS', '5');
  set('STRESS_SOAK_MINUTES', '1.5');
  set('STRESS_SOAK_INTERVAL_SECONDS', '15');
  set('STRESS_SCHEMATHESIS_EXAMPLES', '25');
} else {
  set('STRESS_SOAK_MINUTES', environment.STRESS_SOAK_MINUTES ?? '10');
  set('STRESS_SOAK_INTERVAL_SECONDS', environment.STRESS_SOAK_INTERVAL_SECONDS ?? '30');
}
set('STRESS_LOAD_SECONDS', values['load-seconds']);
set('STRESS_SOAK_MINUTES', values['soak-minutes']);
set('STRESS_FUZZ_RUNS', values['fuzz-runs']);
set('STRESS_SEED', values.seed);
// schemathesis from the virtual environment .ci/run (or the reader, once) sets up:
//   python3 -m venv ~/.cache/paper-search/stress-venv && ~/.cache/paper-search/stress-venv/bin/pip install schemathesis==4.32.5
const venvSchemathesis = join(homedir(), '.cache/paper-search/stress-venv/bin/schemathesis');
if (!environment.STRESS_SCHEMATHESIS && existsSync(venvSchemathesis)) environment.STRESS_SCHEMATHESIS = venvSchemathesis;

let failed = false;
for (const name of selected) {
  const started = performance.now();
  console.log(`\n=== stress: ${name}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', join(root, 'test/stress', `${name}.test.ts`)], {
    cwd: root,
    env: environment,
    stdio: 'inherit',
  });
  console.log(`=== stress: ${name} ${result.status === 0 ? 'passed' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
