/**
 * `npm run eval -- [--benchmark beir|csfcube] ...`: retrieval quality through the product's own
 * ingestion and search code. `beir` (the default) scores search on a BEIR-layout benchmark (see
 * beir-eval.ts); `csfcube` scores related papers on CSFCube (see csfcube/csfcube-eval.ts).
 */
import { parseArgs } from 'node:util';

const usage = `Usage: npm run eval -- [--benchmark beir|csfcube] <flags>

  beir (default): search quality on a BEIR-layout benchmark
    --corpus <corpus.jsonl> --queries <queries.jsonl> --qrels <qrels.tsv>
    [--mode dense|lexical|hybrid|all] [--model <id>|all] [--calibration] [--sweep]
    [--title-weight <w>] [--long-passages truncate|windows] [--backend embedded|weaviate|both]
    [--limit <n>] [--cache <dir>] [--json]

  csfcube: related papers on a CSFCube fold
    --data <fold folder> [--model <id>|all] [--method <name>,...|all] [--cross-validate]
    [--title-weight <w>] [--runs <folder>] [--cache <dir>] [--no-official] [--json]

See docs/search-quality.md for what each measures and the commands behind its tables.
`;

const { values } = parseArgs({ options: { benchmark: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: false });
const benchmark = values.benchmark ?? 'beir';
if (values.help === true) process.stdout.write(usage);
else if (benchmark === 'csfcube') await import('./csfcube/csfcube-eval.js');
else if (benchmark === 'beir') await import('./beir-eval.js');
else {
  process.stderr.write(`Unknown benchmark "${String(benchmark)}": use beir or csfcube.\n\n${usage}`);
  process.exitCode = 2;
}
