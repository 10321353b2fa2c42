/**
 * Start-up, latency and memory of the real server on an existing index:
 * `node --import tsx bench/serving-figures.ts --index <dir> [--requests 200]`.
 * Spawns the compiled server (run `npm run build` first), measures spawn → /readyz 200, then
 * sequential requests (one client, keep-alive), and reads the process's peak RSS from /proc.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { median } from '../scripts/eval/metrics.js';

const { values } = parseArgs({
  options: { index: { type: 'string' }, requests: { type: 'string', default: '200' }, port: { type: 'string', default: '18080' } },
});
if (!values.index) throw new Error('--index <dir> is required');
const requests = Number(values.requests);
const base = `http://127.0.0.1:${values.port}`;

const queries = [
  'KV cache compression for long-context language models',
  'neural representations for video compression',
  'diffusion models for 3D generation',
  'contrastive self-supervised learning of visual features',
  'efficient transformers with linear attention',
  'recommender systems with reinforcement learning',
  'quantization of large language model weights',
  'vision-language models for video understanding',
];

const started = performance.now();
const server = spawn(process.execPath, ['dist/cli/serve.js'], {
  env: { ...process.env, INDEX_DIR: values.index, PORT: values.port, HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
let readyMs = 0;
for (;;) {
  try {
    if ((await fetch(`${base}/readyz`)).status === 200) {
      readyMs = performance.now() - started;
      break;
    }
  } catch {
    // not listening yet
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
}

async function time(path: string, body?: unknown): Promise<number> {
  const t0 = performance.now();
  const response = await fetch(
    `${base}${path}`,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  return performance.now() - t0;
}

const ids = (await readFile(`${values.index}/papers.jsonl`, 'utf8'))
  .split('\n', 200)
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { id: string }).id);
const results: Record<string, number> = { 'start-up to ready (ms)': readyMs };
for (const [name, run] of [
  ['/healthz', () => time('/healthz')],
  // Every query text is new to the server, so the query cache never answers for the model.
  ['/v1/search hybrid', (i: number) => time('/v1/search', { query: `${queries[i % queries.length]} (hybrid ${i})`, k: 10 })],
  ['/v1/search dense', (i: number) => time('/v1/search', { query: `${queries[i % queries.length]} (dense ${i})`, k: 10, mode: 'dense' })],
  ['/v1/search repeated query (cached)', () => time('/v1/search', { query: queries[0], k: 10 })],
  ['/v1/papers/:id/related', (i: number) => time(`/v1/papers/${encodeURIComponent(ids[i % ids.length]!)}/related?k=10`)],
] as const) {
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) samples.push(await run(i));
  results[`${name} median (ms)`] = median(samples);
}
const status = await readFile(`/proc/${server.pid}/status`, 'utf8');
results['server peak RSS (MiB)'] = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
server.kill('SIGTERM');
for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(36)} ${value.toFixed(2)}`);
