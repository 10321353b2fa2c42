import type { z } from 'zod';
import { maxPageEnd } from '../http/schemas.js';
import type { Paper } from '../papers/paper.js';
import { selectPaperFields } from '../search/ranking.js';
import { hybridCandidates, type SearchMode } from '../search/search-modes.js';
import type { PaperSearchBackend, RankedPaper, SearchAnswer, WriteWarning } from './backend.js';
import { oneLine, paperUri, renderRankedPapers } from './render.js';
import type { rankedPapersOutput } from './tool-schemas.js';

/*
 * How the tools shape their answers: a page of a ranked list and where the next one starts, what
 * a search says of its query, a write's warnings, links to papers.
 */

/** A link to a paper as an MCP resource, which a client may attach or read. */
interface PaperLink {
  type: 'resource_link';
  uri: string;
  name: string;
  title?: string;
  mimeType: 'text/markdown';
}

export interface ToolAnswer<Output> {
  structured: Output;
  /** What a model reads when its client shows text only. */
  text: string;
  /** Said apart from `text`, which may be a file to be saved as it is (a note would break a CSL-JSON file). */
  notes?: string[];
  links?: PaperLink[];
}

/** A write's warnings in its structured answer, where there are any (as the API answers them). */
export function structuredWarnings(warnings: readonly WriteWarning[]): { warnings?: WriteWarning[] } {
  return warnings.length > 0 ? { warnings: warnings.map(({ id, shared_with, message }) => ({ id, shared_with, message })) } : {};
}

/** A write's warnings as lines of its text answer. */
export function warningLines(warnings: readonly WriteWarning[]): string {
  return warnings.map((warning) => `\nWarning: ${warning.message}`).join('');
}

export function paperLinkOf(paper: Paper): PaperLink {
  return { type: 'resource_link', uri: paperUri(paper.id), name: paper.id, ...(paper.title ? { title: paper.title } : {}), mimeType: 'text/markdown' };
}

/** A search's answer with what the search says of its query: the paper or the author it names, or the query with its slips corrected. */
export function withQueryNotes(
  answer: ToolAnswer<z.output<typeof rankedPapersOutput>>,
  { namedPaper, suggestedQuery, namedAuthor }: Omit<SearchAnswer, 'papers'>,
): ToolAnswer<z.output<typeof rankedPapersOutput>> {
  if (namedPaper) {
    // The stored title on one line, as the list below writes it: its line breaks could otherwise forge results ahead of the list.
    const title = oneLine(namedPaper.title) || '(untitled)';
    return {
      ...answer,
      structured: { ...answer.structured, named_paper: namedPaper },
      text: `The query names the paper ${oneLine(namedPaper.id)}: “${title}” (get_paper gives its record).\n\n${answer.text}`,
    };
  }
  if (namedAuthor) {
    const name = oneLine(namedAuthor.name);
    return {
      ...answer,
      structured: { ...answer.structured, named_author: namedAuthor },
      text: `The query is the name of an author: ${name} has ${namedAuthor.papers} ${namedAuthor.papers === 1 ? 'paper' : 'papers'} here (search with filter.authors ["${name}"] for them; the papers below match the name as words).\n\n${answer.text}`,
    };
  }
  if (suggestedQuery === undefined) return answer;
  return {
    ...answer,
    structured: { ...answer.structured, suggested_query: suggestedQuery },
    text: `Few or no papers hold some words of the query; did you mean “${suggestedQuery}”?\n\n${answer.text}`,
  };
}

/**
 * A page of a ranked list, and where the next one starts when there is one: the list is asked for
 * one paper more than the page, where the list reaches that deep (hybrid lists end at their
 * candidates' 100; a mode left to the server's default is taken to be hybrid). A page that would
 * run past that end is cut at it, so a client following next_offset with the same k gets the
 * list's last papers (offset 98 with k 7 would otherwise be refused), and a page that starts past
 * it is empty, as a page past the last paper is: an offset the previous page allowed is never
 * refused, and an empty page past the first says the list ended rather than that nothing matched.
 */
export async function rankedAnswer(
  input: { k: number; offset: number; mode?: SearchMode | undefined; fields?: readonly string[] | undefined },
  list: (page: { k: number; offset?: number }) => Promise<RankedPaper[]>,
  reach = input.mode === 'dense' || input.mode === 'lexical' ? maxPageEnd : hybridCandidates,
): Promise<ToolAnswer<z.output<typeof rankedPapersOutput>>> {
  const k = Math.min(input.k, reach - input.offset);
  const probes = input.offset + k < reach;
  // A page past the end still asks for the list's first paper: an unknown paper or a bad filter is refused as on any page.
  const listed = k > 0 ? await list({ k: k + (probes ? 1 : 0) }) : (await list({ k: 1, offset: 0 })).slice(0, 0);
  const pageOfList = listed.slice(0, k);
  const papers = pageOfList.map((paper) => ({ ...selectPaperFields(paper, input.fields), score: paper.score }));
  const nextOffset = probes && listed.length > k ? input.offset + k : undefined;
  const more = nextOffset === undefined ? '' : `\n\nMore papers follow: ask again with offset ${nextOffset}.`;
  const text =
    papers.length === 0 && input.offset > 0
      ? `No more papers: the list ends before position ${input.offset + 1}${input.offset >= reach ? ` (this list ends at ${reach} papers)` : ''}.`
      : renderRankedPapers(papers, input.offset, input.fields) + more;
  return {
    structured: { papers, ...(nextOffset === undefined ? {} : { next_offset: nextOffset }) },
    text,
    // Each link names its paper by title, whatever fields the page keeps.
    links: pageOfList.map(paperLinkOf),
  };
}

/**
 * The mode a search's page comes from: the one asked for, or, for a page past the hybrid list's
 * end with none asked for, the server's default, which decides where the list ends (a server whose
 * default is dense has 1,000 papers to page through, and the page was taken as hybrid's).
 */
export async function modeOfPage(
  backend: PaperSearchBackend,
  input: { mode?: SearchMode | undefined; k: number; offset: number },
): Promise<SearchMode | undefined> {
  if (input.mode !== undefined || input.offset + input.k <= hybridCandidates) return input.mode;
  return backend.defaultMode();
}
