import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { getModel, parseLongPassages, withLongPassages } from '../../../embedding/model-registry.js';
import { AppError } from '../../../errors.js';
import { IndexFolderWriter } from '../index-folder.js';
import type { SnapshotDelta } from '../live-index.js';
import { lineageOf, readManifest, type Manifest } from '../manifest.js';
import { VectorIndex } from '../vector-index.js';
import type { Paper } from '../../../papers/paper.js';

export interface SnapshotResult {
  manifest: Manifest;
  /** Whether the graph was rebuilt from scratch (tombstones purged) or extended in place. */
  rebuiltGraph: boolean;
  ms: number;
}

/**
 * Folds the writes since `folder` was written (`delta`) into a new index folder and swaps it in
 * atomically (see IndexFolderWriter): papers, vectors and BM25 are always rewritten without the
 * removed papers, so labels are dense again. The HNSW graph is extended in place when nothing
 * was removed (cheap), and rebuilt from the stored vectors when something was (hnswlib cannot
 * unlink a node; rebuilding is what purges tombstones). CPU-heavy: run it in a worker thread.
 */
export async function buildSnapshot(folder: string, delta: SnapshotDelta, baseWalSeq?: number): Promise<SnapshotResult> {
  const started = performance.now();
  const manifest = await readManifest(folder);
  // The delta's labels count from the folder it was taken against; applied to any other folder
  // they would remove and duplicate the wrong papers.
  if (baseWalSeq !== undefined && (manifest.walSeq ?? 0) !== baseWalSeq) {
    throw new AppError('internal', `The index folder holds writes up to ${manifest.walSeq ?? 0}, but the snapshot's changes were taken against ${baseWalSeq}.`);
  }
  const model = withLongPassages(getModel(manifest.model.id), parseLongPassages(manifest.model.longPassages));
  const removed = new Set(delta.removedBaseLabels);
  const rebuiltGraph = removed.size > 0;
  const seedGraph = rebuiltGraph ? undefined : await VectorIndex.load(join(folder, manifest.files.hnsw), manifest.model.dimension, 10);
  const writer = await IndexFolderWriter.create(folder, model, manifest.hnsw, seedGraph);
  try {
    const vectors = await readVectors(join(folder, manifest.files.vectors), manifest);
    const { dimension } = manifest.model;
    let label = 0;
    for await (const paper of readPapers(join(folder, manifest.files.papers))) {
      if (!removed.has(label)) await writer.add(paper, vectors.subarray(label * dimension, (label + 1) * dimension));
      label++;
    }
    if (label !== manifest.count) throw new AppError('index_corrupt', `${folder}: papers.jsonl holds ${label} papers, the manifest says ${manifest.count}.`);
    for (const { paper, vector } of delta.added) await writer.add(paper, vector);
    const written = await writer.finish(manifest.source, { lineage: lineageOf(manifest), walSeq: delta.walSeq, createdAt: manifest.createdAt });
    return { manifest: written, rebuiltGraph, ms: performance.now() - started };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

async function readVectors(path: string, manifest: Manifest): Promise<Float32Array> {
  const bytes = await readFile(path);
  const expected = manifest.count * manifest.model.dimension * 4;
  if (bytes.byteLength !== expected) throw new AppError('index_corrupt', `${path} holds ${bytes.byteLength} bytes, ${expected} expected.`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

async function* readPapers(path: string): AsyncGenerator<Paper> {
  for await (const line of createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    if (line.length > 0) yield JSON.parse(line) as Paper;
  }
}
