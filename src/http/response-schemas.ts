import { z } from 'zod';
import { searchModes } from '../search/search-modes.js';
import { paperSchema } from '../papers/paper.js';
import { storageBackendNames } from '../storage/paper-storage.js';

/** What the API answers, as zod schemas: the OpenAPI document is generated from them. */
const explanationSchema = z.object({
  ranks: z.object({ dense: z.number().int().positive().optional(), lexical: z.number().int().positive().optional() }),
  closest_sentence: z.object({ text: z.string(), score: z.number() }).nullable(),
});

/**
 * A hit: id and score always; the stored fields unless `fields` chose some. Its keys come in the
 * order the server writes them, so a client that parses an answer prints it as the server sent it.
 */
export const hitSchema = z
  .object({ id: z.string(), title: z.string().optional(), score: z.number() })
  .extend(paperSchema.partial().omit({ id: true, title: true }).shape)
  .extend({ explain: explanationSchema.optional() })
  .strict();

const tookMs = z.number().nonnegative();

/** A facet's values and how many papers have each (the most frequent, at most 100). */
const valueCounts = z.record(z.string(), z.number().int().positive());
const facetDistributionSchema = z.strictObject({ year: valueCounts.optional(), categories: valueCounts.optional(), authors: valueCounts.optional() });
const facetStatsSchema = z.strictObject({ year: z.strictObject({ min: z.number().int(), max: z.number().int() }).optional() });
/** Present on a ranked list when `facets` were asked for. */
const listFacets = { facet_distribution: facetDistributionSchema.optional(), facet_stats: facetStatsSchema.optional() };

/** What a search answers about its query besides the list. */
const queryNotes = {
  named_paper: z
    .strictObject({ id: z.string(), title: z.string() })
    .optional()
    .describe('The stored paper the query names, when the whole query is an arXiv id, a DOI or a link to either (its words match no abstract).'),
  suggested_query: z
    .string()
    .optional()
    .describe('The query with its slips corrected ("did you mean"), when some of its words few or no papers hold and a word one letter away many do.'),
  named_author: z
    .strictObject({ name: z.string(), papers: z.number().int().positive() })
    .optional()
    .describe(
      "The author the query names, when it is a person's name (two to four capitalised words) that stored papers list: the name as the collection writes it and how many papers list it; filter.authors with that name gives them (the list is ranked as for any query).",
    ),
};

export const hitsResponseSchema = z.object({ hits: z.array(hitSchema), ...listFacets, ...queryNotes, took_ms: tookMs }).strict();
export const batchResponseSchema = z
  .object({ results: z.array(z.object({ hits: z.array(hitSchema), ...listFacets, ...queryNotes }).strict()), took_ms: tookMs })
  .strict();
export const facetsResponseSchema = z
  .object({ facet_distribution: facetDistributionSchema, facet_stats: facetStatsSchema, papers: z.number().int().nonnegative(), took_ms: tookMs })
  .strict();
/** A stored paper as a read answers it: every stored field, or `id` and the chosen `fields`. */
export const paperFieldsSchema = paperSchema.partial().extend({ id: z.string() }).strict();
/** A paper as a write stored it: every field it has. */
export const writtenPaperSchema = paperSchema.strict();

/** One paper: every stored field, or `id` and the chosen `fields`. */
export const paperResponseSchema = z.object({ paper: paperFieldsSchema, took_ms: tookMs }).strict();
export const paperLookupResponseSchema = z
  .object({
    papers: z.array(paperFieldsSchema.nullable()).describe('One per name asked for, in the same order: the paper, or null when no stored paper has that name.'),
    took_ms: tookMs,
  })
  .strict();
export const paperListResponseSchema = z.object({ papers: z.array(paperFieldsSchema), next_cursor: z.string().nullable(), took_ms: tookMs }).strict();

/** A paper of a batch or an entry of a BibTeX, RIS or CSL-JSON body that was not written (see WriteService.createValidPapers). */
const rejectedEntrySchema = z
  .object({ position: z.string(), id: z.string().optional(), reason: z.string(), message: z.string(), field: z.string().optional() })
  .strict();
/** A written paper whose DOI or arXiv id another paper has too (see shared-identifiers.ts): written, and reported. */
export const writeWarningSchema = z
  .object({
    code: z.literal('identifier_shared'),
    id: z.string().describe('The written paper.'),
    field: z.enum(['doi', 'arxiv_id']),
    value: z.string().describe('The DOI or arXiv id, as the written paper stores it.'),
    shared_with: z.string().describe('The id of the other paper: a stored one, or one earlier in the same request.'),
    message: z.string(),
  })
  .strict();
const writeWarningsSchema = z
  .array(writeWarningSchema)
  .optional()
  .describe('Present when a written paper has a DOI or arXiv id that another paper has too (most often the same paper under two ids).');
/** One paper written (POST of one, PATCH), as stored. */
export const paperWrittenResponseSchema = z.object({ paper: writtenPaperSchema, warnings: writeWarningsSchema, took_ms: tookMs }).strict();
/** POST /v1/papers: `paper` for one, `papers` for a batch, as stored (ids generated where absent). */
export const createdPapersResponseSchema = z.union([
  paperWrittenResponseSchema,
  z
    .object({
      papers: z.array(writtenPaperSchema),
      rejected: z.array(rejectedEntrySchema).optional().describe('With skip_invalid: the papers or entries not written, where they were and why.'),
      kept: z.array(z.string()).optional().describe('With on_existing=keep or replace: the ids stored already and left as they were (not in `papers`).'),
      replaced: z
        .array(z.string())
        .optional()
        .describe('With on_existing=keep or replace: the ids stored already and replaced (their papers are in `papers`).'),
      warnings: writeWarningsSchema,
      took_ms: tookMs,
    })
    .strict(),
]);
export const putPaperResponseSchema = z.object({ paper: writtenPaperSchema, created: z.boolean(), warnings: writeWarningsSchema, took_ms: tookMs }).strict();
// `deleted` is always true; typed as a boolean, as generated clients read a `const` true wrongly (as a string).
export const deletedPaperResponseSchema = z.object({ id: z.string(), deleted: z.boolean().describe('Always true.'), took_ms: tookMs }).strict();

const snapshotStatsSchema = z.object({
  lastSnapshotAt: z.string().nullable(),
  lastSnapshotMs: z.number().nullable(),
  snapshotRunning: z.boolean(),
  lastSnapshotError: z.string().nullable(),
});

export const snapshotResponseSchema = z.object({ snapshot: snapshotStatsSchema.strict(), took_ms: tookMs }).strict();

export const statsResponseSchema = z.object({
  backend: z.enum(storageBackendNames),
  papers: z.number().int(),
  deleted: z.number().int(),
  pending: z.number().int(),
  logBytes: z.number().int(),
  model: z.object({
    id: z.string(),
    hubId: z.string(),
    dimension: z.number(),
    pooling: z.string(),
    maxTokens: z.number(),
    longPassages: z.string(),
    titleWeight: z.number(),
    onnxSha256: z.string(),
  }),
  hnsw: z.object({ space: z.string(), m: z.number(), efConstruction: z.number(), randomSeed: z.number(), efSearch: z.number() }),
  lexical: z.object({ analyzer: z.string(), k1: z.number(), b: z.number(), terms: z.number() }),
  defaultMode: z.enum(searchModes),
  writes: snapshotStatsSchema.extend({ enabled: z.boolean() }),
  /** What this request's credentials allow: `writes` when writes are enabled and its bearer key is a configured one. */
  access: z.object({ writes: z.boolean() }),
  index: z.object({
    formatVersion: z.number(),
    createdAt: z.string(),
    snapshotAt: z.string().nullable(),
    walSeq: z.number().int(),
    source: z.object({ input: z.string(), read: z.number(), rejected: z.number() }).optional(),
    collection: z.string().optional().describe('The Weaviate collection the alias names, being served (`backend` weaviate only).'),
  }),
});

/** A little-endian binary array, base64-encoded. */
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const mapResponseSchema = z
  .object({
    count: z.number().int().nonnegative().describe('Papers on the map'),
    ids: z.array(z.string()).describe('Paper ids, in the order of every array below'),
    x: base64.describe('x of each paper: float32 little-endian, base64'),
    y: base64.describe('y of each paper: float32 little-endian, base64'),
    groups: z.array(z.string()).describe('Group names (primary categories; "other" for papers without one), largest first'),
    group_sizes: z.array(z.number().int().positive()).describe('Papers in each group'),
    group: base64.describe('group of each paper, an index into groups: uint16 little-endian, base64'),
    method: z.enum(['umap', 'pca']),
    built_at: z.string().describe('When the layout was computed (papers written since are placed into it)'),
    took_ms: tookMs,
  })
  .strict();

export const healthResponseSchema = z.object({ status: z.literal('ok') }).strict();
export const readyResponseSchema = z.object({
  /** `ready`; else why not: still `starting`, `stopping`, or a part down (see docs/operations.md). */
  status: z.enum(['ready', 'starting', 'stopping', 'model_restarting', 'model_failed', 'storage_down']),
  /** The storage backend's health: `degraded` answers with part of it down (a Weaviate node, say). */
  storage: z.enum(['ok', 'degraded', 'down']).optional(),
  storage_reason: z.string().optional(),
  index: z.object({ model: z.string(), dimension: z.number(), papers: z.number(), createdAt: z.string(), defaultMode: z.enum(searchModes) }).optional(),
});

export const errorResponseSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).strict() }).strict();
