/**
 * Fits a model's hybrid calibration (ModelDescription.hybridCalibration) on a BEIR-layout
 * benchmark, by cross-validation over its queries:
 *
 *   node --import tsx scripts/eval/fit-calibration.ts --corpus <corpus.jsonl> --queries <queries.jsonl>
 *     --qrels <qrels.tsv> --model <id> [--junk scripts/eval/junk-queries.jsonl] [--folds 5] [--seed 7]
 *     [--cache bench/.cache] [--limit <n>] [--json]
 *
 * Candidates are what the service fuses: each retriever's top 100 (HNSW and BM25 through the
 * product's storage), every candidate with its cosine and its BM25 as a share of the query's
 * ceiling (the signal its other retriever did not return looked up as the service does).
 *
 * 1. The dense weight w of w·cosine + (1 − w)·BM25/ceiling sets the ranking. Each fold chooses the
 *    w with the best nDCG@10 on the other folds; the held-out nDCG@10 of those choices is the
 *    honest figure. The final w is the median of the folds' choices (not the peak over all
 *    queries), so one lucky fold cannot pull it.
 * 2. A logistic (Platt) fit of "judged relevant" on that linear score over every query's top 10
 *    gives the scale a and bias b; the registry constants are a·w, a·(1 − w) and b.
 *
 * Printed: nDCG@10 of the candidates under the new constants, the registry's current ones and the
 * min-max fusion they replaced; the folds' choices and Platt constants; and the top hit's score
 * separation (right vs wrong vs junk), out of fold for the new constants.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../../src/config/config.js';
import { loadEmbedder } from '../../src/embedding/load-embedder.js';
import { getModel, knownModelIds } from '../../src/embedding/model-registry.js';
import { createLogger } from '../../src/log.js';
import { calibratedHybridScore, relativeLexicalScore, type HybridCalibration } from '../../src/search/calibrated-fusion.js';
import { dot } from '../../src/shared/vector-math.js';
import type { PaperStorage, ScoredId } from '../../src/storage/paper-storage.js';
import { cachedIndex, readJsonLines, readOnlyStorage, readQrels, type BenchmarkQuery } from './benchmark-data.js';
import { fitLogistic, separation, type SeparationReport } from './calibration-metrics.js';
import { assignFolds, crossValidate } from './cross-validation.js';
import { junkQueriesPath, type JunkQuery } from './generate-junk-queries.js';
import { mean, median, ndcgAt, type Judgments } from './metrics.js';
import { parseScriptArguments } from './script-arguments.js';
import { fuseNormalized } from './min-max-fusion.js';

/** The dense weight of the min-max fusion each model used before calibrated scores (the baseline). */
const minMaxDenseWeights: Record<string, number> = { 'all-MiniLM-L6-v2': 0.5, 'bge-small-en-v1.5': 0.6 };
const weightGrid = Array.from({ length: 21 }, (_, step) => step / 20);
const candidateDepth = 100;

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    queries: { type: 'string' },
    qrels: { type: 'string' },
    model: { type: 'string' },
    junk: { type: 'string' },
    folds: { type: 'string' },
    seed: { type: 'string' },
    cache: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  },
});
const args = parseScriptArguments(
  z.object({
    corpus: z.string(),
    queries: z.string(),
    qrels: z.string(),
    model: z.enum(knownModelIds as [string, ...string[]]),
    junk: z.string().default(junkQueriesPath),
    folds: z.coerce.number().int().min(2).default(5),
    seed: z.coerce.number().int().default(7),
    cache: z.string().default('bench/.cache'),
    limit: z.coerce.number().int().positive().optional(),
    json: z.boolean().default(false),
  }),
  values,
);

/** A candidate of one query: its two signals, as the service's fusion sees them. */
interface Candidate {
  id: string;
  cosine: number;
  relativeLexical: number;
}

interface QueryCandidates {
  judgments?: Judgments;
  dense: ScoredId[];
  lexical: ScoredId[];
  candidates: Candidate[];
}

const config = loadConfig();
const log = createLogger('warn');
const model = getModel(args.model);
const qrels = await readQrels(args.qrels);
const judged = (await readJsonLines<BenchmarkQuery>(args.queries)).filter((query) => qrels.has(query._id)).slice(0, args.limit);
const junkQueries = await readJsonLines<JunkQuery>(args.junk);

const embedder = await loadEmbedder(model, config, log);
const { index } = await cachedIndex(args.corpus, args.cache, embedder, { efSearch: config.HNSW_EF_SEARCH, textsPerRun: config.EMBED_BATCH_SIZE, log });
const storage = await readOnlyStorage(index, embedder, { efSearch: config.HNSW_EF_SEARCH, log });
const train: QueryCandidates[] = [];
for (const query of judged) train.push({ judgments: qrels.get(query._id)!, ...(await candidatesOf(storage, query.text)) });
const junk: QueryCandidates[] = [];
for (const query of junkQueries) junk.push(await candidatesOf(storage, query.text));
await storage.close();
await embedder.dispose();

const fold = assignFolds(train.length, args.folds, args.seed);
const linearScore = (weight: number) => (candidate: Candidate) => weight * candidate.cosine + (1 - weight) * candidate.relativeLexical;
const ndcgOf = (query: QueryCandidates, ranked: readonly { id: string }[]) =>
  ndcgAt(
    ranked.slice(0, 10).map((hit) => hit.id),
    query.judgments!,
    10,
  );
const isRight = (query: QueryCandidates, id: string | undefined) => id !== undefined && (query.judgments!.get(id) ?? 0) > 0;

// 1. The dense weight, by cross-validated nDCG@10.
const ndcgByWeight = new Map(weightGrid.map((weight) => [String(weight), train.map((query) => ndcgOf(query, ranked(query, linearScore(weight))))]));
const weightCv = crossValidate(ndcgByWeight, fold, args.folds);
const foldWeights = weightCv.chosen.map(Number);
const finalWeight = median(foldWeights);

// 2. Scale and bias, by a logistic fit over the top 10 of each query.
const plattFit = (weight: number, queries: readonly QueryCandidates[]): { scale: number; bias: number } => {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (const query of queries) {
    for (const hit of ranked(query, linearScore(weight)).slice(0, 10)) {
      rows.push([hit.score]);
      labels.push(isRight(query, hit.id) ? 1 : 0);
    }
  }
  const [scale, bias] = fitLogistic(rows, labels);
  return { scale: scale!, bias: bias! };
};
const calibrationOf = (weight: number, { scale, bias }: { scale: number; bias: number }): HybridCalibration => ({
  cosineCoefficient: round3(scale * weight),
  lexicalCoefficient: round3(scale * (1 - weight)),
  bias: round3(bias),
});
const foldModels = foldWeights.map((weight, f) => {
  const platt = plattFit(
    weight,
    train.filter((_query, i) => fold[i] !== f),
  );
  return { weight, ...platt, calibration: calibrationOf(weight, platt) };
});
const finalPlatt = plattFit(finalWeight, train);
const fitted = calibrationOf(finalWeight, finalPlatt);

// Ranking quality of each way of scoring the same candidates.
const calibratedRanking = (calibration: HybridCalibration) => (query: QueryCandidates) =>
  ranked(query, (candidate) => calibratedHybridScore(candidate.cosine, candidate.relativeLexical, calibration));
const minMaxWeight = minMaxDenseWeights[model.id];
const minMaxRanking = (weight: number) => (query: QueryCandidates) => fuseNormalized(query.dense, query.lexical, { denseWeight: weight });
const minMaxCv = crossValidate(
  new Map(weightGrid.map((weight) => [String(weight), train.map((query) => ndcgOf(query, minMaxRanking(weight)(query)))])),
  fold,
  args.folds,
);
const ndcg = {
  fitted: mean(train.map((query) => ndcgOf(query, calibratedRanking(fitted)(query)))),
  registry: mean(train.map((query) => ndcgOf(query, calibratedRanking(model.hybridCalibration)(query)))),
  weightCrossValidated: weightCv.heldOut,
  weightTrainPeak: weightCv.bestMean,
  weightAtTrainPeak: Number(weightCv.best),
  minMax: minMaxWeight === undefined ? null : mean(train.map((query) => ndcgOf(query, minMaxRanking(minMaxWeight)(query)))),
  minMaxWeight: minMaxWeight ?? null,
  minMaxCrossValidated: minMaxCv.heldOut,
  dense: mean(train.map((query) => ndcgOf(query, query.dense))),
  lexical: mean(train.map((query) => ndcgOf(query, query.lexical))),
};

// Separation of the top hit's score: out of fold for the fitted constants (junk queries dealt to
// folds round-robin), in sample for the registry's.
const topScore = (query: QueryCandidates, calibration: HybridCalibration) => calibratedRanking(calibration)(query)[0];
const separationOf = (calibrationFor: (kind: 'train' | 'junk', i: number) => HybridCalibration): SeparationReport => {
  const right: number[] = [];
  const wrong: number[] = [];
  train.forEach((query, i) => {
    const top = topScore(query, calibrationFor('train', i));
    (isRight(query, top?.id) ? right : wrong).push(top?.score ?? 0);
  });
  return separation(
    right,
    wrong,
    junk.map((query, i) => topScore(query, calibrationFor('junk', i))?.score ?? 0),
  );
};
const separations = {
  fittedOutOfFold: separationOf((kind, i) => foldModels[kind === 'train' ? fold[i]! : i % args.folds]!.calibration),
  fittedInSample: separationOf(() => fitted),
  registry: separationOf(() => model.hybridCalibration),
};

const report = {
  model: model.id,
  queries: train.length,
  junkQueries: junk.length,
  folds: args.folds,
  seed: args.seed,
  fitted: { denseWeight: finalWeight, scale: round3(finalPlatt.scale), bias: round3(finalPlatt.bias), hybridCalibration: fitted },
  registry: model.hybridCalibration,
  foldModels: foldModels.map((m) => ({ denseWeight: m.weight, scale: round3(m.scale), bias: round3(m.bias) })),
  ndcg,
  separations,
};
if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else printReport();

/** Both retrievers' top candidates of a query with both signals each, as the service's hybrid mode gathers them. */
async function candidatesOf(storage: PaperStorage, text: string): Promise<Omit<QueryCandidates, 'judgments'>> {
  const vector = (await embedder.embedQueries([text]))[0]!;
  const [dense, lexical, ceiling] = await Promise.all([
    storage.nearest(vector, { k: candidateDepth }),
    storage.lexical(text, { k: candidateDepth }),
    storage.lexicalCeiling(text),
  ]);
  const cosines = new Map(dense.map((hit) => [hit.id, hit.score]));
  const bm25 = new Map(lexical.map((hit) => [hit.id, hit.score]));
  const onlyLexical = lexical.map((hit) => hit.id).filter((id) => !cosines.has(id));
  const onlyDense = dense.map((hit) => hit.id).filter((id) => !bm25.has(id));
  const [vectors, scores] = await Promise.all([storage.vectors(onlyLexical), storage.lexicalScores(text, onlyDense)]);
  onlyLexical.forEach((id, i) => cosines.set(id, vectors[i] ? dot(vector, vectors[i]) : 0));
  onlyDense.forEach((id, i) => bm25.set(id, scores[i]!));
  const candidates = [...cosines.keys()].map((id) => ({ id, cosine: cosines.get(id)!, relativeLexical: relativeLexicalScore(bm25.get(id)!, ceiling) }));
  return { dense, lexical, candidates };
}

/** A query's candidates best first by `score`, ties by id (as the service orders them). */
function ranked(query: QueryCandidates, score: (candidate: Candidate) => number): ScoredId[] {
  return query.candidates
    .map((candidate) => ({ id: candidate.id, score: score(candidate) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function printReport(): void {
  const r = (value: number | null) => (value === null ? '-' : value.toFixed(3));
  const row = (name: string, s: SeparationReport) =>
    `| ${name} | ${s.right} / ${s.wrong} / ${s.junk} | ${r(s.aucRightVsWrongOrJunk)} | ${r(s.aucRightVsWrong)} | ${r(s.medianRight)} | ${r(s.medianWrong)} | ${r(s.medianJunk)} | ${r(s.threshold90)} | ${r(s.wrongRemoved90)} | ${r(s.junkRemoved90)} |`;
  const lines = [
    `## ${model.id}: ${train.length} queries, ${junk.length} junk queries, ${args.folds}-fold CV (seed ${args.seed})`,
    '',
    `Fitted: dense weight ${finalWeight} (folds chose ${foldWeights.join(', ')}), scale ${r(finalPlatt.scale)}, bias ${r(finalPlatt.bias)}`,
    `hybridCalibration: ${JSON.stringify(fitted)}`,
    `registry now:      ${JSON.stringify(model.hybridCalibration)}`,
    `per fold (w, scale, bias): ${foldModels.map((m) => `(${m.weight}, ${r(m.scale)}, ${r(m.bias)})`).join(' ')}`,
    '',
    '| ranking of the same candidates | nDCG@10 |',
    '|---|---|',
    `| dense (HNSW top 100) | ${r(ndcg.dense)} |`,
    `| lexical (BM25 top 100) | ${r(ndcg.lexical)} |`,
    `| min-max fusion, dense weight ${ndcg.minMaxWeight ?? '-'} (the baseline) | ${r(ndcg.minMax)} |`,
    `| min-max fusion, weight by CV (held out) | ${r(ndcg.minMaxCrossValidated)} |`,
    `| calibrated, weight by CV (held out) | ${r(ndcg.weightCrossValidated)} |`,
    `| calibrated, train peak (w = ${ndcg.weightAtTrainPeak}) | ${r(ndcg.weightTrainPeak)} |`,
    `| calibrated, fitted constants | ${r(ndcg.fitted)} |`,
    `| calibrated, registry constants | ${r(ndcg.registry)} |`,
    '',
    '| top hit score | right / wrong / junk | AUC right vs wrong+junk | AUC right vs wrong | median right | median wrong | median junk | threshold keeping 90% right | wrong removed | junk removed |',
    '|---|---|---|---|---|---|---|---|---|---|',
    row('fitted, out of fold', separations.fittedOutOfFold),
    row('fitted, in sample', separations.fittedInSample),
    row('registry constants', separations.registry),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
