import { z } from 'zod';
import { filterSchema, maxFeedbackPapers, maxPageEnd, nonBlank, selectableFields } from '../http/schemas.js';
import { paperInputSchema, paperPatchSchema } from '../http/paper-write-schemas.js';
import { paperSchema } from '../papers/paper.js';
import { paperLimits } from '../papers/paper-limits.js';
import { exportFormats } from '../export/media-types.js';
import { maxValuesPerFacet } from '../papers/paper-facets.js';
import { maxQueryCharacters, searchModes, type SearchMode } from '../search/search-modes.js';
import { sentenceRoles } from '../search/related/sentence-roles.js';
import { wholeNumber } from '../shared/whole-number.js';
import { existingPaperChoices } from '../writes/existing-papers.js';

/**
 * The MCP tools' arguments and results as zod schemas: arguments are validated with them (bad
 * ones get the API's `invalid_input`), and tools/list publishes them as JSON Schema. The filter
 * and the paper input are the HTTP API's own, so a filter or paper means the same in both.
 */

/** A tool answer goes into a model's context: fewer hits than the API's 100 a page. */
const maxToolHits = 50;
/** Papers one add_papers call may carry. */
const maxPapersPerToolCall = 100;

const page = {
  k: wholeNumber(1, maxToolHits).default(10).describe(`How many papers to return, 1 to ${maxToolHits} (default 10).`),
  offset: wholeNumber(0, maxPageEnd - 1)
    .default(0)
    .describe(
      `Papers to skip, to page through a longer list: offset 10 with k 10 gives results 11 to 20. A list ends at ${maxPageEnd} papers; a page running past its end is cut there.`,
    ),
  score_threshold: z
    .number()
    .finite()
    .optional()
    .describe('Leave out papers scoring below this. Scores here are cosine similarities: about 0.4 and up for a real match with the default model.'),
  filter: filterSchema
    .optional()
    .describe(
      'Only papers matching every condition given: year bounds {"gte","lte","gt","lt"}; categories {"any": [...]} or {"all": [...]} ' +
        '(arXiv categories such as "cs.CL"); authors {"any": [...]} (full names, case ignored); exclude_ids (papers never to return).',
    ),
  fields: z
    .array(z.enum(selectableFields))
    .max(selectableFields.length)
    .optional()
    .describe(
      `Only these fields of each paper (id and score always come; [] for them alone), e.g. ["title", "year", "doi"] for a short answer; every field by default. One of: ${selectableFields.join(', ')}.`,
    ),
};

/** What each mode ranks by, as a model choosing one reads it. */
const modeMeanings: Record<SearchMode, string> = {
  hybrid: 'meaning and words combined',
  dense: 'meaning only: paraphrases, related concepts',
  lexical: 'exact words: names, acronyms',
};

/** What a score means in each mode of a short search, for choosing a threshold. */
const searchScales: Record<SearchMode, string> = {
  hybrid: 'the score estimates the chance that the paper answers the query: 0.1 drops off-topic results, 0.3 keeps likely matches, 0.5 confident ones.',
  dense: 'scores are cosines: about 0.4 and up for a real match with the default model.',
  lexical:
    "the score is the share of the most the query's words could score, 0 to 1: 0.3 keeps most matches, 0.5 papers matching about half of the query's weight.",
};

/**
 * The same scales for a whole abstract. Not search's thresholds: a whole abstract's many words
 * set a lexical ceiling no paper comes near, so its hybrid and lexical scores run far lower
 * (docs/search-quality.md, "Papers like an abstract"), and 0.1 to 0.5 would leave out nearly
 * every related paper.
 */
const similarScales: Record<SearchMode, string> = {
  hybrid:
    "a whole abstract scores far lower than a short search does: related papers score about 0.03 to 0.15 and off-topic texts about 0.01, so 0.05 drops off-topic results (search_papers' 0.1 and up would drop most related papers).",
  dense: 'scores are cosines: about 0.6 for a related paper with the default model, 0.35 for an off-topic text.',
  lexical: "the score is the share of the most the text's words could score: a whole abstract's many words keep it far below a short search's.",
};

function modeChoice(mode: SearchMode, defaultMode: SearchMode): string {
  return `"${mode}" (${mode === defaultMode ? 'default: ' : ''}${modeMeanings[mode]})`;
}

/** The other modes' scales after the default's, each said once. */
function scalesFrom(scales: Record<SearchMode, string>, defaultMode: SearchMode): string {
  const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  const others = searchModes.filter((mode) => mode !== defaultMode).map((mode) => `In ${mode} mode ${scales[mode]}`);
  return [`In ${defaultMode} mode (the default) ${scales[defaultMode]}`, ...others].map(capitalized).join(' ');
}

/**
 * The arguments of search_papers and find_similar_papers, described for the mode a call without
 * `mode` gets: the server's SEARCH_MODE. Their values are the same for every default (the server
 * parses calls with either); only what the descriptions say of the default, of where a list ends
 * and of a score's scale follows it.
 */
function modeArguments(defaultMode: SearchMode, scales: Record<SearchMode, string>) {
  return {
    mode: z
      .enum(searchModes)
      .optional()
      .describe(`${modeChoice('hybrid', defaultMode)}, ${modeChoice('dense', defaultMode)} or ${modeChoice('lexical', defaultMode)}.`),
    ...page,
    // Hybrid lists are fused from each retriever's top 100.
    offset: page.offset.describe(
      `${page.offset.description} In hybrid mode${defaultMode === 'hybrid' ? ' (the default)' : ''} the list ends at 100: a page running past it is cut there.`,
    ),
    score_threshold: page.score_threshold.describe(`Leave out papers scoring below this. ${scalesFrom(scales, defaultMode)}`),
  };
}

export function searchPapersInputFor(defaultMode: SearchMode) {
  return z.strictObject({
    query: nonBlank(maxQueryCharacters).describe('What to look for, in natural language or keywords.'),
    ...modeArguments(defaultMode, searchScales),
  });
}

export function findSimilarInputFor(defaultMode: SearchMode) {
  return z.strictObject({
    abstract: nonBlank(paperLimits.abstractCharacters).describe('The abstract (or any passage) to find papers like.'),
    title: z.string().max(paperLimits.titleCharacters).optional().describe('Its title, if known: it is embedded with the abstract as the stored papers were.'),
    ...modeArguments(defaultMode, similarScales),
  });
}

/** The arguments as calls are parsed: their values are the same whatever the default mode. */
export const searchPapersInput = searchPapersInputFor('hybrid');
export const findSimilarInput = findSimilarInputFor('hybrid');

/** One paper named by exactly one of its identifiers. */
const paperReference = {
  id: z.string().min(1).max(paperLimits.idCharacters).optional().describe('The paper id used by this collection (as returned by the other tools).'),
  doi: z.string().min(1).max(paperLimits.doiCharacters).optional().describe('A DOI, such as "10.48550/arXiv.2503.11731" (a doi.org URL works too).'),
  arxiv_id: z
    .string()
    .min(1)
    .max(paperLimits.arxivIdCharacters)
    .optional()
    .describe('An arXiv id, such as "2503.11731" ("arXiv:2503.11731" and arxiv.org links work too; a version suffix is ignored).'),
};
const exactlyOneReference = (value: { id?: string | undefined; doi?: string | undefined; arxiv_id?: string | undefined }) =>
  [value.id, value.doi, value.arxiv_id].filter((part) => part !== undefined).length === 1;
const referenceIssue = { message: 'give exactly one of id, doi and arxiv_id', path: ['id'] };

export const paperReferenceInput = z.strictObject(paperReference).refine(exactlyOneReference, referenceIssue);

/** The most papers one cite_papers call takes. */
const maxPapersPerCitation = 100;

export const citePapersInput = z.strictObject({
  papers: z
    .array(paperReferenceInput)
    .min(1)
    .max(maxPapersPerCitation)
    .describe(`1 to ${maxPapersPerCitation} papers, each {id} or {doi} or {arxiv_id}, in the order the citations should come.`),
  format: z
    .enum(exportFormats)
    .default('bibtex')
    .describe('bibtex (a .bib file for LaTeX), ris (for EndNote, Zotero, Mendeley) or csl-json (for Pandoc and citeproc).'),
});

export const citePapersOutput = z.object({
  format: z.enum(exportFormats),
  text: z.string().describe('The file: one entry per paper found, in the order asked.'),
  not_found: z.array(z.string()).describe('The names of papers the collection does not hold.'),
});

export const relatedPapersInput = z
  .strictObject({
    ...paperReference,
    facet: z
      .enum(sentenceRoles)
      .optional()
      .describe(
        'Relate on one facet only: background (same problem), method (solved the same way) or result (similar findings). ' +
          "Such a list re-ranks the paper's 100 nearest papers, so it ends at 100.",
      ),
    ...page,
  })
  .refine(exactlyOneReference, referenceIssue);

const paperNames = z.array(z.string().min(1).max(paperLimits.idCharacters));

export const recommendPapersInput = z
  .strictObject({
    positive: paperNames.max(maxFeedbackPapers).default([]).describe('Ids of papers the user likes (doi:<DOI>, arxiv:<id> and DOI or arXiv links work too).'),
    negative: paperNames.max(maxFeedbackPapers).default([]).describe('Ids of papers the user does not want more of.'),
    query: nonBlank(maxQueryCharacters)
      .optional()
      .describe('The search the feedback refines, so the list stays on its topic (optional when there are positives).'),
    ...page,
  })
  .refine((value) => value.positive.length > 0 || value.query !== undefined, { message: 'give at least one positive paper, or a query', path: ['positive'] })
  .refine((value) => !value.positive.some((id) => value.negative.includes(id)), {
    message: 'a paper cannot be both positive and negative',
    path: ['negative'],
  });

export const collectionStatsInput = z.strictObject({
  top_categories: z
    .number()
    .int()
    .min(1)
    .max(maxValuesPerFacet)
    .default(30)
    .describe(`How many of the most frequent categories to list (default 30, at most ${maxValuesPerFacet}).`),
});

/** A paper add_papers takes: the API's, less its allow_title_only, which the tool does not offer. */
const toolPaperInput = paperInputSchema.extend({ abstract: nonBlank(paperLimits.abstractCharacters, 'required') });

export const addPapersInput = z.strictObject({
  papers: z
    .array(toolPaperInput)
    .min(1)
    .max(maxPapersPerToolCall)
    .describe(`1 to ${maxPapersPerToolCall} papers; each needs an abstract. Ids are generated where absent.`),
  on_existing: z
    .enum(existingPaperChoices)
    .default('refuse')
    .describe(
      'A paper whose id is stored already: `refuse` the whole call (paper_exists, nothing added; the default), `keep` the stored paper and add the others, or `replace` it with the one given.',
    ),
});

export const connectorSearchInput = z.strictObject({ query: nonBlank(maxQueryCharacters).describe('What to look for.') });
export const connectorFetchInput = z.strictObject({ id: z.string().min(1).max(paperLimits.idCharacters).describe('An id from the results of `search`.') });

/** A paper in a ranked list: its stored fields (those asked for, when `fields` names some) and the score. */
const rankedPaperSchema = paperSchema.partial().extend({ id: z.string(), score: z.number() });
export type ListedPaper = z.output<typeof rankedPaperSchema>;

export const rankedPapersOutput = z.object({
  papers: z.array(rankedPaperSchema),
  next_offset: z.number().int().optional().describe('The offset of the next page (call again with it); absent when this page ends the list.'),
  named_paper: z
    .object({ id: z.string(), title: z.string() })
    .optional()
    .describe('The paper the query names, when the whole query is an arXiv id, a DOI or a link to either (get_paper gives its record).'),
  suggested_query: z
    .string()
    .optional()
    .describe(
      'The query with its slips corrected ("did you mean"), when some of its words few or no papers hold; search again with it if it is what was meant.',
    ),
  named_author: z
    .object({ name: z.string(), papers: z.number().int() })
    .optional()
    .describe(
      "The author the query names, when it is a person's name that stored papers list: the name as the collection writes it and how many papers list it (search with filter.authors [name] for them).",
    ),
});
export const paperOutput = z.object({ paper: paperSchema });

export const collectionStatsOutput = z.object({
  papers: z.number().int(),
  model: z.string(),
  default_mode: z.enum(searchModes),
  years: z.array(z.object({ year: z.number().int(), papers: z.number().int() })),
  papers_without_year: z.number().int(),
  categories: z.array(z.object({ category: z.string(), papers: z.number().int() })),
  distinct_categories: z
    .number()
    .int()
    .optional()
    .describe(
      `How many categories the collection has; absent when it has ${maxValuesPerFacet} or more (the counts cover the ${maxValuesPerFacet} most frequent)`,
    ),
});

/** Written papers whose DOI or arXiv id another paper has too: most often one paper stored twice. */
const writeWarnings = z
  .array(z.object({ id: z.string(), shared_with: z.string(), message: z.string() }))
  .optional()
  .describe('Present when a written paper has the DOI or arXiv id of another paper (`shared_with`): if they are the same paper, delete one.');

export const addPapersOutput = z.object({
  added: z.array(z.object({ id: z.string(), title: z.string() })).describe('The papers written, replaced ones included.'),
  kept: z.array(z.string()).optional().describe('With on_existing keep: the ids stored already, left as they were.'),
  replaced: z.array(z.string()).optional().describe('With on_existing replace: the ids stored already, replaced.'),
  warnings: writeWarnings,
});

export const updatedPaperOutput = paperOutput.extend({ warnings: writeWarnings });

export const updatePaperInput = z
  .strictObject({
    ...paperReference,
    changes: paperPatchSchema
      .omit({ id: true })
      .describe('The fields to change, each replacing the stored one (a list whole); null removes a field. Fields left out stay.'),
  })
  .refine(exactlyOneReference, referenceIssue);
export const deletePaperOutput = z.object({ id: z.string(), deleted: z.literal(true) });

export const connectorSearchOutput = z.object({ results: z.array(z.object({ id: z.string(), title: z.string(), url: z.string() })) });
export const connectorFetchOutput = z.object({
  id: z.string(),
  title: z.string(),
  text: z.string(),
  url: z.string(),
  metadata: z.record(z.string(), z.string()),
});
