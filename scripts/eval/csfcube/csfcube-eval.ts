/**
 * Related-paper quality on CSFCube through the product's own ingestion and related-by-id code:
 * `npm run eval -- --benchmark csfcube [--data <fold folder>] [--model <id>|all]
 * [--method <name>,...|all] [--title-weight <w>] [--runs <folder>] [--cache <dir>] [--no-official] [--cross-validate] [--json]`.
 *
 * For each query paper the whole corpus is ranked by the method (as GET /v1/papers/:id/related
 * would, at any depth), the judged pool is ordered by that ranking (pool items the method does
 * not rank go last), the run is written as RUN.json and scored by the fold's own evaluate.py
 * (and by the TypeScript port, which must agree with it).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../../../src/config/config.js';
import { loadEmbedder } from '../../../src/embedding/load-embedder.js';
import { getModel, knownModelIds, withTitleWeight } from '../../../src/embedding/model-registry.js';
import { createLogger } from '../../../src/log.js';
import { cachedIndex } from '../benchmark-data.js';
import { mean } from '../metrics.js';
import { parsedFlags, parseScriptArguments } from '../script-arguments.js';
import { readCsfcubeFold } from './csfcube-data.js';
import { scoreQuery } from './csfcube-metrics.js';
import { methodNames, parseMethod, prepareMethods, withDenseTail, type Corpus, type RelatedMethod } from './related-methods.js';

const argumentsSchema = z.object({
  benchmark: z.literal('csfcube'),
  data: z.string().default('/work/shared/data/csfcube-dev'),
  model: z.enum(['all', ...knownModelIds]).default('all'),
  method: z.string().default('dense'),
  runs: z.string().default('bench/results/tmp/csfcube'),
  cache: z.string().default('bench/.cache'),
  'no-official': z.boolean().default(false),
  'cross-validate': z.boolean().default(false),
  json: z.boolean().default(false),
  /** The weight of the title in paper vectors (default: the model's own). */
  'title-weight': z.coerce.number().nonnegative().optional(),
});

const { values } = parsedFlags({
  options: {
    benchmark: { type: 'string' },
    data: { type: 'string' },
    model: { type: 'string' },
    method: { type: 'string' },
    runs: { type: 'string' },
    cache: { type: 'string' },
    'no-official': { type: 'boolean' },
    'cross-validate': { type: 'boolean' },
    json: { type: 'boolean' },
    'title-weight': { type: 'string' },
  },
});
const args = parseScriptArguments(argumentsSchema, values);
const config = loadConfig();
const log = createLogger('warn');
const fold = await readCsfcubeFold(args.data);
const models = args.model === 'all' ? [...knownModelIds] : [args.model];
const requested = args.method === 'all' ? [...methodNames] : args.method.split(',').map((name) => name.trim());
for (const spec of requested) parseMethod(spec);

interface Row {
  model: string;
  method: string;
  /** Facet (and "all") → MAP and NDCG%20 in percent, from the TypeScript port. */
  scores: Record<string, { map: number; ndcg20: number }>;
  /** The same from the benchmark's evaluate.py, when it ran. */
  official: Record<string, { map: number; ndcg20: number }> | null;
  msPerQuery: number;
  run: string;
  /** Query id → MAP and NDCG%20 (fractions). */
  perQuery: Map<string, { map: number; ndcg20: number }>;
}

/** Each method answers every query this many times; the first pass warms caches up and is not timed. */
const timingPasses = 3;
const rows: Row[] = [];
const preparation: { model: string; step: string; seconds: number }[] = [];
await mkdir(args.runs, { recursive: true });
for (const modelId of models) {
  const registered = getModel(modelId);
  const embedder = await loadEmbedder(args['title-weight'] === undefined ? registered : withTitleWeight(registered, args['title-weight']), config, log);
  const started = performance.now();
  const { index, papersPerSecond } = await cachedIndex(fold.corpusFile, args.cache, embedder, {
    efSearch: config.HNSW_EF_SEARCH,
    textsPerRun: config.EMBED_BATCH_SIZE,
    log,
  });
  if (papersPerSecond !== null)
    preparation.push({ model: modelId, step: `ingest (${papersPerSecond.toFixed(1)} papers/s)`, seconds: (performance.now() - started) / 1000 });
  const { corpus, methods } = await prepareMethods(requested, {
    index,
    embedder,
    cacheFolder: `${index.folder}.related`,
    modelDir: config.MODEL_DIR,
    threads: config.EMBED_THREADS,
    report: (step, seconds) => preparation.push({ model: modelId, step, seconds }),
  });
  for (const method of methods) rows.push(await evaluate(modelId, corpus, method));
  await embedder.dispose();
}
print();

/**
 * Answers every query with the method (timed: the answer as the product would compute it), then
 * completes each answer with the rest of the corpus in exact dense order (untimed) so that every
 * pool candidate has a rank.
 */
async function evaluate(modelId: string, corpus: Corpus, method: RelatedMethod): Promise<Row> {
  const run: Record<string, string[]> = {};
  let milliseconds = 0;
  for (let pass = 0; pass < timingPasses; pass++) {
    for (const query of fold.queries) {
      const label = corpus.labelOf(query.paperId);
      const started = performance.now();
      const answer = await method.answer(label, query.facet);
      if (pass > 0) milliseconds += performance.now() - started;
      run[query.id] = corpus.ids(withDenseTail(corpus, label, answer));
    }
  }
  const runFile = join(args.runs, `${modelId}.${method.name}.json`);
  await writeFile(runFile, JSON.stringify(run));
  const perQuery = new Map(fold.queries.map((query) => [query.id, scoreQuery(fold.pools.get(query.id)!, run[query.id]!, fold.judgments.get(query.id)!)]));
  const scores: Row['scores'] = {};
  for (const [facet, ids] of Object.entries(fold.queriesByFacet)) {
    scores[facet] = { map: 100 * mean(ids.map((id) => perQuery.get(id)!.map)), ndcg20: 100 * mean(ids.map((id) => perQuery.get(id)!.ndcg20)) };
  }
  const official = args['no-official'] ? null : await officialScores(runFile);
  if (official) assertAgreement(scores, official, method.name);
  return {
    model: modelId,
    method: method.name,
    scores,
    official,
    perQuery,
    msPerQuery: milliseconds / ((timingPasses - 1) * fold.queries.length),
    run: runFile,
  };
}

/** Runs the fold's evaluate.py on the run file and reads its lines (`facet {'map': x, 'ndcg%20': y}`). */
async function officialScores(runFile: string): Promise<Row['scores']> {
  const { stdout } = await promisify(execFile)('python3', [join(fold.folder, 'evaluate.py'), runFile]);
  const scores: Row['scores'] = {};
  for (const line of stdout.trim().split('\n')) {
    const match = /^(\w+) \{'map': ([\d.]+), 'ndcg%20': ([\d.]+)\}$/.exec(line.trim());
    if (!match) throw new Error(`Unexpected evaluate.py output: ${line}`);
    scores[match[1]!] = { map: Number(match[2]), ndcg20: Number(match[3]) };
  }
  return scores;
}

/** evaluate.py rounds to 2 decimals; the port must agree to that rounding. */
function assertAgreement(port: Row['scores'], official: Row['scores'], method: string): void {
  for (const [facet, { map, ndcg20 }] of Object.entries(official)) {
    const mine = port[facet];
    if (!mine || Math.abs(mine.map - map) > 0.006 || Math.abs(mine.ndcg20 - ndcg20) > 0.006) {
      throw new Error(
        `${method}: the TypeScript metrics (${JSON.stringify(mine)}) disagree with evaluate.py (${JSON.stringify({ map, ndcg20 })}) on ${facet}.`,
      );
    }
  }
}

/**
 * Leave-one-query-out over the methods run (read as settings of one ranking): each query is
 * answered by the method with the best MAP on the other queries, so the figure says how well a
 * setting chosen on these queries carries to a query not used to choose it.
 */
function crossValidate(modelRows: readonly Row[]): { scores: Row['scores']; chosen: Map<string, number> } {
  const chosen = new Map<string, number>();
  const perQuery = new Map<string, { map: number; ndcg20: number }>();
  for (const query of fold.queries) {
    const others = fold.queries.filter((other) => other.id !== query.id);
    let best = modelRows[0]!;
    let bestMap = -1;
    for (const row of modelRows) {
      const map = mean(others.map((other) => row.perQuery.get(other.id)!.map));
      if (map > bestMap) [best, bestMap] = [row, map];
    }
    chosen.set(best.method, (chosen.get(best.method) ?? 0) + 1);
    perQuery.set(query.id, best.perQuery.get(query.id)!);
  }
  const scores: Row['scores'] = {};
  for (const [facet, ids] of Object.entries(fold.queriesByFacet)) {
    scores[facet] = { map: 100 * mean(ids.map((id) => perQuery.get(id)!.map)), ndcg20: 100 * mean(ids.map((id) => perQuery.get(id)!.ndcg20)) };
  }
  return { scores, chosen };
}

function print(): void {
  const validated = args['cross-validate'] ? models.map((model) => ({ model, ...crossValidate(rows.filter((row) => row.model === model)) })) : [];
  if (args.json) {
    const serializable = rows.map(({ perQuery, ...row }) => ({ ...row, perQuery: Object.fromEntries(perQuery) }));
    const crossValidated = validated.map((item) => ({ ...item, chosen: Object.fromEntries(item.chosen) }));
    process.stdout.write(`${JSON.stringify({ queries: fold.queries.length, rows: serializable, crossValidated, preparation }, null, 2)}\n`);
    return;
  }
  const facets = Object.keys(fold.queriesByFacet);
  const cell = (row: Row, facet: string) => `${row.scores[facet]!.map.toFixed(1)} / ${row.scores[facet]!.ndcg20.toFixed(1)}`;
  const lines = [
    `${fold.queries.length} queries from ${fold.folder}; MAP / NDCG%20 per facet${rows.some((row) => row.official) ? ' (evaluate.py agrees)' : ''}`,
    '',
    `| model | method | ${facets.join(' | ')} | ms/query |`,
    `|---|---|${facets.map(() => '---|').join('')}---|`,
    ...rows.map((row) => `| ${row.model} | ${row.method} | ${facets.map((facet) => cell(row, facet)).join(' | ')} | ${row.msPerQuery.toFixed(2)} |`),
    ...validated.map(
      ({ model, scores, chosen }) =>
        `| ${model} | leave-one-query-out over the methods above (chosen: ${[...chosen].map(([method, times]) => `${method} ×${times}`).join(', ')}) | ${facets
          .map((facet) => `${scores[facet]!.map.toFixed(1)} / ${scores[facet]!.ndcg20.toFixed(1)}`)
          .join(' | ')} | |`,
    ),
    ...(preparation.length > 0
      ? ['', '| model | preparation | seconds |', '|---|---|---|', ...preparation.map((p) => `| ${p.model} | ${p.step} | ${p.seconds.toFixed(1)} |`)]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
