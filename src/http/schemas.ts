import { z } from 'zod';
import { searchModes, maxQueryCharacters } from '../search/search-modes.js';
import { facetNames } from '../papers/paper-facets.js';
import { sentenceRoles } from '../search/related/sentence-roles.js';
import { paperLimits } from '../papers/paper-limits.js';
import { paperSchema } from '../papers/paper.js';
import { hasLoneSurrogate, hasVisibleText } from '../shared/unicode.js';
import { wholeNumber } from '../shared/whole-number.js';
import { documentedAs, type JsonSchema } from './parameter-docs.js';

/** Deepest result a page may reach (offset + k): past it, approximate search order is not worth paging. */
export const maxPageEnd = 1_000;

/** The most hits one page of a ranked list holds. */
export const maxHitsPerPage = 100;
/** The most searches one batch holds. */
export const maxSearchesPerBatch = 64;
/** The most papers a recommendation takes on each side (liked, not wanted). */
export const maxFeedbackPapers = 100;
/** The most papers a filter leaves out by id. */
const maxExcludedIds = 1_000;
/** The most values a filter's list takes (categories, authors). */
const maxFilterNames = 100;
const k = wholeNumber(1, maxHitsPerPage).default(10);
const offset = wholeNumber(0, maxPageEnd - 1).default(0);

/** A parameter that takes one value, given more than once (`k=1&k=2`), says so rather than "expected string, received array". */
export const givenOnce = { error: (issue: { input: unknown }) => (Array.isArray(issue.input) ? 'must be given once' : undefined) };

/** A query parameter holding a whole number; an empty value is an error, not 0. */
const queryInteger = (min: number, max: number, fallback?: number) => {
  const parameter = z
    .string(givenOnce)
    .trim()
    .regex(/^-?\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(wholeNumber(min, max));
  const documented = { type: 'integer', minimum: min, maximum: max };
  return fallback === undefined
    ? documentedAs(parameter, documented)
    : documentedAs(
        parameter.optional().transform((value) => value ?? fallback),
        { ...documented, default: fallback },
      );
};
/** A query parameter that is true or false, false when absent. */
export const queryFlag = documentedAs(
  z.enum(['true', 'false'], givenOnce).transform((value) => value === 'true'),
  { type: 'boolean' },
).default(false);
// Decimal notation only: Number() also reads "0x1", "0b11" and "0o7" as numbers.
const queryNumber = documentedAs(
  z
    .string(givenOnce)
    .trim()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, { message: 'must be a number' })
    .transform(Number)
    .pipe(z.number().finite()),
  { type: 'number' },
);

/** A string with something to search for; `whenMissing` is the message for a field left out. */
export const nonBlank = (max: number, whenMissing?: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? whenMissing : undefined) })
    .max(max)
    .refine(hasVisibleText, { message: 'must not be empty or only white space' })
    // What JSON Schema can say of that rule, for the documents (OpenAPI, MCP tools): \p{…} is not in every validator's dialect.
    .meta({ minLength: 1, pattern: '\\S' });

const mode = z.enum(searchModes).optional();

/** A stored field a request may choose (the id always comes back). */
type SelectableField = Exclude<keyof typeof paperSchema.shape, 'id'>;
/** Stored fields a client may ask for; `id` and `score` always come back. */
export const selectableFields = Object.keys(paperSchema.shape).filter((field) => field !== 'id') as [SelectableField, ...SelectableField[]];

const year = wholeNumber(0, 9999);
const names = z.array(z.string().trim().min(1).max(paperLimits.authorCharacters)).min(1).max(maxFilterNames);

/**
 * An optional list of a JSON body, which may also be sent as null: left out. Declared so (nullable),
 * openapi-generator's Java client leaves a list it was not given unset; else it sends it as [],
 * and an empty `fields` asks for no stored field while an empty `categories.all` is refused.
 */
const optionalList = <List extends z.ZodType>(list: List) =>
  list
    .nullish()
    .transform((value) => value ?? undefined)
    .optional();

export const filterSchema = z.strictObject({
  year: z.strictObject({ gte: year.optional(), lte: year.optional(), gt: year.optional(), lt: year.optional() }).optional(),
  categories: z
    .strictObject({ any: optionalList(names), all: optionalList(names) })
    .refine((value) => value.any !== undefined || value.all !== undefined, { message: 'needs "any" or "all"' })
    // The refinement in the published JSON Schema too, where a client validating by it can see it.
    .meta({ minProperties: 1 })
    .optional(),
  authors: z.strictObject({ any: names }).optional(),
  // Trimmed as ids are stored (see PaperStorage.resolve).
  exclude_ids: optionalList(z.array(z.string().trim().min(1).max(paperLimits.idCharacters)).max(maxExcludedIds)),
});

/**
 * Facets to count, each named once. Said in words, not as uniqueItems: openapi-generator's Java
 * client types such a list as a Set and then writes code that does not compile.
 */
const facetList = z
  .array(z.enum(facetNames))
  .max(facetNames.length)
  .refine((names) => new Set(names).size === names.length, { message: 'names a facet twice' })
  .meta({ description: 'Each facet at most once.' });

/**
 * A field name as a choice of fields takes it: `id` too, which always comes back, so that
 * `fields=id` asks for the id alone where an empty list cannot be sent (generated clients leave
 * an empty query parameter out).
 */
const fieldName = z.enum(['id', ...selectableFields]);
const withoutId = (names: string[]) => names.filter((name) => name !== 'id');

/** Which stored fields come back (in a JSON body; the query's form is queryFields). */
const fieldChoice = z
  .array(fieldName)
  .max(selectableFields.length + 1)
  .transform(withoutId);

/** Options every ranked list takes: the page, a score floor, a filter, which fields come back and which facets are counted. */
const listOptions = {
  k,
  offset,
  score_threshold: z.number().finite().optional(),
  fields: optionalList(fieldChoice),
  filter: filterSchema.optional(),
  explain: z.boolean().default(false),
  facets: optionalList(facetList),
};

/**
 * offset + k within maxPageEnd, reported as too_big on offset like the hybrid mode's own limit;
 * a k or offset that is not a whole number has its own issue already, and no sum to check.
 */
const withinPageLimit = (value: { k: number; offset: number }, context: z.RefinementCtx) => {
  if (!Number.isInteger(value.k) || !Number.isInteger(value.offset) || value.offset + value.k <= maxPageEnd) return;
  context.addIssue({
    code: 'too_big',
    origin: 'number',
    maximum: maxPageEnd,
    inclusive: true,
    input: value.offset + value.k,
    message: `offset + k must be at most ${maxPageEnd}`,
    path: ['offset'],
  });
};

/**
 * Explaining embeds every sentence of every hit, all on the one model worker, so it is bounded:
 * at most this many hits per explained request, and not inside batches.
 */
const maxExplainedHits = 20;
const explainWithinLimit = (value: { k: number; explain: boolean }) => !value.explain || value.k <= maxExplainedHits;
const explainLimitIssue = { message: `explain is limited to k <= ${maxExplainedHits}`, path: ['explain'] };

export const searchRequestSchema = z
  .strictObject({ query: nonBlank(maxQueryCharacters), mode, ...listOptions })
  .superRefine(withinPageLimit)
  .refine(explainWithinLimit, explainLimitIssue);

export const similarRequestSchema = z
  .strictObject({ abstract: nonBlank(paperLimits.abstractCharacters), title: z.string().max(paperLimits.titleCharacters).optional(), mode, ...listOptions })
  .superRefine(withinPageLimit)
  .refine(explainWithinLimit, explainLimitIssue);

export const batchSearchRequestSchema = z.strictObject({
  queries: z
    .array(
      z
        .strictObject({
          query: nonBlank(maxQueryCharacters),
          mode,
          ...listOptions,
          // Not a `const` false: generated clients read one wrongly (as a string) and could not send a batch.
          explain: listOptions.explain.meta({ description: 'Not available in batches: false or left out (true is refused).' }),
        })
        .superRefine(withinPageLimit)
        .refine((value) => !value.explain, { message: 'explain is not available in batches', path: ['explain'] }),
    )
    .min(1)
    .max(maxSearchesPerBatch),
});

const paperIds = z.array(z.string().min(1).max(paperLimits.idCharacters));

export const recommendRequestSchema = z
  .strictObject({
    positive: paperIds.max(maxFeedbackPapers).default([]),
    negative: paperIds.max(maxFeedbackPapers).default([]),
    /** The search the feedback refines: the list stays on its topic. */
    query: nonBlank(maxQueryCharacters).optional(),
    ...listOptions,
  })
  .refine((value) => value.positive.length > 0 || value.query !== undefined, {
    message: 'give at least one positive paper, or a query',
    path: ['positive'],
  })
  .superRefine(withinPageLimit)
  .refine(explainWithinLimit, explainLimitIssue)
  .refine((value) => !value.positive.some((id) => value.negative.includes(id)), {
    message: 'a paper cannot be both positive and negative',
    path: ['negative'],
  });

/**
 * A query parameter holding a list, given once or repeated (`?a=x&a=y`), and where commas
 * separate its items: `always` (field and facet names), `lone` (a single value is comma-separated
 * but each repetition is taken whole, as ids and categories may hold a comma), `never` (author
 * names hold commas). Empty items are ignored.
 */
const queryList = (commas: 'always' | 'lone' | 'never') =>
  z.union([z.string(), z.array(z.string())]).transform((value) => {
    const given = Array.isArray(value) ? value : [value];
    const split = commas === 'always' || (commas === 'lone' && !Array.isArray(value));
    return (split ? given.flatMap((part) => part.split(',')) : given).map((part) => part.trim()).filter(Boolean);
  });
const commaList = queryList('always');
const nameList = queryList('lone');
const queryYear = queryInteger(0, 9999).optional();
/** A list parameter in the document: an array, sent as the parameter repeated (the server also reads one comma-separated value). */
const listParameter = (items: JsonSchema, bounds: JsonSchema = {}): JsonSchema => ({ type: 'array', items, ...bounds });
/** What a generated client must know of a list of names: a lone value is split on commas (an empty repetition keeps it whole). */
const wholeNames = {
  description:
    'Sent as the parameter repeated, each item whole. A lone value is also read as a comma-separated list: to send one name holding a comma, repeat the parameter with an empty value after it (empty values are ignored).',
};
const nameParameter = listParameter({ type: 'string', maxLength: paperLimits.authorCharacters }, { minItems: 1, maxItems: maxFilterNames, ...wholeNames });
const queryFacets = documentedAs(commaList.pipe(facetList), listParameter({ type: 'string', enum: facetNames }, { uniqueItems: true }));
const queryFields = documentedAs(commaList.pipe(z.array(fieldName).transform(withoutId)), listParameter({ type: 'string', enum: fieldName.options }));

/** The filter as flat query parameters (see filterOfQuery). */
const filterQueryParameters = {
  year_gte: queryYear,
  year_lte: queryYear,
  year_gt: queryYear,
  year_lt: queryYear,
  categories_any: documentedAs(nameList.pipe(names), nameParameter).optional(),
  categories_all: documentedAs(nameList.pipe(names), nameParameter).optional(),
  authors_any: documentedAs(
    queryList('never').pipe(names),
    listParameter(
      { type: 'string', maxLength: paperLimits.authorCharacters },
      { minItems: 1, maxItems: maxFilterNames, description: 'Sent as the parameter repeated, one name each (never split: names hold commas).' },
    ),
  ).optional(),
  exclude_ids: documentedAs(
    nameList.pipe(z.array(z.string().trim().min(1).max(paperLimits.idCharacters)).max(maxExcludedIds)),
    listParameter(
      { type: 'string', maxLength: paperLimits.idCharacters },
      {
        maxItems: maxExcludedIds,
        description: `${wholeNames.description} The request line and headers hold at most 16 KiB: a long list fits comma-separated (1,000 ids of ten characters take 11 KB), where the parameter repeated 1,000 times does not.`,
      },
    ),
  ).optional(),
};

type FilterQuery = z.output<z.ZodObject<typeof filterQueryParameters>>;

/** The flat filter parameters in the shape of a body's `filter`. */
function filterOfQuery(query: FilterQuery) {
  return {
    year: { gte: query.year_gte, lte: query.year_lte, gt: query.year_gt, lt: query.year_lt },
    categories: { any: query.categories_any, all: query.categories_all },
    authors: { any: query.authors_any },
    exclude_ids: query.exclude_ids,
  };
}

/** The GET form of the list options: flat query parameters, turned into the same shape as a body. */
export const relatedQuerySchema = z
  .strictObject({
    k: queryInteger(1, maxHitsPerPage, 10),
    offset: queryInteger(0, maxPageEnd - 1, 0),
    score_threshold: queryNumber.optional(),
    fields: queryFields.optional(),
    ...filterQueryParameters,
    explain: queryFlag,
    facets: queryFacets.optional(),
    facet: z
      .enum(sentenceRoles)
      .optional()
      .describe(
        'Relate on one facet of the paper: background (the problem it addresses), method (how it solves it) or result (what it finds); ranks by the abstract sentences playing that role.',
      ),
  })
  .superRefine(withinPageLimit)
  .refine(explainWithinLimit, explainLimitIssue)
  .transform((query) => ({
    k: query.k,
    offset: query.offset,
    score_threshold: query.score_threshold,
    fields: query.fields,
    explain: query.explain,
    facets: query.facets,
    facet: query.facet,
    filter: filterOfQuery(query),
  }));

/** GET /v1/facets: the facets to count (at least one) and the filter, as query parameters. */
export const facetsQuerySchema = z
  .strictObject({
    facets: documentedAs(
      z
        .union([z.string(), z.array(z.string())], { error: `required: the facets to count, e.g. facets=${facetNames.join(',')}` })
        .pipe(commaList)
        .pipe(facetList.min(1, { message: 'name at least one facet' })),
      listParameter({ type: 'string', enum: facetNames }, { minItems: 1, uniqueItems: true }),
    ),
    ...filterQueryParameters,
  })
  .transform((query) => ({ facets: query.facets, filter: filterOfQuery(query) }));

export const listPapersQuerySchema = z.strictObject({
  limit: queryInteger(1, 1_000, 100),
  // An empty cursor is a client's mistake (a next_cursor of null sent as ""), not a cursor of another index.
  cursor: z.string().min(1, 'is empty: leave cursor out for the first page').max(100).optional(),
  fields: queryFields.optional(),
});

export const paperIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(paperLimits.idCharacters)
    // No paper has either id (ingestion refuses them), and a URL cannot carry them: the client refuses them so, and the CLI's --index alike.
    .refine((id) => id !== '.' && id !== '..', { message: 'A paper id cannot be "." or "..".' }),
});

/** The most papers one POST /v1/papers/batch may name. */
export const maxPapersPerLookup = 500;

/** POST /v1/papers/batch: papers by id (or doi:, arxiv: names and links), as GET /v1/papers/:id names them. */
export const paperLookupRequestSchema = z.strictObject({
  ids: z
    // A lone surrogate is no text a paper could be named by, and a cluster's wire format cannot carry it.
    .array(
      z
        .string()
        .min(1)
        .max(paperLimits.idCharacters)
        .refine((name) => !hasLoneSurrogate(name), { message: 'must not hold an unpaired surrogate' }),
    )
    .min(1)
    .max(maxPapersPerLookup)
    .describe(`1 to ${maxPapersPerLookup} papers, each by id, doi:<DOI>, arxiv:<arXiv id> or a DOI or arXiv link; a name may repeat.`),
  fields: optionalList(fieldChoice),
});

/** GET /v1/papers/:id takes `fields` like the ranked lists, and nothing else. */
export const paperQuerySchema = z.strictObject({
  fields: queryFields.optional(),
});
