/**
 * End-to-end ingestion rates (read, map, embed, index, write) of the same papers as JSON lines
 * and as BibTeX: `node --import tsx bench/ingest-formats.ts [--data <papers.jsonl.gz>] [--papers <n>]`.
 * From the arXiv listing sample it writes the first n papers as a JSON-lines file and, through
 * the BibTeX exporter, as a .bib file, then ingests each with the product's ingestion into a
 * temporary index, one after the other with the same model worker, and prints each run's
 * papers/s (model load excluded) with the machine's load, since only figures of one run compare.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { loadEmbedder } from '../src/embedding/load-embedder.js';
import { defaultModelId, getModel } from '../src/embedding/model-registry.js';
import { papersToBibtex } from '../src/export/bibtex.js';
import { ingestPapers } from '../src/ingest/ingest.js';
import { openRecordSource, type InputFormat } from '../src/ingest/record-readers.js';
import { createLogger } from '../src/log.js';
import { mapRecordToPaper } from '../src/papers/paper-record.js';
import type { Paper } from '../src/papers/paper.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, papers: { type: 'string' } } });
const data = values.data ?? '/work/shared/data/arxiv/papers.jsonl.gz';
const count = Number(values.papers ?? 2000);

async function firstPapers(path: string, limit: number): Promise<Paper[]> {
  const papers: Paper[] = [];
  for await (const record of (await openRecordSource(path, 'jsonl')).records()) {
    if (papers.length >= limit) break;
    const mapped = record.error ? undefined : mapRecordToPaper(record.value);
    if (mapped?.ok) papers.push(mapped.paper);
  }
  return papers;
}

const folder = await mkdtemp(join(tmpdir(), 'paper-search-ingest-formats-'));
const log = createLogger('silent');
const embedder = await loadEmbedder(getModel(defaultModelId), loadConfig({ ...process.env, LOG_LEVEL: 'silent' }), log);
try {
  const papers = await firstPapers(data, count);
  const inputs: { name: string; path: string; format: InputFormat }[] = [
    { name: `JSON lines, ${papers.length} papers`, path: join(folder, 'papers.jsonl'), format: 'jsonl' },
    { name: `BibTeX, ${papers.length} entries`, path: join(folder, 'papers.bib'), format: 'bibtex' },
  ];
  await writeFile(inputs[0]!.path, papers.map((paper) => JSON.stringify(paper)).join('\n') + '\n');
  await writeFile(inputs[1]!.path, papersToBibtex(papers));
  const results: Record<string, unknown> = {
    papers: papers.length,
    loadBefore: loadavg()
      .map((value) => value.toFixed(1))
      .join(' '),
  };
  for (const input of inputs) {
    const summary = await ingestPapers(embedder, { input: input.path, format: input.format, indexDir: join(folder, `index-${input.format}`), log });
    results[input.name] = { indexed: summary.indexed, seconds: Math.round(summary.seconds), papersPerSecond: Math.round(summary.papersPerSecond * 10) / 10 };
    process.stderr.write(
      `${input.name}: ${JSON.stringify(results[input.name])} (load ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')})\n`,
    );
  }
  results.loadAfter = loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  await embedder.dispose();
  await rm(folder, { recursive: true, force: true });
}
