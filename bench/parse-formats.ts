/**
 * Parse rates of the import formats, without embedding: `node --import tsx bench/parse-formats.ts
 * [--data <papers.jsonl.gz>] [--bibtex <n>] [--snapshot <n>] [--embed <n>]`.
 * From the arXiv listing sample it writes, in a temporary folder, a .bib file of the first n
 * papers (through the BibTeX exporter) and an arXiv-snapshot-format file of the first n papers
 * (TeX accents in names, wrapped titles, RFC 2822 version dates), then times reading and mapping
 * each (records → papers), next to the JSON-lines reader on the same papers as the yardstick, in
 * the same process; the machine's load is printed because the figures are only comparable
 * within one run. With --embed, it also embeds that many of the papers with the default model,
 * in groups as ingestion does, to set the parse rates against the embedding rate of the same run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { paperPassage } from '../src/embedding/embedder.js';
import { loadEmbedder } from '../src/embedding/load-embedder.js';
import { defaultModelId, getModel } from '../src/embedding/model-registry.js';
import { papersToBibtex } from '../src/export/bibtex.js';
import { mapRecordToPaper } from '../src/papers/paper-record.js';
import { openRecordSource, type InputFormat } from '../src/ingest/record-readers.js';
import { createLogger } from '../src/log.js';
import type { Paper } from '../src/papers/paper.js';

const { values } = parseArgs({
  options: { data: { type: 'string' }, bibtex: { type: 'string' }, snapshot: { type: 'string' }, embed: { type: 'string' } },
});
const data = values.data ?? '/work/shared/data/arxiv/papers.jsonl.gz';
const bibtexCount = Number(values.bibtex ?? 3000);
const snapshotCount = Number(values.snapshot ?? 20_000);
const embedCount = Number(values.embed ?? 0);

/** Papers per second of embedding passages, in groups of 256 like ingestion (titles embedded alone and model loading not counted). */
async function embeddingRate(papers: readonly Paper[]): Promise<{ papers: number; seconds: number; perSecond: number }> {
  const log = createLogger('silent');
  const embedder = await loadEmbedder(getModel(defaultModelId), loadConfig({ ...process.env, LOG_LEVEL: 'silent' }), log);
  try {
    await embedder.embedPassages(papers.slice(0, 16).map((paper) => paperPassage(paper.title, paper.abstract)));
    const started = performance.now();
    for (let i = 0; i < papers.length; i += 256) {
      await embedder.embedPassages(papers.slice(i, i + 256).map((paper) => paperPassage(paper.title, paper.abstract)));
    }
    const seconds = (performance.now() - started) / 1000;
    return { papers: papers.length, seconds, perSecond: papers.length / seconds };
  } finally {
    await embedder.dispose();
  }
}

async function readPapers(path: string, format: InputFormat, limit = Infinity): Promise<Paper[]> {
  const papers: Paper[] = [];
  for await (const record of (await openRecordSource(path, format)).records()) {
    if (papers.length >= limit) break;
    const mapped = record.error ? undefined : mapRecordToPaper(record.value);
    if (mapped?.ok) papers.push(mapped.paper);
  }
  return papers;
}

/** Papers per second of reading and mapping a whole file. */
async function rate(path: string, format: InputFormat): Promise<{ papers: number; seconds: number; perSecond: number }> {
  const started = performance.now();
  const papers = (await readPapers(path, format)).length;
  const seconds = (performance.now() - started) / 1000;
  return { papers, seconds, perSecond: papers / seconds };
}

const combiningToTex: Record<string, string> = {
  '\u0301': "\\'",
  '\u0300': '\\`',
  '\u0308': '\\"',
  '\u0302': '\\^',
  '\u0303': '\\~',
  '\u0304': '\\=',
  '\u0327': '\\c',
  '\u030C': '\\v',
  '\u030B': '\\H',
  '\u0306': '\\u',
};

/** Accented letters as the snapshot writes them (Bal\'azs, D'Inc\`a). */
function texAccents(text: string): string {
  return text.normalize('NFD').replace(/([A-Za-z])([\u0300-\u036f])/g, (match, letter: string, mark: string) => {
    const command = combiningToTex[mark];
    if (!command) return match.normalize('NFC');
    return /[a-z]$/i.test(command) ? `${command}{${letter}}` : `${command}${letter}`;
  });
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function snapshotLine(paper: Paper): string {
  const date = new Date(`${paper.date ?? '2025-01-01'}T12:00:00Z`);
  const created = `${days[date.getUTCDay()]}, ${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} 12:00:00 GMT`;
  const authors = paper.authors ?? [];
  return JSON.stringify({
    id: paper.id,
    submitter: authors[0] ?? null,
    authors: texAccents(authors.join(', ')),
    title: paper.title.replace(/(.{60,70}?) /g, '$1\n  '),
    comments: null,
    'journal-ref': null,
    doi: null,
    'report-no': null,
    categories: (paper.categories ?? []).join(' '),
    license: null,
    abstract: `  ${paper.abstract}\n`,
    versions: [{ version: 'v1', created }],
    update_date: paper.date ?? '2025-01-01',
    authors_parsed: authors.map((name) => {
      const words = texAccents(name).split(' ');
      return [words.pop() ?? '', words.join(' '), ''];
    }),
  });
}

const folder = await mkdtemp(join(tmpdir(), 'paper-search-parse-bench-'));
try {
  const papers = await readPapers(data, 'jsonl', Math.max(bibtexCount, snapshotCount));
  const jsonlPath = join(folder, 'papers.jsonl');
  const bibPath = join(folder, 'papers.bib');
  const snapshotPath = join(folder, 'arxiv-metadata-oai-snapshot.json');
  await writeFile(jsonlPath, papers.map((paper) => JSON.stringify(paper)).join('\n') + '\n');
  await writeFile(bibPath, papersToBibtex(papers.slice(0, bibtexCount)));
  await writeFile(snapshotPath, papers.slice(0, snapshotCount).map(snapshotLine).join('\n') + '\n');

  const withTex = papers.slice(0, snapshotCount).filter((paper) => /[\\$^]/.test(`${paper.title} ${paper.abstract}`)).length;
  process.stdout.write(
    `load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}; ${withTex} of ${snapshotCount} snapshot papers have TeX commands or math\n`,
  );
  // Warm up both the JSON and the TeX paths (the BibTeX library is imported on first use).
  await readPapers(bibPath, 'bibtex', 50);
  await readPapers(snapshotPath, 'arxiv-snapshot', 50);
  const results = {
    'jsonl (yardstick)': await rate(jsonlPath, 'jsonl'),
    [`bibtex, ${bibtexCount} entries`]: await rate(bibPath, 'bibtex'),
    [`arxiv-snapshot, ${snapshotCount} lines`]: await rate(snapshotPath, 'arxiv-snapshot'),
    ...(embedCount > 0 ? { [`embedding (${defaultModelId}), ${embedCount} papers`]: await embeddingRate(papers.slice(0, embedCount)) } : {}),
  };
  for (const [name, result] of Object.entries(results)) {
    process.stdout.write(`${name}: ${result.papers} papers in ${result.seconds.toFixed(2)} s, ${result.perSecond.toFixed(0)} papers/s\n`);
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
