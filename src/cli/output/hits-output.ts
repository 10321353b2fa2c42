import type { HitsResponse, PaperResponse } from '../../client/paper-search-client.js';
import { shortAuthorList } from '../../papers/author-names.js';
import { paperPages } from '../../papers/paper-urls.js';
import { columnsOf, fit, padColumns, painter, printable, printableLine, wrap, type StreamTraits } from './terminal.js';

type Hit = HitsResponse['hits'][number];
type Paper = PaperResponse['paper'];

export interface OutputChoice {
  /** JSON lines even on a terminal (`--json`). */
  json: boolean;
  stdout: StreamTraits;
}

/** Scripts (a pipe, or `--json`) get JSON lines; a person at a terminal gets a table. */
function wantsJson(choice: OutputChoice): boolean {
  return choice.json || !choice.stdout.isTerminal;
}

/** One JSON object per hit on stdout, or the readable table; the count and time go to stderr on a terminal. */
export function printHits(response: HitsResponse, choice: OutputChoice, say: (line: string) => void): void {
  if (wantsJson(choice)) {
    process.stdout.write(response.hits.map((hit) => `${JSON.stringify(hit)}\n`).join(''));
    return;
  }
  process.stdout.write(hitsTable(response.hits, choice.stdout));
  say(`${response.hits.length} ${response.hits.length === 1 ? 'hit' : 'hits'} in ${Math.round(response.took_ms)} ms`);
  if (response.named_paper) {
    // A stored title, as the table shows it: an escape sequence in it could restyle the terminal, a line break forge a line.
    const { id, title } = response.named_paper;
    say(`The query names the paper ${printableLine(id)}: ${printableLine(title) || '(untitled)'} (paper-search get ${printableLine(id)})`);
  } else if (response.named_author) {
    const { name, papers } = response.named_author;
    say(`${printableLine(name)} has ${papers} ${papers === 1 ? 'paper' : 'papers'} here (--author "${printableLine(name)}" lists them)`);
  } else if (response.suggested_query !== undefined) say(`Did you mean: ${response.suggested_query}`);
}

/**
 * Two lines a hit: rank, score, year, title and id; then authors, categories and a link, dimmed;
 * with `explain`, the closest sentence of the abstract on a third.
 */
export function hitsTable(hits: readonly Hit[], terminal: StreamTraits): string {
  if (hits.length === 0) return 'No papers match.\n';
  const paint = painter(terminal.color);
  const rankWidth = String(hits.length).length;
  const idWidth = Math.min(24, Math.max(...hits.map((hit) => columnsOf(printable(hit.id)))));
  const lead = rankWidth + 2 + 6 + 2 + 4 + 2;
  const titleWidth = Math.max(20, terminal.columns - lead - idWidth - 2);
  const indent = ' '.repeat(rankWidth + 2);
  const lines: string[] = [];
  hits.forEach((hit, index) => {
    const rank = String(index + 1).padStart(rankWidth);
    const score = hit.score.toFixed(3).padStart(6);
    const year = String(hit.year ?? '').padEnd(4);
    const title = padColumns(fit(hit.title || '(untitled)', titleWidth), titleWidth);
    lines.push(`${paint('dim', rank)}  ${paint('cyan', score)}  ${year}  ${paint('bold', title)}  ${paint('yellow', fit(hit.id, idWidth))}`);
    const details = [shortAuthorList(hit.authors), hit.categories?.join(' '), paperPages(hit)[0]?.href].filter((part): part is string => Boolean(part));
    if (details.length > 0) lines.push(`${indent}${paint('dim', fit(details.join(' · '), terminal.columns - indent.length))}`);
    const sentence = hit.explain?.closest_sentence;
    if (sentence) lines.push(`${indent}${paint('italic', fit(`“${sentence.text}”`, terminal.columns - indent.length))}`);
  });
  return `${lines.join('\n')}\n`;
}

/** A paper, or the fields of it that were asked for (the id always). */
type PaperFields = Partial<Paper> & Pick<Paper, 'id'>;

/** Papers one after the other: JSON lines for scripts; on a terminal each paper's card, a blank line between. */
export function printPapers(papers: readonly PaperFields[], choice: OutputChoice): void {
  papers.forEach((paper, i) => {
    if (i > 0 && !wantsJson(choice)) process.stdout.write('\n');
    printPaper(paper, choice);
  });
}

/** One paper: JSON on one line for scripts, a readable card on a terminal. */
function printPaper(paper: PaperFields, choice: OutputChoice): void {
  if (wantsJson(choice)) {
    process.stdout.write(`${JSON.stringify(paper)}\n`);
    return;
  }
  const paint = painter(choice.stdout.color);
  const width = Math.min(choice.stdout.columns, 100);
  const byline = [paper.authors?.join(', '), paper.date ?? paper.year?.toString(), paper.categories?.join(' ')].filter(Boolean).join(' · ');
  const lines = [
    ...(paper.title === undefined ? [] : wrap(paper.title || '(untitled)', width).map((line) => paint('bold', line))),
    ...(byline === '' ? [] : [paint('dim', printable(byline))]),
    paint('yellow', `id ${printable(paper.id)}`),
    ...paperPages(paper).map((page) => paint('cyan', printable(page.href))),
    '',
    ...wrap(paper.abstract ?? '', width),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
