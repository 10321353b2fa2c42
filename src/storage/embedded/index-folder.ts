import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { paperPassage } from '../../embedding/embedder.js';
import type { ModelDescription } from '../../embedding/model-registry.js';
import { analyzerName } from './lexical/analyzer.js';
import { Bm25Index, type Bm25IndexBuilder } from './lexical/bm25-index.js';
import { AppError } from '../../errors.js';
import { fsyncPath, removeStaleStaging, replaceDirectory, stagingPathFor } from '../../shared/fs-atomic.js';
import type { Paper } from '../../papers/paper.js';
import { PaperStore, PaperStoreWriter } from './paper-store.js';
import {
  assertManifestMatchesModel,
  describeModel,
  indexFiles,
  indexFormatVersion,
  manifestFileName,
  readManifest,
  writeManifest,
  type HnswParameters,
  type Manifest,
} from './manifest.js';
import { VectorIndex, defaultHnswParameters } from './vector-index.js';

/**
 * An index folder: `manifest.json` (written last), `hnsw.bin` (the graph), `vectors.f32` (the
 * raw unit vectors, little-endian float32, label order, for rebuilds and exact search) and
 * `papers.jsonl` (the records, label order) and `lexical.bm25` (the BM25 index of the same passages).
 */
export interface LoadedIndex {
  folder: string;
  manifest: Manifest;
  papers: PaperStore;
  vectors: VectorIndex;
  lexical: Bm25Index;
}

export async function openIndexFolder(folder: string, model: ModelDescription, efSearch: number): Promise<LoadedIndex> {
  const manifest = await readManifest(folder);
  assertManifestMatchesModel(manifest, model, folder);
  const hnswPath = join(folder, manifest.files.hnsw);
  try {
    await stat(hnswPath);
  } catch {
    throw new AppError('index_corrupt', `${hnswPath} is missing. Rebuild the index with npm run ingest.`);
  }
  const [papers, vectors, lexical] = await Promise.all([
    PaperStore.load(join(folder, manifest.files.papers), manifest.count),
    VectorIndex.load(hnswPath, manifest.model.dimension, efSearch),
    loadLexical(join(folder, manifest.files.lexical)),
  ]);
  for (const [file, count] of [
    [hnswPath, vectors.count],
    [manifest.files.lexical, lexical.documentCount],
  ] as const) {
    if (count !== manifest.count) throw new AppError('index_corrupt', `${file} holds ${count} entries, the manifest says ${manifest.count}.`);
  }
  return { folder, manifest, papers, vectors, lexical };
}

async function loadLexical(path: string): Promise<Bm25Index> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new AppError('index_corrupt', `${path} is missing. Rebuild the index with npm run ingest.`);
  }
  return Bm25Index.deserialize(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/**
 * Builds a new index folder beside the target and renames it into place on `finish`, so a crash
 * never leaves a half index and a running server's folder is never written in place.
 */
export class IndexFolderWriter {
  private count = 0;
  /** A write error of the vector file, surfaced on the next add or finish instead of crashing. */
  private vectorFileError: Error | undefined;

  private constructor(
    private readonly target: string,
    private readonly staging: string,
    private readonly model: ModelDescription,
    private readonly parameters: HnswParameters,
    private readonly index: VectorIndex,
    private readonly papers: PaperStoreWriter,
    private readonly vectorFile: WriteStream,
    private readonly lexical: Bm25IndexBuilder,
  ) {
    vectorFile.on('error', (error) => (this.vectorFileError ??= error));
  }

  /**
   * `seedGraph`, when given, already holds the vectors of the first papers to be added (labels
   * 0..count−1, as a snapshot reloads them from the previous folder): they are not inserted again.
   */
  static async create(
    target: string,
    model: ModelDescription,
    parameters: HnswParameters = defaultHnswParameters,
    seedGraph?: VectorIndex,
  ): Promise<IndexFolderWriter> {
    const absoluteTarget = resolve(target);
    await assertReplaceable(absoluteTarget);
    await mkdir(dirname(absoluteTarget), { recursive: true });
    for (const tag of ['building', 'old']) await removeStaleStaging(absoluteTarget, tag);
    const staging = stagingPathFor(absoluteTarget, 'building');
    await mkdir(staging);
    return new IndexFolderWriter(
      absoluteTarget,
      staging,
      model,
      parameters,
      seedGraph ?? VectorIndex.create(model.dimension, parameters),
      new PaperStoreWriter(join(staging, indexFiles.papers)),
      createWriteStream(join(staging, indexFiles.vectors)),
      Bm25Index.builder(),
    );
  }

  get size(): number {
    return this.count;
  }

  async add(paper: Paper, vector: Float32Array): Promise<void> {
    if (this.vectorFileError) throw this.vectorFileError;
    const label = this.count;
    // A seeded graph holds the first labels already (see create).
    if (label >= this.index.count) this.index.add(label, vector);
    this.lexical.add(label, paperPassage(paper.title, paper.abstract));
    await this.papers.append(paper);
    const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
    if (!this.vectorFile.write(bytes)) await once(this.vectorFile, 'drain');
    this.count++;
  }

  /** `lineage` continues an existing build's (a snapshot); without it the index is a new build. */
  async finish(source: Manifest['source'], lineage?: Pick<Manifest, 'lineage' | 'walSeq' | 'createdAt'>): Promise<Manifest> {
    await this.papers.close();
    await new Promise<void>((done, fail) => this.vectorFile.end((error?: Error | null) => (error ? fail(error) : done())));
    if (this.vectorFileError) throw this.vectorFileError;
    this.index.shrinkToFit();
    await this.index.save(join(this.staging, indexFiles.hnsw));
    const lexical = this.lexical.build();
    await writeFile(join(this.staging, indexFiles.lexical), lexical.serialize());
    for (const file of Object.values(indexFiles)) await fsyncPath(join(this.staging, file));
    const manifest: Manifest = {
      format: 'paper-search-index',
      formatVersion: indexFormatVersion,
      model: describeModel(this.model),
      count: this.count,
      hnsw: this.parameters,
      lexical: { analyzer: analyzerName, ...lexical.parameters },
      files: { ...indexFiles },
      createdAt: lineage?.createdAt ?? new Date().toISOString(),
      lineage: lineage?.lineage ?? randomBytes(8).toString('hex'),
      walSeq: lineage?.walSeq ?? 0,
      ...(lineage ? { snapshotAt: new Date().toISOString() } : {}),
      source,
    };
    await writeManifest(this.staging, manifest);
    await replaceDirectory(this.staging, this.target);
    return manifest;
  }

  async abort(): Promise<void> {
    this.vectorFile.destroy();
    await this.papers.close().catch(() => undefined);
    await rm(this.staging, { recursive: true, force: true });
  }
}

/**
 * A new index replaces the folder at its target as a whole, so the target must be absent, empty,
 * or an index folder (it has a manifest): never a folder of other files, such as the one holding
 * the input.
 */
async function assertReplaceable(target: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new AppError('config_invalid', `The index target ${target} is a file, not a folder.`);
    throw error;
  }
  if (entries.length === 0 || entries.includes(manifestFileName)) return;
  throw new AppError(
    'config_invalid',
    `The index target ${target} holds other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}) and no index manifest; ` +
      'building an index there would replace them. Choose a new or empty folder, or an existing index folder.',
  );
}
