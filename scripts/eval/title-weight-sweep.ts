/**
 * SciFact nDCG@10 with the title added to paper vectors at several weights, without building an
 * index per weight: `node --import tsx scripts/eval/title-weight-sweep.ts --model <id>
 * [--split train] [--weights 0,0.25,0.5] [--dense-weights 0.35,0.4,0.45,0.5,0.55,0.6]`.
 * The corpus is indexed once with the passage alone (title weight 0, cached like the eval's
 * indexes), the titles are embedded alone, and each weight's paper vectors are computed as
 * ingestion would (embedding/paper-vectors.ts). Dense ranks the whole corpus exactly; hybrid
 * fuses w · cosine + (1 − w) · BM25 / ceiling over the dense top 100 and the BM25 top 100, for
 * each dense weight w (the fusion the calibrated score orders by, see search-quality.md).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/config.js';
import { loadEmbedder } from '../../src/embedding/load-embedder.js';
import { getModel, withTitleWeight } from '../../src/embedding/model-registry.js';
import { blendTitle } from '../../src/embedding/paper-vectors.js';
import { createLogger } from '../../src/log.js';
import { dot } from '../../src/shared/vector-math.js';
import { readVectorsFile, vectorAt } from '../../src/storage/embedded/vectors-file.js';
import { cachedIndex, readJsonLines, readOnlyStorage, readQrels, type BenchmarkQuery } from './benchmark-data.js';
import { mean, ndcgAt } from './metrics.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'all-MiniLM-L6-v2' },
    data: { type: 'string', default: '../shared/data/scifact' },
    split: { type: 'string', default: 'train' },
    weights: { type: 'string', default: '0,0.25,0.3,0.35,0.4,0.5,0.75,1' },
    'dense-weights': { type: 'string', default: '0.35,0.4,0.45,0.5,0.55,0.6' },
    cache: { type: 'string', default: 'bench/.cache' },
  },
});
const numbers = (text: string) => text.split(',').map(Number);
const config = loadConfig();
const log = createLogger('warn');
const embedder = await loadEmbedder(withTitleWeight(getModel(values.model), 0), config, log);
const { index } = await cachedIndex(join(values.data, 'corpus.jsonl'), values.cache, embedder, {
  efSearch: config.HNSW_EF_SEARCH,
  textsPerRun: config.EMBED_BATCH_SIZE,
  log,
});
const storage = await readOnlyStorage(index, embedder, { efSearch: config.HNSW_EF_SEARCH, log });
const qrels = await readQrels(join(values.data, 'qrels', `${values.split}.tsv`));
const queries = (await readJsonLines<BenchmarkQuery>(join(values.data, `queries.${values.split}.jsonl`))).filter((query) => qrels.has(query._id));

const count = index.manifest.count;
const dimension = index.manifest.model.dimension;
const passageVectors = await readVectorsFile(join(index.folder, index.manifest.files.vectors), count, dimension);
const papers = Array.from({ length: count }, (_, label) => index.papers.byLabel(label));
const titled = papers.flatMap((paper, label) => (paper.title.trim() ? [label] : []));
const titleVectors = new Map<number, Float32Array>();
for (let start = 0; start < titled.length; start += 256) {
  const labels = titled.slice(start, start + 256);
  const vectors = await embedder.embedPassages(labels.map((label) => papers[label]!.title.trim()));
  labels.forEach((label, i) => titleVectors.set(label, Float32Array.from(vectors[i]!)));
}
const queryVectors = await embedder.embedQueries(queries.map((query) => query.text));
const lexicalTop = await Promise.all(queries.map((query) => storage.lexical(query.text, { k: 100 })));
const ceilings = await Promise.all(queries.map((query) => storage.lexicalCeiling(query.text)));
const labelOf = new Map(papers.map((paper, label) => [paper.id, label]));
const denseWeights = numbers(values['dense-weights']);

process.stdout.write(`${values.model}, SciFact ${values.split} (${queries.length} queries), nDCG@10\n\n`);
process.stdout.write(`| title weight | dense | ${denseWeights.map((w) => `hybrid w=${w}`).join(' | ')} |\n|${'---|'.repeat(denseWeights.length + 2)}\n`);
for (const titleWeight of numbers(values.weights)) {
  const vectors = papers.map((_, label) => {
    const passage = vectorAt(passageVectors, label, dimension);
    const title = titleVectors.get(label);
    return title ? blendTitle(Float32Array.from(passage), title, titleWeight) : passage;
  });
  const dense: number[] = [];
  const hybrid = denseWeights.map(() => [] as number[]);
  for (const [i, query] of queries.entries()) {
    const judgments = qrels.get(query._id)!;
    const cosines = vectors.map((vector) => dot(queryVectors[i]!, vector));
    const order = [...cosines.keys()].sort((a, b) => cosines[b]! - cosines[a]! || a - b);
    dense.push(
      ndcgAt(
        order.slice(0, 10).map((label) => papers[label]!.id),
        judgments,
        10,
      ),
    );
    const candidates = [...new Set([...order.slice(0, 100), ...lexicalTop[i]!.map((hit) => labelOf.get(hit.id)!)])];
    const bm25 = await storage.lexicalScores(
      query.text,
      candidates.map((label) => papers[label]!.id),
    );
    denseWeights.forEach((w, j) => {
      const fused = candidates.map((label, c) => ({ label, score: w * cosines[label]! + (1 - w) * (bm25[c]! / ceilings[i]!) }));
      fused.sort((a, b) => b.score - a.score || a.label - b.label);
      hybrid[j]!.push(
        ndcgAt(
          fused.slice(0, 10).map((item) => papers[item.label]!.id),
          judgments,
          10,
        ),
      );
    });
  }
  process.stdout.write(`| ${titleWeight} | ${mean(dense).toFixed(3)} | ${hybrid.map((scores) => mean(scores).toFixed(3)).join(' | ')} |\n`);
}
await storage.close();
await embedder.dispose();
