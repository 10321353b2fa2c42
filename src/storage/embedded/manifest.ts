import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { modelAsRecorded, type ModelDescription } from '../../embedding/model-registry.js';
import { AppError } from '../../errors.js';
import { writeFileAtomic } from '../../shared/fs-atomic.js';
import { describeModel, recordedModelSchema } from '../model-summary.js';
import { analyzerNames, isAnalyzerName } from './lexical/analyzer.js';

/**
 * Bumped whenever the layout of an index folder changes, or its papers gain a field an older
 * version would drop without a word (it reads papers by a schema that strips what it does not
 * know, and would serve the folder without the field, then write it so at its next snapshot):
 * the older version then refuses the folder instead. Version 3 added venue, type, volume, issue
 * and pages; the layout is version 2's.
 */
export const indexFormatVersion = 3;

/** The versions this one reads: version 2 folders are version 3 without those fields, and are written as 3 by their next snapshot. */
const readableFormatVersions: readonly number[] = [2, indexFormatVersion];

export const manifestFileName = 'manifest.json';

export const indexFiles = { hnsw: 'hnsw.bin', vectors: 'vectors.f32', papers: 'papers.jsonl', lexical: 'lexical.bm25' } as const;

const hnswParametersSchema = z.object({
  space: z.literal('ip'),
  m: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  randomSeed: z.number().int(),
});

export type HnswParameters = z.infer<typeof hnswParametersSchema>;

const manifestSchema = z.object({
  format: z.literal('paper-search-index'),
  formatVersion: z.number().int(),
  model: recordedModelSchema,
  count: z.number().int().nonnegative(),
  hnsw: hnswParametersSchema,
  /** The lexical (BM25) index over the same passages the vectors embed, and the analyzer version that made its terms. */
  lexical: z.object({ analyzer: z.enum(analyzerNames), k1: z.number(), b: z.number() }),
  /**
   * `map`, the map layout (see map/map-layout-file.ts), and `related`, the precomputed related
   * lists (see related-lists-file.ts), are optional: folders built before them had none, and get
   * them computed when first asked for.
   */
  files: z.object({
    hnsw: z.string(),
    vectors: z.string(),
    papers: z.string(),
    lexical: z.string(),
    map: z.string().optional(),
    related: z.string().optional(),
  }),
  createdAt: z.string(),
  /**
   * Identifies the build this folder descends from: ingestion draws a new one, snapshots keep it.
   * The write-ahead log records it, so a log is never replayed onto another build's index.
   */
  lineage: z.string().optional(),
  /** Sequence number of the last logged write folded into this folder (0 or absent: none). */
  walSeq: z.number().int().nonnegative().optional(),
  /** When the last snapshot folded logged writes into this folder. */
  snapshotAt: z.string().optional(),
  source: z.object({ input: z.string(), read: z.number().int(), rejected: z.number().int() }).optional(),
  /**
   * Size and SHA-256 of every file, by file name, recorded when the folder was written so that a
   * damaged file is refused instead of served (see index-integrity.ts). Absent in folders written
   * before checksums were recorded.
   */
  checksums: z.record(z.string(), z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** The lineage of a folder written before lineages were recorded: derived from its build, so stable. */
export function lineageOf(manifest: Manifest): string {
  return manifest.lineage ?? createHash('sha256').update(`${manifest.createdAt}:${manifest.count}`).digest('hex').slice(0, 16);
}

/** The model a manifest's index was built with, as the registry describes it, with the same embedding choices. */
export function modelOfManifest(manifest: Manifest): ModelDescription {
  return modelAsRecorded(manifest.model);
}

export async function writeManifest(folder: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(join(folder, manifestFileName), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function readManifest(folder: string): Promise<Manifest> {
  const path = join(folder, manifestFileName);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // A file where the folder should be (--index papers.jsonl) is no index, not a damaged one.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new AppError(
        'config_invalid',
        `The index ${folder} is a file, not a folder: give the index folder (built by paper-search ingest --index <folder>).`,
      );
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError(
        'index_missing',
        `No index at ${folder} (no ${manifestFileName}). Build one with: paper-search ingest --input <papers file> --index ${folder} (in a clone of the repository: npm run ingest -- --input <papers file> --index ${folder})`,
      );
    }
    throw new AppError('index_corrupt', `Cannot read ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError('index_corrupt', `${path} is not valid JSON. Rebuild the index with npm run ingest.`);
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && !readableFormatVersions.includes(version)) {
    // Which side is newer decides the way out: a newer folder can still be served by the version that wrote it.
    const advice =
      version > indexFormatVersion
        ? 'It was written by a newer version of paper-search: serve it with that version, or rebuild it with this one (npm run ingest)'
        : 'It was written by an older version of paper-search: rebuild it with this one (npm run ingest)';
    throw new AppError(
      'index_incompatible',
      `The index at ${folder} has format version ${version}; this version of paper-search reads versions ${readableFormatVersions.join(' and ')}. ${advice}; a rebuild holds only its input's papers, not writes made through the API since.`,
    );
  }
  const analyzer = (raw as { lexical?: { analyzer?: unknown } } | null)?.lexical?.analyzer;
  if (typeof analyzer === 'string' && !isAnalyzerName(analyzer)) {
    throw new AppError(
      'index_incompatible',
      `The index at ${folder} was built with the lexical analyzer ${analyzer}, which this version of paper-search does not have (it has ${analyzerNames.join(' and ')}). ` +
        "Serve it with the version that built it, or rebuild it with this one (npm run ingest); a rebuild holds only its input's papers, not writes made through the API since.",
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('index_corrupt', `${path} is not a valid index manifest: ${parsed.error.message}. Rebuild the index with npm run ingest.`);
  }
  return parsed.data;
}

/**
 * An index can only be searched with the exact model that built it: vectors from another model,
 * or another quantization of the same one, live in a different space.
 */
export function assertManifestMatchesModel(manifest: Manifest, model: ModelDescription, folder: string): void {
  const expected = describeModel(model);
  const mismatches = (Object.keys(expected) as (keyof Manifest['model'])[]).filter((key) => manifest.model[key] !== expected[key]);
  if (mismatches.length > 0) {
    throw new AppError(
      'index_incompatible',
      `The index at ${folder} was built with model ${manifest.model.id} (${mismatches
        .map((key) => `${key} ${String(manifest.model[key])}`)
        .join(', ')}), which differs from the installed ${model.id} (${mismatches.map((key) => `${key} ${String(expected[key])}`).join(', ')}). ` +
        `Rebuild the index with: npm run ingest -- --input <papers file> --index ${folder} --model ${model.id}`,
      { details: { mismatches } },
    );
  }
}
