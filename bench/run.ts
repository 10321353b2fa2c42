/**
 * The benchmark suite: `npm run bench [-- --quick] [--only http,peers] [--peers a,b]
 * [--data <papers.jsonl.gz>] [--seed-index <dir>] [--skip-build] [--port 18700]`.
 * Each section writes <section>.json to the results folder (bench/results, or
 * bench/results/tmp/quick for --quick, which is not committed); then bench/report.ts renders
 * results.md and the recall chart from whatever sections are there, and the table is printed.
 * --quick embeds a 2,000-paper slice itself, uses fewer and shorter runs and skips the 1M scale
 * test; the full run needs the 74,728-paper index (embedded once, ~36 min, then cached).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureEmbedding } from './embedding.js';
import { measureHttp } from './http-load.js';
import { measureIndex } from './index-figures.js';
import { ensureBenchPackages } from './lib/bench-packages.js';
import type { BenchContext, SectionResult } from './lib/context.js';
import { prepareDataset } from './lib/dataset.js';
import { describeMachine } from './lib/machine.js';
import { measurePeers, type PeerResult } from './peer-comparison.js';
import { profileServer } from './profile.js';
import { measureRecall } from './recall.js';
import { renderReport } from './report.js';
import { measureScale } from './scale.js';
import { measureWeaviate } from './weaviate.js';

function previousResult<T>(section: string): T | undefined {
  const file = join(resultsDir, `${section}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}
const sections: Record<string, (context: BenchContext, peers?: string[]) => Promise<SectionResult>> = {
  embedding: measureEmbedding,
  index: (context) => measureIndex(context, port),
  http: (context) => measureHttp(context, port),
  recall: measureRecall,
  peers: (context, peers) => measurePeers(context, peers, peers ? previousResult<PeerResult>('peers') : undefined),
  scale: measureScale,
  profile: (context) => profileServer(context, port),
  weaviate: (context) => measureWeaviate(context, port),
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    peers: { type: 'string' },
    data: { type: 'string' },
    'seed-index': { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    // The first of the ports the sections' servers listen on, so that two runs can share a machine.
    port: { type: 'string', default: '18700' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`Usage: npm run bench -- [--quick] [--only <section>,...] [--peers <name>,...]
  [--data <papers.jsonl.gz>] [--seed-index <dir>] [--skip-build] [--port 18700]

Sections: ${Object.keys(sections).join(', ')}. --quick embeds a 2,000-paper slice and runs
shorter rounds (about 10 minutes); results go to bench/results (bench/results/tmp/quick with
--quick). See docs/performance.md.
`);
  process.exit(0);
}
const port = Number(values.port);
const quick = values.quick;
// The weaviate section needs a running cluster: it runs when asked for (--only weaviate) or when one is configured.
const selected =
  values.only?.split(',') ??
  Object.keys(sections).filter((name) => !(quick && name === 'scale') && (name !== 'weaviate' || process.env.WEAVIATE_URL !== undefined));
const unknown = selected.filter((name) => !(name in sections));
if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')}; known: ${Object.keys(sections).join(', ')}`);
const arxivPapers = '../shared/data/arxiv/papers.jsonl.gz';
// The papers committed with the repository: enough for --quick where the arXiv file is not at hand.
const samplePapers = 'index-data/samples/sample-papers.jsonl';
const dataFile = values.data ?? (existsSync(arxivPapers) || !quick ? arxivPapers : samplePapers);
if (!existsSync(dataFile)) throw new Error(`${dataFile} is missing: pass --data <papers.jsonl.gz> (the 74,728 arXiv papers)`);
if (dataFile === samplePapers) console.error(`bench: ${arxivPapers} is not here; --quick runs on the ${samplePapers} committed with the repository`);

const cacheDir = 'bench/.cache';
const resultsDir = quick ? 'bench/results/tmp/quick' : 'bench/results';
await mkdir(join(cacheDir, 'tmp'), { recursive: true });
await mkdir(resultsDir, { recursive: true });
ensureBenchPackages();
if (!values['skip-build']) execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });

const started = performance.now();
const context: BenchContext = {
  quick,
  cacheDir,
  dataFile,
  dataset: await prepareDataset({ dataFile, papers: quick ? 2000 : 'all', cacheDir, seedIndex: values['seed-index'] }),
  repetitions: quick ? 1 : 3,
};
await writeFile(join(resultsDir, 'machine.json'), `${JSON.stringify(describeMachine(), null, 2)}\n`);
for (const name of selected) {
  console.error(`bench: ${name} (${context.dataset.count} papers${quick ? ', quick' : ''})`);
  const before = loadavg()[0]!;
  const result = await sections[name]!(context, values.peers?.split(','));
  result.loadAverage = [before, loadavg()[0]!];
  result.commit = describeMachine().commit;
  await writeFile(join(resultsDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
process.stdout.write(renderReport(resultsDir));
console.error(`bench: done in ${((performance.now() - started) / 60_000).toFixed(1)} min; results in ${resultsDir}`);
