import type { z } from 'zod';
import { exportPapers } from '../export/export-papers.js';
import { publicationTypes } from '../papers/publication-type.js';
import { maxPageEnd } from '../http/schemas.js';
import { normalizeArxivId } from '../papers/identifiers.js';
import { relatedCandidates } from '../search/related/related-ranking.js';
import type { SearchMode } from '../search/search-modes.js';
import type { PaperSearchBackend, SearchAnswer } from './backend.js';
import { paperLink, renderPaper } from './render.js';
import { withIssuesUnder } from './tool-errors.js';
import { modeOfPage, paperLinkOf, rankedAnswer, structuredWarnings, warningLines, withQueryNotes, type ToolAnswer } from './tool-answers.js';
import {
  addPapersInput,
  addPapersOutput,
  citePapersInput,
  citePapersOutput,
  collectionStatsInput,
  collectionStatsOutput,
  connectorFetchInput,
  connectorFetchOutput,
  connectorSearchInput,
  connectorSearchOutput,
  deletePaperOutput,
  findSimilarInput,
  findSimilarInputFor,
  paperOutput,
  updatedPaperOutput,
  paperReferenceInput,
  rankedPapersOutput,
  recommendPapersInput,
  relatedPapersInput,
  searchPapersInput,
  searchPapersInputFor,
  updatePaperInput,
} from './tool-schemas.js';

/** Hints for clients (MCP tool annotations): whether a tool changes anything. */
interface ToolHints {
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint: boolean;
  /** The tools see one collection, not the open web. */
  openWorldHint: false;
}

export interface ToolDefinition<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  /** Written for a model: when to use the tool and what comes back. */
  description: string;
  input: Input;
  /**
   * The input as tools/list describes it to the clients of a server whose default search mode
   * is `defaultMode`, for a tool whose arguments' descriptions speak of that default; it takes
   * the same values as `input`.
   */
  listedInput?: (defaultMode: SearchMode) => z.ZodType;
  output: Output;
  hints: ToolHints;
  /** Offered only when the caller may write. */
  writes: boolean;
  run(backend: PaperSearchBackend, input: z.output<Input>): Promise<ToolAnswer<z.output<Output>>>;
}

/**
 * Checks a definition against its own schemas (run takes the parsed input, answers the output),
 * then erases them: one list holds tools of different schemas, and the server parses each call's
 * arguments with the tool's own input schema before `run` sees them.
 */
function tool<Input extends z.ZodType, Output extends z.ZodType>(definition: ToolDefinition<Input, Output>): ToolDefinition {
  return definition as unknown as ToolDefinition;
}

const read: ToolHints = { readOnlyHint: true, idempotentHint: true, openWorldHint: false };

/**
 * The paper name the API takes for exactly one of id, DOI and arXiv id. An arXiv id comes as
 * people paste it (`arXiv:2503.11731`, an abs, pdf or html link, arXiv's DOI) and is made bare first, as
 * the `doi:` name already takes a DOI in any of its forms.
 */
function paperName(reference: { id?: string | undefined; doi?: string | undefined; arxiv_id?: string | undefined }): string {
  if (reference.doi !== undefined) return `doi:${reference.doi}`;
  if (reference.arxiv_id !== undefined) return `arxiv:${normalizeArxivId(reference.arxiv_id)}`;
  return reference.id!;
}

const rankedListNote =
  'Returns {papers: [...], next_offset?}, best first: each paper with id, title, abstract, authors, year, date, DOI, arXiv id, categories and url where known, ' +
  'and a score (higher is better; its scale is described under score_threshold); next_offset, when present, is the offset of the next page.';

export const tools: readonly ToolDefinition[] = [
  tool({
    name: 'search_papers',
    title: 'Search papers',
    description:
      'Search the collection of scientific papers for a topic, question, method or keywords. ' +
      `${rankedListNote} Use this first to find papers; then pass the ids it returns to get_paper, related_papers or recommend_papers. ` +
      'Narrow the results with `filter` (years, categories, authors); use collection_stats to see which years and categories exist. ' +
      'When the whole query is an arXiv id, a DOI or a link naming a stored paper, named_paper gives {id, title} (get_paper has its record, related_papers its neighbours); ' +
      "when the query is a person's name that stored papers list, named_author gives {name, papers} (filter.authors [name] finds them: a name searched as words matches no abstract); " +
      'when some words look like slips, suggested_query gives the query corrected.',
    input: searchPapersInput,
    listedInput: searchPapersInputFor,
    output: rankedPapersOutput,
    hints: read,
    writes: false,
    run: async (backend, input) => {
      const mode = await modeOfPage(backend, input);
      let notes: Omit<SearchAnswer, 'papers'> = {};
      const answer = await rankedAnswer({ ...input, mode }, async (page) => {
        const { papers, ...found } = await backend.search({ ...input, mode, ...page });
        notes = found;
        return papers;
      });
      return withQueryNotes(answer, notes);
    },
  }),
  tool({
    name: 'find_similar_papers',
    title: 'Find papers similar to an abstract',
    description:
      'Find papers similar to a given abstract or passage: a draft abstract, or the abstract of a paper that is not in the collection. ' +
      'The text is compared with each stored paper as a whole (title and abstract), so it suits abstract-length texts; for a short question use search_papers. ' +
      rankedListNote,
    input: findSimilarInput,
    listedInput: findSimilarInputFor,
    output: rankedPapersOutput,
    hints: read,
    writes: false,
    run: async (backend, input) => {
      const mode = await modeOfPage(backend, input);
      return rankedAnswer({ ...input, mode }, (page) => backend.similar({ ...input, mode, ...page }));
    },
  }),
  tool({
    name: 'related_papers',
    title: 'Papers related to a paper',
    description:
      'Papers most related to one paper of the collection, named by exactly one of its id, DOI or arXiv id; the paper itself is left out. ' +
      `Use it to widen from a paper the user already knows. ${rankedListNote} Answers paper_not_found when the collection does not hold the paper.`,
    input: relatedPapersInput,
    output: rankedPapersOutput,
    hints: read,
    writes: false,
    // A list by a facet re-ranks the paper's 100 nearest neighbours, and ends there.
    run: (backend, input) =>
      rankedAnswer(input, (page) => backend.related(paperName(input), { ...input, ...page }), input.facet ? relatedCandidates : maxPageEnd),
  }),
  tool({
    name: 'recommend_papers',
    title: 'Recommend papers from examples',
    description:
      'Recommend papers like the `positive` examples and unlike the `negative` ones (ids from the other tools); the examples themselves are never returned. ' +
      `Use it when the user has marked some papers as relevant or irrelevant; pass their search as \`query\` to keep the list on its topic. ${rankedListNote} Unknown ids answer paper_not_found, naming them.`,
    input: recommendPapersInput,
    output: rankedPapersOutput,
    hints: read,
    writes: false,
    run: (backend, input) => rankedAnswer(input, (page) => backend.recommend({ ...input, ...page }), maxPageEnd),
  }),
  tool({
    name: 'get_paper',
    title: 'Get a paper',
    description:
      'The full record of one paper, named by exactly one of its id, DOI or arXiv id: {paper: {id, title, abstract, authors, year, date, doi, arxiv_id, categories, url, type, venue, volume, issue, pages}} ' +
      '(fields the paper lacks are absent). Answers paper_not_found when the collection does not hold it.',
    input: paperReferenceInput,
    output: paperOutput,
    hints: read,
    writes: false,
    run: async (backend, input) => {
      const paper = await backend.paper(paperName(input));
      return { structured: { paper }, text: renderPaper(paper), links: [paperLinkOf(paper)] };
    },
  }),
  tool({
    name: 'cite_papers',
    title: 'Cite papers',
    description:
      'The citations of papers as one file, for a bibliography: BibTeX (default, for LaTeX), RIS (EndNote, Zotero, Mendeley) or CSL-JSON (Pandoc, citeproc). ' +
      'Each paper is named by exactly one of its id, DOI or arXiv id; the entries come in the order asked, each of the type the paper is (journal article, conference paper, preprint, ...). ' +
      'Returns {format, text, not_found}: text is the file; not_found lists the names the collection does not hold.',
    input: citePapersInput,
    output: citePapersOutput,
    hints: read,
    writes: false,
    run: async (backend, input) => {
      const names = input.papers.map(paperName);
      const papers = await backend.papers(names);
      const text = exportPapers(
        papers.filter((paper) => paper !== undefined),
        input.format,
      );
      // Each name once, as each paper is cited once however often it is asked for.
      const notFound = [...new Set(names.filter((_, i) => papers[i] === undefined))];
      return {
        structured: { format: input.format, text, not_found: notFound },
        text,
        ...(notFound.length > 0 ? { notes: [`Not in the collection: ${notFound.join(', ')}.`] } : {}),
      };
    },
  }),
  tool({
    name: 'collection_stats',
    title: 'What the collection holds',
    description:
      'What the collection holds: the number of papers, the embedding model, papers per year, and the most frequent categories with their counts. ' +
      'Use it to learn what can be searched and which years and categories a filter can name.',
    input: collectionStatsInput,
    output: collectionStatsOutput,
    hints: read,
    writes: false,
    run: async (backend, input) => {
      const summary = await backend.summary();
      const years = [...summary.years].sort(([a], [b]) => a - b).map(([year, papers]) => ({ year, papers }));
      const categories = [...summary.categories]
        .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : 1))
        .slice(0, input.top_categories)
        .map(([category, papers]) => ({ category, papers }));
      const structured = {
        papers: summary.papers,
        model: summary.model,
        default_mode: summary.defaultMode,
        years,
        papers_without_year: summary.withoutYear,
        categories,
        ...(summary.distinctCategories === undefined ? {} : { distinct_categories: summary.distinctCategories }),
      };
      const text = [
        `${summary.papers} papers (model ${summary.model}, default mode ${summary.defaultMode}).`,
        `Papers per year: ${years.map(({ year, papers }) => `${year}: ${papers}`).join(', ') || 'none'}${summary.withoutYear > 0 ? `; without a year: ${summary.withoutYear}` : ''}.`,
        `Most frequent categories (${categories.length} of ${summary.distinctCategories ?? `more than ${summary.categories.size}`}): ${categories.map(({ category, papers }) => `${category}: ${papers}`).join(', ') || 'none'}.`,
      ].join('\n');
      return { structured, text };
    },
  }),
  tool({
    name: 'add_papers',
    title: 'Add papers',
    description:
      `Add papers to the collection. Each paper needs an abstract; id, title, authors, year or date (YYYY-MM-DD), DOI, arXiv id, categories, url, type (${publicationTypes.join(', ')}), venue (journal or proceedings), volume, issue and pages are optional. ` +
      'All or none: an invalid paper refuses the whole call and nothing is added; so does an id already stored (paper_exists), unless on_existing is keep (the stored paper stays, the others are added) or replace. ' +
      'Added papers are searchable at once. Returns {added: [{id, title}]}, and `warnings` when an added paper has the DOI or arXiv id of another paper (most often the same paper stored twice: delete one).',
    input: addPapersInput,
    output: addPapersOutput,
    hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    writes: true,
    run: async (backend, input) => {
      const { papers, warnings, kept, replaced } = await backend.writes!.create(input.papers, input.on_existing);
      const added = papers.map((paper) => ({ id: paper.id, title: paper.title }));
      const existing = [kept.length > 0 ? ` Kept as stored: ${kept.join(', ')}.` : '', replaced.length > 0 ? ` Replaced: ${replaced.join(', ')}.` : ''].join(
        '',
      );
      return {
        structured: {
          added,
          ...(kept.length > 0 ? { kept } : {}),
          ...(replaced.length > 0 ? { replaced } : {}),
          ...structuredWarnings(warnings),
        },
        text: `Added ${added.length} paper${added.length === 1 ? '' : 's'}${added.length > 0 ? `: ${added.map((paper) => paper.id).join(', ')}` : ''}.${existing}${warningLines(warnings)}`,
        links: papers.map(paperLinkOf),
      };
    },
  }),
  tool({
    name: 'update_paper',
    title: 'Update a paper',
    description:
      'Change some fields of one paper, named by exactly one of its id, DOI or arXiv id: `changes` holds the fields to change (title, abstract, authors, year, date, doi, arxiv_id, categories, url, type, venue, volume, issue, pages); null removes a field, fields left out stay. ' +
      'For example, when a preprint is published: {"changes": {"type": "journal-article", "venue": "Nature", "volume": "521", "pages": "436-444", "doi": "10.1038/nature14539"}}. ' +
      "The paper must stay valid (an abstract, a year the date agrees with). Returns {paper}, and `warnings` when its DOI or arXiv id is also another paper's; paper_not_found when there is no such paper.",
    input: updatePaperInput,
    output: updatedPaperOutput,
    hints: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    writes: true,
    run: async (backend, input) => {
      const { paper, warnings } = await withIssuesUnder('changes', () => backend.writes!.update(paperName(input), input.changes));
      return {
        structured: { paper, ...structuredWarnings(warnings) },
        text: `Updated paper ${paper.id}.${warningLines(warnings)}\n\n${renderPaper(paper)}`,
        links: [paperLinkOf(paper)],
      };
    },
  }),
  tool({
    name: 'delete_paper',
    title: 'Delete a paper',
    description:
      'Delete one paper from the collection, named by exactly one of its id, DOI or arXiv id. It is gone from every search at once; this cannot be undone. ' +
      'Returns {id, deleted: true}; paper_not_found when there is no such paper.',
    input: paperReferenceInput,
    output: deletePaperOutput,
    hints: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    writes: true,
    run: async (backend, input) => {
      const id = await backend.writes!.delete(paperName(input));
      return { structured: { id, deleted: true as const }, text: `Deleted paper ${id}.` };
    },
  }),
  tool({
    name: 'search',
    title: 'Search (connector)',
    description:
      'Search the paper collection; the form deep-research connectors expect. Returns {results: [{id, title, url}]}, best first; ' +
      'read a result in full with `fetch`. Clients that can, should prefer search_papers: it returns abstracts and takes filters.',
    input: connectorSearchInput,
    output: connectorSearchOutput,
    hints: read,
    writes: false,
    run: async (backend, input) => {
      const { papers: found, namedPaper } = await backend.search({ query: input.query, k: 10, offset: 0 });
      // The paper an identifier names comes first: its words match no abstract.
      const named = namedPaper && (await backend.paper(namedPaper.id));
      const papers = named ? [named, ...found.filter((paper) => paper.id !== named.id)].slice(0, 10) : found;
      const structured = { results: papers.map((paper) => ({ id: paper.id, title: paper.title || '(untitled)', url: paperLink(paper) })) };
      // Connectors read the result from the text, as JSON.
      return { structured, text: JSON.stringify(structured) };
    },
  }),
  tool({
    name: 'fetch',
    title: 'Fetch a paper (connector)',
    description:
      'One paper found by `search`, in the form deep-research connectors expect: {id, title, text, url, metadata}, where text is the title and abstract ' +
      'and metadata holds authors, year, date, DOI, arXiv id, categories, type and venue where known.',
    input: connectorFetchInput,
    output: connectorFetchOutput,
    hints: read,
    writes: false,
    run: async (backend, input) => {
      const paper = await backend.paper(input.id);
      const metadata = Object.fromEntries(
        Object.entries({
          authors: paper.authors?.join('; '),
          year: paper.year?.toString(),
          date: paper.date,
          doi: paper.doi,
          arxiv_id: paper.arxiv_id,
          categories: paper.categories?.join(', '),
          type: paper.type,
          venue: paper.venue,
        }).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].length > 0),
      );
      const structured = {
        id: paper.id,
        title: paper.title || '(untitled)',
        text: [paper.title, paper.abstract].filter(Boolean).join('\n\n'),
        url: paperLink(paper),
        metadata,
      };
      return { structured, text: JSON.stringify(structured) };
    },
  }),
];
