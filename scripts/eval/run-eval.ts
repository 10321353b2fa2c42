/**
 * `npm run eval -- [--benchmark beir|csfcube] ...`: retrieval quality through the product's own
 * ingestion and search code. `beir` (the default) scores search on a BEIR-layout benchmark (see
 * beir-eval.ts); `csfcube` scores related papers on CSFCube (see csfcube/csfcube-eval.ts).
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { benchmark: { type: 'string' } }, strict: false });
const benchmark = values.benchmark ?? 'beir';
if (benchmark === 'csfcube') await import('./csfcube/csfcube-eval.js');
else if (benchmark === 'beir') await import('./beir-eval.js');
else throw new Error(`Unknown benchmark "${String(benchmark)}": use beir or csfcube.`);
