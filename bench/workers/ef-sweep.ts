/**
 * Recall against speed for the product's saved index: for each ef, the ground truth's queries
 * (stored papers, related-by-id as the service runs it) one at a time, recall@10 against exact
 * search and the latency of each. `--index <file> --truth <json> --vectors <f32> --efs 10,20,...`
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { VectorIndex } from '../../src/storage/embedded/vector-index.js';
import { reportResult } from '../lib/child-result.js';
import { recallAt10, type GroundTruth } from '../lib/exact.js';
import { summarizeLatencies } from '../lib/stats.js';
import { dimension } from '../lib/vectors.js';

const { values } = parseArgs({ options: { index: { type: 'string' }, truth: { type: 'string' }, efs: { type: 'string' } } });
if (!values.index || !values.truth || !values.efs) throw new Error('--index, --truth and --efs are required');
const truth = JSON.parse(readFileSync(values.truth, 'utf8')) as GroundTruth;
const index = await VectorIndex.load(values.index, dimension, 10);

const points = values.efs
  .split(',')
  .map(Number)
  .map((ef) => {
    index.setEfSearch(ef);
    const latencies: number[] = [];
    let recall = 0;
    for (const [i, query] of truth.queries.entries()) {
      const started = performance.now();
      const labels = index.search(index.vector(query), 10, (candidate) => candidate !== query).map((neighbor) => neighbor.label);
      latencies.push(performance.now() - started);
      recall += recallAt10(labels, query, truth.neighbors[i]!);
    }
    return { ef, recall10: recall / truth.queries.length, ...summarizeLatencies(latencies) };
  });
reportResult(points);
