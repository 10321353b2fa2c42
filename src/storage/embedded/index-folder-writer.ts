import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { paperPassage } from '../../embedding/embedder.js';
import type { ModelDescription } from '../../embedding/model-registry.js';
import { AppError } from '../../errors.js';
import type { Paper } from '../../papers/paper.js';
import { fsyncPath, removeStaleStaging, replaceDirectory, stagingPathFor } from '../../shared/fs-atomic.js';
import { checksumOf } from './index-integrity.js';
import { analyzerName } from './lexical/analyzer.js';
import { createBm25Builder, type Bm25IndexBuilder } from './lexical/bm25-builder.js';
import { encodeBm25Index } from './lexical/bm25-codec.js';
import { describeModel, indexFiles, indexFormatVersion, manifestFileName, writeManifest, type HnswParameters, type Manifest } from './manifest.js';
import { PapersFileWriter } from './papers-file.js';
import { VectorIndex, defaultHnswParameters } from './vector-index.js';
import { VectorsFileWriter } from './vectors-file.js';

/** How a build continues an existing one (a snapshot); absent, the folder is a new build. */
export type BuildLineage = Pick<Manifest, 'lineage' | 'walSeq' | 'createdAt'>;

/**
 * Builds a new index folder beside the target and renames it into place on `finish`, so a crash
 * never leaves a half index and a running server's folder is never written in place.
 */
export class IndexFolderWriter {
  private count = 0;

  private constructor(
    private readonly target: string,
    private readonly staging: string,
    private readonly model: ModelDescription,
    private readonly parameters: HnswParameters,
    private readonly index: VectorIndex,
    private readonly papers: PapersFileWriter,
    private readonly vectorFile: VectorsFileWriter,
    private readonly lexical: Bm25IndexBuilder,
  ) {}

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
      new PapersFileWriter(join(staging, indexFiles.papers)),
      new VectorsFileWriter(join(staging, indexFiles.vectors)),
      createBm25Builder(),
    );
  }

  get size(): number {
    return this.count;
  }

  async add(paper: Paper, vector: Float32Array): Promise<void> {
    const label = this.count;
    // A seeded graph holds the first labels already (see create).
    if (label >= this.index.count) this.index.add(label, vector);
    this.lexical.add(label, paperPassage(paper.title, paper.abstract));
    await this.papers.append(paper);
    await this.vectorFile.append(vector);
    this.count++;
  }

  /** `lineage` continues an existing build's (a snapshot); without it the index is a new build. */
  async finish(source: Manifest['source'], lineage?: BuildLineage): Promise<Manifest> {
    await this.papers.close();
    await this.vectorFile.close();
    this.index.shrinkToFit();
    await this.index.save(join(this.staging, indexFiles.hnsw));
    const lexical = this.lexical.build();
    await writeFile(join(this.staging, indexFiles.lexical), encodeBm25Index(lexical));
    const checksums: NonNullable<Manifest['checksums']> = {};
    for (const file of Object.values(indexFiles)) {
      await fsyncPath(join(this.staging, file));
      checksums[file] = await checksumOf(join(this.staging, file));
    }
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
      checksums,
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
