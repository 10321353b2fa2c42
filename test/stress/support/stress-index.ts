import { createHash } from 'node:crypto';
import { cp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex, repoRoot } from '../../integration/helpers.js';

/** The repository's sample collection: 376 papers with authors, categories, dates, DOIs. */
export const stressPapers = join(repoRoot, 'index-data/samples/sample-papers.jsonl');

const indexWritingSources = [
  'src/storage/embedded/index-folder-writer.ts',
  'src/storage/embedded/manifest.ts',
  'src/storage/embedded/map/map-layout-file.ts',
  'src/storage/embedded/related-lists-file.ts',
  'src/ingest/ingest.ts',
];

/**
 * A real index of the sample papers, built once with the real model and kept under the system's
 * temporary folder (keyed by the input's content), so each stress test starts from a copy
 * instead of embedding the papers again.
 */
export async function baseIndex(): Promise<string> {
  // Keyed by the input and by the code that writes index folders, so a change of format (a new
  // file in the folder, say) builds a new base index instead of serving an old one.
  const hash = createHash('sha256').update(await readFile(stressPapers));
  for (const source of indexWritingSources) hash.update(await readFile(join(repoRoot, source)));
  const key = hash.digest('hex').slice(0, 16);
  const folder = join(tmpdir(), 'paper-search-stress', `sample-index-${key}`);
  try {
    await stat(join(folder, 'manifest.json'));
  } catch {
    // Ingestion builds beside the target and renames it into place: a half-built folder is never found here.
    await buildIndex(folder, stressPapers);
  }
  return folder;
}

/** A private copy of the base index at `target`. */
export async function copyOfBaseIndex(target: string): Promise<string> {
  await cp(await baseIndex(), target, { recursive: true });
  return target;
}

export interface SamplePaper {
  id: string;
  title: string;
  abstract: string;
  authors?: string[];
  categories?: string[];
  date?: string;
  doi?: string;
}

export async function samplePapers(): Promise<SamplePaper[]> {
  return (await readFile(stressPapers, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SamplePaper);
}
