import { access, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { makeFolders, previousFolderPathOf, removeStaleStaging, replaceDirectory, stagingPathFor, writeFileAtomic } from '../../shared/fs-atomic.js';
import { assertReplaceable } from '../index-target.js';

/**
 * The local side of a collection that lives in Weaviate: an index folder holding only
 * `manifest.json`, which names the backend, the alias the service reads through, the collection
 * ingestion published under it and the model that built it. The collection's own description is
 * the authority on the model; this file lets `INDEX_DIR` mean the same thing for both backends.
 */
const pointerFormat = 'paper-search-weaviate-collection';
const pointerFormatVersion = 1;
const manifestFileName = 'manifest.json';

const pointerSchema = z.object({
  format: z.literal(pointerFormat),
  formatVersion: z.literal(pointerFormatVersion),
  backend: z.literal('weaviate'),
  alias: z.string().min(1),
  collection: z.string().min(1),
  model: z.object({ id: z.string(), longPassages: z.string(), titleWeight: z.number().nonnegative().default(0) }),
  createdAt: z.string(),
  count: z.number().int().nonnegative(),
});

export type CollectionPointer = z.infer<typeof pointerSchema>;

/** The pointer in an index folder, or undefined when the folder holds an embedded index (or none). */
export async function readCollectionPointer(folder: string): Promise<CollectionPointer | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(folder, manifestFileName), 'utf8'));
  } catch {
    return undefined;
  }
  if ((raw as { format?: unknown } | null)?.format !== pointerFormat) return undefined;
  const parsed = pointerSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError('index_corrupt', `${join(folder, manifestFileName)} is not a valid Weaviate collection manifest: ${parsed.error.message}`);
  return parsed.data;
}

/** Whether a folder's manifest says its papers live in Weaviate (for the embedded backend's refusal). */
export async function holdsCollectionPointer(folder: string): Promise<boolean> {
  try {
    return (JSON.parse(await readFile(join(folder, manifestFileName), 'utf8')) as { format?: unknown } | null)?.format === pointerFormat;
  } catch {
    return false;
  }
}

/**
 * Replaces the index folder `target` with one holding this pointer. Like an embedded build, the
 * target must be absent, empty or an index folder: never a folder of other files. An embedded
 * index it replaces (a collection moving to Weaviate) is kept beside it as
 * `<target>.previous-<time>`, whose path is returned: it is the only copy of that index's papers
 * and of the writes its log still holds, which the input may not have.
 */
export async function writeCollectionPointer(
  target: string,
  pointer: Omit<CollectionPointer, 'format' | 'formatVersion' | 'backend'>,
): Promise<string | undefined> {
  const absolute = resolve(target);
  await assertReplaceable(absolute);
  await makeFolders(dirname(absolute));
  await removeStaleStaging(absolute, 'building');
  const staging = stagingPathFor(absolute, 'building');
  await mkdir(staging);
  const manifest: CollectionPointer = { format: pointerFormat, formatVersion: pointerFormatVersion, backend: 'weaviate', ...pointer };
  await writeFileAtomic(join(staging, manifestFileName), `${JSON.stringify(manifest, null, 2)}\n`);
  const keptAs = (await holdsEmbeddedIndex(absolute)) ? previousFolderPathOf(absolute) : undefined;
  await replaceDirectory(staging, absolute, keptAs === undefined ? {} : { keepPreviousAs: keptAs });
  return keptAs;
}

/** Whether a folder holds an index manifest that is not a pointer: an embedded index. */
async function holdsEmbeddedIndex(folder: string): Promise<boolean> {
  try {
    await access(join(folder, manifestFileName));
  } catch {
    return false;
  }
  return !(await holdsCollectionPointer(folder));
}
