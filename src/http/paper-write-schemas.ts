import { z } from 'zod';
import { charactersOf, paperLimits } from '../papers/paper-limits.js';
import { publicationTypeOf, publicationTypes } from '../papers/publication-type.js';
import { wholeNumber } from '../shared/whole-number.js';
import { nonFiniteNumberMessage } from '../shared/zod-issues.js';
import { existingPaperChoices } from '../writes/existing-papers.js';
import { documentedAs } from './parameter-docs.js';
import { givenOnce, nonBlank, queryFlag } from './schemas.js';

/*
 * What a write takes: a paper as clients write it, batches of them, a merge patch, and the write
 * routes' query parameters (the MCP tools and the CLI's `add` write through the same schemas).
 */

/** The most papers one POST /v1/papers may carry. */
export const maxPapersPerWrite = 1_000;

/**
 * A volume, an issue or pages: text, or a number (kept as text). Documented as text: as a choice
 * of a string or a number, openapi-generator's Python and Java clients and Go's made a wrapper
 * type of it, and "12" had to be written PaperPatchVolume("12").
 */
const locator = documentedAs(
  z.union([z.string().max(paperLimits.locatorCharacters), z.number().finite().transform(String)], {
    // The union's own message was "Invalid input", naming no type; a number refused is one beyond the double range.
    error: (issue) =>
      typeof issue.input === 'number'
        ? nonFiniteNumberMessage
        : `expected a string or a number, received ${issue.input === null ? 'null' : Array.isArray(issue.input) ? 'array' : typeof issue.input}`,
  }),
  { type: 'string', maxLength: paperLimits.locatorCharacters, description: 'A number is taken too, and kept as text.' },
);

/**
 * A paper's type in the API's own words only: "article" is a journal article to BibTeX and a
 * preprint to CSL, so other formats' names are not guessed at here (files are read as their
 * format means them). A name some format uses is answered with the API's word for it.
 */
const publicationType = z.enum(publicationTypes, {
  error: (issue) => {
    const known = typeof issue.input === 'string' ? publicationTypeOf(issue.input) : undefined;
    return `must be one of ${publicationTypes.join(', ')}${known ? ` ("${issue.input as string}" is written "${known}" here)` : ''}`;
  },
});

/**
 * A paper as clients write it. Ingestion's validation and normalization then apply (the year of a
 * date, DOI normal form, an arXiv id taken from an arXiv-style id), so a written paper is stored
 * exactly as ingesting it would have stored it.
 */
export const paperInputSchema = z.strictObject({
  id: z.string().trim().min(1).max(paperLimits.idCharacters).optional().describe('Our id for the paper; generated (a UUID) when absent on POST.'),
  title: z.string().max(paperLimits.titleCharacters).optional(),
  abstract: nonBlank(paperLimits.abstractCharacters, 'required (a paper with a title but no abstract is taken with allow_title_only=true)'),
  authors: z
    .array(z.string().max(paperLimits.authorCharacters))
    .max(paperLimits.authors)
    .refine((names) => charactersOf(names) <= paperLimits.authorsCharacters, {
      message: `the names may hold at most ${paperLimits.authorsCharacters.toLocaleString('en-US')} characters in all`,
    })
    .optional()
    .describe(`The authors' full names, at most ${paperLimits.authorsCharacters.toLocaleString('en-US')} characters in all.`),
  categories: z.array(z.string().max(paperLimits.categoryCharacters)).max(paperLimits.categories).optional(),
  // As a paper's record takes it (see paper-record.ts): there is no year 0.
  year: wholeNumber(1, 9999).optional(),
  date: z
    .string()
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, { message: 'must be YYYY, YYYY-MM or YYYY-MM-DD' })
    .optional(),
  doi: z.string().max(paperLimits.doiCharacters).optional(),
  arxiv_id: z.string().max(paperLimits.arxivIdCharacters).optional(),
  url: z.string().max(paperLimits.urlCharacters).optional(),
  type: publicationType
    .optional()
    .describe('What kind of publication it is; the exports write it as their own type (BibTeX @inproceedings, RIS CONF, CSL paper-conference, …).'),
  venue: z.string().max(paperLimits.venueCharacters).optional().describe('Where it was published: a journal, or the proceedings or book it is part of.'),
  volume: locator.optional(),
  issue: locator.optional(),
  pages: locator.optional().describe('E.g. "117-129", "e1002" or 12 (a number is kept as text); the dash of a range is stored as "-".'),
});

/**
 * A paper as `allow_title_only=true` takes it: the abstract may be left out, or blank, when there
 * is a title (ingestion's mapping then checks there is one, as `--allow-title-only` does).
 */
export const titleOnlyPaperInputSchema = paperInputSchema.extend({ abstract: z.string().max(paperLimits.abstractCharacters).optional() });

/** A batch of papers, each as `paper` takes it. */
export const paperBatchSchemaOf = (paper: typeof paperInputSchema | typeof titleOnlyPaperInputSchema) =>
  z.strictObject({ papers: z.array(paper).min(1).max(maxPapersPerWrite) });

/** A batch whose papers are checked one by one (skip_invalid). */
export const paperItemsSchema = z.strictObject({ papers: z.array(z.unknown()).min(1).max(maxPapersPerWrite) });

const allowTitleOnly = queryFlag.describe(
  "Take papers that have a title but no abstract (a reference manager's export often has none); they are found by their title alone, as ingestion's --allow-title-only.",
);

/**
 * A paper as the API reference documents a write: the abstract optional, as allow_title_only=true
 * takes it; without that flag the route checks it is there (generated clients could not type a
 * title-only write).
 */
export const documentedPaperInputSchema = paperInputSchema.extend({
  abstract: titleOnlyPaperInputSchema.shape.abstract.describe('Required, not blank, unless allow_title_only=true; then a paper with a title may leave it out.'),
});

/** POST /v1/papers's body as the API reference documents it (see documentedPaperInputSchema). */
export const documentedCreatePapersRequestSchema = z.union([paperBatchSchemaOf(documentedPaperInputSchema), documentedPaperInputSchema]);

const { id: storedId, ...patchableFields } = titleOnlyPaperInputSchema.shape;
const patchedId = storedId.describe("The paper's id, if given: the id of the path (a patch does not change an id).");

/** Every field but the id, each also taking `null` (remove it): a field added to the paper is patchable with it. */
const removableFields = Object.fromEntries(Object.entries(patchableFields).map(([name, field]) => [name, field.nullable()])) as {
  [Name in keyof typeof patchableFields]: z.ZodNullable<(typeof patchableFields)[Name]>;
};

/**
 * PATCH /v1/papers/:id's body, a JSON merge patch (RFC 7396): the fields to change, `null` for
 * those to remove. The patched paper is then checked as a whole, as a PUT of it would be.
 */
export const paperPatchSchema = z.strictObject({ id: patchedId, ...removableFields });

/** PUT and PATCH /v1/papers/:id's query parameters. */
export const putPaperQuerySchema = z.strictObject({ allow_title_only: allowTitleOnly });

/** POST /v1/papers's query parameters. */
export const createPapersQuerySchema = putPaperQuerySchema.extend({
  skip_invalid: queryFlag.describe(
    'For a batch or a BibTeX, RIS or CSL-JSON body: write the papers that can be written and list the others in `rejected`, instead of writing none.',
  ),
  on_existing: z
    .enum(existingPaperChoices, givenOnce)
    .default('refuse')
    .describe(
      'For a batch or a BibTeX, RIS or CSL-JSON body, a paper whose id is stored already: `refuse` the write (409 `paper_exists`, nothing written), `keep` the stored paper and write the others (its id listed in `kept`), or `replace` it, as PUT would (listed in `replaced`).',
    ),
});

/** Which of the two forms POST /v1/papers takes (one paper, or a batch: an object with a `papers` key) a body means to be, so its errors name the right fields. */
export function isPaperBatch(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'papers' in body;
}
