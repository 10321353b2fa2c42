import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { paperPassage } from '../../embedding/embedder.js';
import { defaultEfSearch } from '../../config/config.js';
import { AppError, isAppError } from '../../errors.js';
import type { ModelDescription } from '../../embedding/model-registry.js';
import type { Paper } from '../../papers/paper.js';
import { fsyncPath, makeFolders, previousFolderPathOf, removeStaleStaging, replaceDirectory, stagingPathFor } from '../../shared/fs-atomic.js';
import type { StopCheck } from '../../shared/worker-threads.js';
import { checksumOf } from './index-integrity.js';
import { analyzerName } from './lexical/analyzer.js';
import { countLoggedWrites } from './write-log/write-log.js';
import { createBm25Builder, type Bm25IndexBuilder } from './lexical/bm25-builder.js';
import { encodeBm25Index } from './lexical/bm25-codec.js';
import { indexFiles, indexFormatVersion, lineageOf, readManifest, writeManifest, type HnswParameters, type Manifest } from './manifest.js';
import { describeModel } from '../model-summary.js';
import { mapLayoutFileName, writeMapLayoutFile } from './map/map-layout-file.js';
import { computeLayout, defaultLayoutSettings, positionAmong, type LayoutMethod, type MapLayout } from './map/map-layout.js';
import { startBuildLayout, type LayoutThread } from './map/layout-thread.js';
import type { Logger } from '../../log.js';
import { PapersFileWriter } from './papers-file.js';
import { RelatedLists } from './related-lists.js';
import { computeRelatedLists } from './related-lists-threads.js';
import { relatedListsFileName, writeRelatedListsFile } from './related-lists-file.js';
import { VectorIndex, defaultHnswParameters } from './vector-index.js';
import { readVectorsFile, VectorsFileWriter } from './vectors-file.js';
import { assertReplaceable, unbuildableTarget } from '../index-target.js';
import { settleIndexFolder } from '../interrupted-swap.js';

/** How a build continues an existing one (a snapshot); absent, the folder is a new build. */
export type BuildLineage = Pick<Manifest, 'lineage' | 'walSeq' | 'createdAt'>;

/**
 * Builds of at least this many papers compute their map layout in a worker thread, beside the
 * graph's related lists and the BM25 index (about a second of UMAP at 1,000 papers, 1.5 s from
 * 2,000 on); smaller ones compute it in place, cheaper than starting a thread.
 */
const layoutThreadMinimum = 1_000;

/**
 * Where the folder's map layout comes from: `compute`d from all the vectors at the end
 * (ingestion); `carry` the positions passed with the papers (a snapshot of a folder that has a
 * layout), papers added without one placed among their nearest placed neighbours; or `none`
 * (a snapshot of a folder without a layout: one is computed when first asked for).
 */
export type LayoutPlan = { kind: 'compute' } | { kind: 'carry'; method: LayoutMethod; builtAt: string } | { kind: 'none' };

export interface IndexFolderWriterOptions {
  parameters?: HnswParameters;
  /**
   * Already holds the vectors of the first papers to be added (labels 0..count−1, as a snapshot
   * reloads them from the previous folder): they are not inserted again.
   */
  seedGraph?: VectorIndex;
  /**
   * The related lists of the seed graph's papers (a snapshot extending the graph in place):
   * each paper added after them enters them as a write does (RelatedLists.insert) instead of
   * every list being computed again, which at 75k papers is most of such a snapshot's time.
   */
  seedRelated?: RelatedLists;
  layout?: LayoutPlan;
  /** Checked between papers and between the steps of `finish` that call the HNSW add-on (see StopRequest). */
  stop?: StopCheck;
  /** The write-ahead log of the folder a new build replaces: writes it holds make that folder worth keeping (see finish). */
  writeLog?: string;
  /**
   * Lets `finish` use a second core: the map layout and half of the related lists are computed
   * in worker threads (see layoutThreadMinimum, computeRelatedLists); should a helper fail, its
   * failure is logged to `log` and its work done on this thread. For a build run on its own
   * (ingestion): a snapshot, beside a server's searches, keeps to its one thread.
   */
  helperThreads?: { log: Logger };
}

export interface MapPoint {
  x: number;
  y: number;
}

/**
 * Builds a new index folder beside the target and renames it into place on `finish`, so a crash
 * never leaves a half index and a running server's folder is never written in place.
 */
export class IndexFolderWriter {
  private count = 0;
  /** Carried map positions by label (NaN: none given), and the vectors of the papers without one. */
  private readonly positions = { x: [] as number[], y: [] as number[] };
  private readonly unplaced = new Map<number, Float32Array>();

  private constructor(
    private readonly target: string,
    private readonly staging: string,
    private readonly model: ModelDescription,
    private readonly parameters: HnswParameters,
    private readonly index: VectorIndex,
    private readonly papers: PapersFileWriter,
    private readonly vectorFile: VectorsFileWriter,
    private readonly lexical: Bm25IndexBuilder,
    private readonly layout: LayoutPlan,
    private readonly stop: StopCheck | undefined,
    private readonly related: RelatedLists | undefined,
    private readonly writeLog: string | undefined,
    private readonly helperThreads: { log: Logger } | undefined,
  ) {}

  static async create(target: string, model: ModelDescription, options: IndexFolderWriterOptions = {}): Promise<IndexFolderWriter> {
    const { parameters = defaultHnswParameters, seedGraph, seedRelated, layout = { kind: 'compute' }, stop, writeLog, helperThreads } = options;
    if (seedRelated) {
      if (!seedGraph) throw new AppError('internal', 'IndexFolderWriter: related lists are carried only with the graph they were computed on.');
      // Lists are searched as a server searches by default (see finish), carried ones too.
      seedGraph.setEfSearch(defaultEfSearch);
    }
    const absoluteTarget = resolve(target);
    // Before stale staging is removed: a dead process's retired folder is then the index itself.
    // Told in the log of a build run on its own (ingestion); a snapshot's server settled its folder at start.
    await settleIndexFolder(absoluteTarget, helperThreads?.log);
    await assertReplaceable(absoluteTarget);
    const staging = stagingPathFor(absoluteTarget, 'building');
    try {
      await makeFolders(dirname(absoluteTarget));
      for (const tag of ['building', 'old']) await removeStaleStaging(absoluteTarget, tag);
      await mkdir(staging);
    } catch (error) {
      throw unbuildableTarget(absoluteTarget, error) ?? error;
    }
    return new IndexFolderWriter(
      absoluteTarget,
      staging,
      model,
      parameters,
      seedGraph ?? VectorIndex.create(model.dimension, parameters),
      new PapersFileWriter(join(staging, indexFiles.papers)),
      new VectorsFileWriter(join(staging, indexFiles.vectors)),
      createBm25Builder(),
      layout,
      stop,
      seedRelated,
      writeLog,
      helperThreads,
    );
  }

  get size(): number {
    return this.count;
  }

  /** `position`: the paper's place on the map, kept when the layout is carried (see LayoutPlan). */
  async add(paper: Paper, vector: Float32Array, position?: MapPoint): Promise<void> {
    this.stop?.throwIfAborted();
    const label = this.count;
    if (this.layout.kind === 'carry') {
      this.positions.x.push(position?.x ?? NaN);
      this.positions.y.push(position?.y ?? NaN);
      if (!position) this.unplaced.set(label, vector);
    }
    // A seeded graph holds the first labels already (see create).
    if (label >= this.index.count) {
      this.index.add(label, vector);
      this.related?.insert(this.index, label);
    }
    this.lexical.add(label, paperPassage(paper.title, paper.abstract));
    await this.papers.append(paper);
    await this.vectorFile.append(vector);
    this.count++;
  }

  /**
   * `lineage` continues an existing build's (a snapshot); without it the index is a new build,
   * and the folder it replaces is kept beside it when that folder took writes after its own build,
   * folded in by a snapshot or still in its write-ahead log (see keptPrevious).
   */
  async finish(
    source: Manifest['source'],
    lineage?: BuildLineage,
    confirmReplaced?: (folder: string) => Promise<void>,
  ): Promise<Manifest & { keptPrevious?: { collection: string; writes: number | null } }> {
    await this.papers.close();
    await this.vectorFile.close();
    // On another core, beside the graph's related lists and the BM25 index (see layoutThreadMinimum).
    const layoutThread =
      this.helperThreads && this.layout.kind === 'compute' && this.count >= layoutThreadMinimum
        ? startBuildLayout(join(this.staging, indexFiles.vectors), this.count, this.model.dimension)
        : undefined;
    try {
      return await this.finishWith(source, lineage, layoutThread, confirmReplaced);
    } finally {
      // After its answer the worker is ending anyway; if the finish failed first, it stops at its
      // next step, before the caller removes the staging folder it reads.
      await layoutThread?.stop();
    }
  }

  private async finishWith(
    source: Manifest['source'],
    lineage: BuildLineage | undefined,
    layoutThread: LayoutThread<{ layout: MapLayout }> | undefined,
    confirmReplaced: ((folder: string) => Promise<void>) | undefined,
  ): Promise<Manifest & { keptPrevious?: { collection: string; writes: number | null } }> {
    this.index.shrinkToFit();
    await this.index.save(join(this.staging, indexFiles.hnsw));
    // Searched as a server searches by default, so each list is the graph's answer there.
    this.index.setEfSearch(defaultEfSearch);
    await writeRelatedListsFile(join(this.staging, relatedListsFileName), await this.relatedLists(), this.count, defaultEfSearch);
    const lexical = this.lexical.build();
    await writeFile(join(this.staging, indexFiles.lexical), encodeBm25Index(lexical));
    const layout = (layoutThread && (await this.layoutOfThread(layoutThread))) ?? (await this.mapLayout());
    if (layout) await writeMapLayoutFile(join(this.staging, mapLayoutFileName), layout);
    const files = { ...indexFiles, related: relatedListsFileName, ...(layout ? { map: mapLayoutFileName } : {}) };
    const checksums: NonNullable<Manifest['checksums']> = {};
    for (const file of Object.values(files)) {
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
      files,
      createdAt: lineage?.createdAt ?? new Date().toISOString(),
      lineage: lineage?.lineage ?? randomBytes(8).toString('hex'),
      walSeq: lineage?.walSeq ?? 0,
      ...(lineage ? { snapshotAt: new Date().toISOString() } : {}),
      source,
      checksums,
    };
    await writeManifest(this.staging, manifest);
    const previous = lineage ? { folded: 0, logged: 0 } : await writesSinceBuild(this.target, this.writeLog);
    const previousWrites = previous && previous.folded + previous.logged;
    if (previousWrites === 0) {
      await replaceDirectory(this.staging, this.target, { confirmReplaced });
      return manifest;
    }
    const keptAs = previousFolderPathOf(this.target);
    await replaceDirectory(this.staging, this.target, { keepPreviousAs: keptAs });
    return { ...manifest, keptPrevious: { collection: keptAs, writes: previousWrites } };
  }

  /** Every paper's related list, from the graph as saved: the carried lists completed, or all computed (on two threads with helpers). */
  private async relatedLists(): Promise<RelatedLists> {
    if (this.related) return this.related.computeMissing(this.index, this.count, this.stop);
    if (!this.helperThreads) return RelatedLists.compute(this.index, this.count, this.stop);
    return computeRelatedLists(this.index, join(this.staging, indexFiles.hnsw), this.count, this.helperThreads.log, this.stop);
  }

  /** The layout the worker computed, or undefined (logged) if it failed. */
  private async layoutOfThread(thread: LayoutThread<{ layout: MapLayout }>): Promise<MapLayout | undefined> {
    const answer = await thread.answer;
    if (answer.ok) return answer.layout;
    this.helperThreads?.log.warn({ reason: answer.message }, 'the map layout thread failed; computing the layout on the main thread');
    return undefined;
  }

  /** The layout computed on this thread: carried, or computed (collections too small to pay for a thread, a failed thread). */
  private async mapLayout(): Promise<MapLayout | undefined> {
    if (this.layout.kind === 'none') return undefined;
    if (this.layout.kind === 'compute') {
      const { dimension } = this.model;
      const vectors = await readVectorsFile(join(this.staging, indexFiles.vectors), this.count, dimension);
      return computeLayout(vectors, this.count, dimension, defaultLayoutSettings, this.stop);
    }
    const x = Float32Array.from(this.positions.x);
    const y = Float32Array.from(this.positions.y);
    const placed = (label: number) => !Number.isNaN(x[label]!);
    // In label order, so a paper can be placed beside one added before it.
    for (const [label, vector] of this.unplaced) {
      this.stop?.throwIfAborted();
      const neighbours = this.index.search(vector, defaultLayoutSettings.placementNeighbours, placed);
      const point = positionAmong(neighbours.map(({ label: neighbour, score }) => ({ score, x: x[neighbour]!, y: y[neighbour]! }))) ?? { x: 0, y: 0 };
      x[label] = point.x;
      y[label] = point.y;
    }
    return { method: this.layout.method, builtAt: this.layout.builtAt, x, y };
  }

  async abort(): Promise<void> {
    this.vectorFile.destroy();
    await this.papers.close().catch(() => undefined);
    await rm(this.staging, { recursive: true, force: true });
  }
}

/**
 * The writes made through the API that the index at `folder` took after it was built: those a
 * snapshot folded into it (its log sequence) and those still in its write-ahead log `writeLog`.
 * Papers a new build from an input file does not hold, so that folder is kept rather than removed
 * (as the Weaviate backend keeps such a collection; the log is set aside by the next start, and
 * replays onto the kept folder). None when there is no index there; null when there is one this
 * version cannot read (another version's, a damaged manifest), which may hold writes it cannot count.
 */
export async function writesSinceBuild(folder: string, writeLog: string | undefined): Promise<{ folded: number; logged: number } | null> {
  let manifest: Manifest;
  try {
    manifest = await readManifest(folder);
  } catch (error) {
    return isAppError(error) && error.code === 'index_missing' ? { folded: 0, logged: 0 } : null;
  }
  return { folded: manifest.walSeq ?? 0, logged: writeLog ? await countLoggedWrites(writeLog, lineageOf(manifest)) : 0 };
}
