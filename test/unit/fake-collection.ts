import { join } from 'node:path';
import type { EmbedRequestOptions } from '../../src/embedding/embed-scheduler.js';
import { paperPassage, type Embedder, type ModelState } from '../../src/embedding/embedder.js';
import { getModel, type ModelDescription } from '../../src/embedding/model-registry.js';
import { blendTitle, type PaperText } from '../../src/embedding/paper-vectors.js';
import { createLogger } from '../../src/log.js';
import type { Paper } from '../../src/papers/paper.js';
import { normalize } from '../../src/shared/vector-math.js';
import { EmbeddedStorage } from '../../src/storage/embedded/embedded-storage.js';
import { IndexFolderWriter } from '../../src/storage/embedded/index-folder-writer.js';

/**
 * A stand-in for the model, for tests where the model is not the point: a text's vector is its
 * bag of words, each word hashed to a dimension, normalized. Texts sharing words are near, texts
 * sharing none are orthogonal, and the same text always gives the same vector. It describes
 * itself as the default model, so index folders built with it load as that model's.
 */
export class FakeEmbedder implements Embedder {
  readonly model: ModelDescription = getModel('all-MiniLM-L6-v2');
  state: ModelState = 'ready';
  /** Each call, and whether its texts were to be embedded one per model call (queries always are). */
  readonly calls: { kind: 'query' | 'passage'; texts: string[]; alone: boolean }[] = [];

  async embedQueries(texts: readonly string[], _request?: EmbedRequestOptions): Promise<Float32Array[]> {
    this.calls.push({ kind: 'query', texts: [...texts], alone: true });
    return texts.map((text) => this.vectorOf(text));
  }

  async embedPassages(texts: readonly string[], request?: EmbedRequestOptions): Promise<Float32Array[]> {
    this.calls.push({ kind: 'passage', texts: [...texts], alone: request?.alone === true });
    return texts.map((text) => this.vectorOf(text));
  }

  async dispose(): Promise<void> {}

  /** A paper's vector as ingestion makes it with this model (see embedPapers), without counting as a model call. */
  paperVector(paper: PaperText): Float32Array {
    const passage = this.vectorOf(paperPassage(paper.title, paper.abstract));
    const title = paper.title?.trim();
    return title && this.model.titleWeight > 0 ? blendTitle(passage, this.vectorOf(title), this.model.titleWeight) : passage;
  }

  vectorOf(text: string): Float32Array {
    const vector = new Float32Array(this.model.dimension);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      if (word.length < 3) continue;
      let hash = 2166136261;
      for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619);
      vector[(hash >>> 0) % vector.length]! += 1;
    }
    return normalize(vector);
  }
}

/** Papers on distinct topics, with metadata for filters and aliases. */
export const topicPapers: Paper[] = [
  {
    id: 'volcano-1',
    title: 'Volcano eruption forecasting',
    abstract: 'Seismic tremor predicts volcano eruption. Magma rises before the eruption.',
    year: 2021,
    categories: ['physics.geo-ph'],
    authors: ['Ada Lovelace'],
    doi: '10.1000/volcano.1',
  },
  {
    id: 'volcano-2',
    title: 'Magma chambers under a volcano',
    abstract: 'Magma chambers feed volcano eruption cycles. Tremor follows magma.',
    year: 2023,
    categories: ['physics.geo-ph'],
    authors: ['Alan Turing'],
  },
  {
    id: 'volcano-3',
    title: 'Ash plumes of eruption',
    abstract: 'Volcano ash plumes disrupt aviation after an eruption.',
    year: 2024,
    categories: ['physics.ao-ph'],
    arxiv_id: '2401.00003',
  },
  {
    id: 'protein-1',
    title: 'Protein folding with attention',
    abstract: 'Attention networks predict protein folding structure. Residue contacts emerge.',
    year: 2022,
    categories: ['q-bio.BM', 'cs.LG'],
    authors: ['Grace Hopper'],
  },
  {
    id: 'protein-2',
    title: 'Protein design by diffusion',
    abstract: 'Diffusion models design protein backbones. Folding is checked afterwards.',
    year: 2024,
    categories: ['q-bio.BM'],
  },
  {
    id: 'video-1',
    title: 'Neural video compression',
    abstract: 'Neural codecs compress video frames with learned motion. Bitrate drops sharply.',
    year: 2020,
    categories: ['cs.CV'],
  },
  {
    id: 'video-2',
    title: 'Implicit video representations',
    abstract: 'Implicit networks represent video frames. Compression follows from small networks.',
    year: 2023,
    categories: ['cs.CV', 'cs.LG'],
  },
  {
    id: 'speech-1',
    title: 'Speech recognition in noise',
    abstract: 'Robust speech recognition under street noise. Acoustic models adapt.',
    year: 2019,
    categories: ['eess.AS'],
  },
];

/** Builds an index folder of `papers` with the fake model's vectors, as ingestion would. */
export async function buildFakeIndex(folder: string, embedder: FakeEmbedder, papers: readonly Paper[] = topicPapers): Promise<void> {
  const writer = await IndexFolderWriter.create(folder, embedder.model);
  for (const paper of papers) await writer.add(paper, embedder.paperVector(paper));
  await writer.finish({ input: 'test papers', read: papers.length, rejected: 0 });
}

/** Serves an index folder with writes enabled and snapshots only on request. */
export function openFakeStorage(folder: string, embedder: FakeEmbedder, overrides: { acceptsWrites?: boolean } = {}): Promise<EmbeddedStorage> {
  return EmbeddedStorage.open({
    folder,
    model: embedder.model,
    efSearch: 64,
    walDir: join(folder, '..', 'wal'),
    acceptsWrites: overrides.acceptsWrites ?? true,
    snapshotAfterOperations: 1_000_000,
    snapshotAfterMs: 86_400_000,
    log: createLogger('silent'),
  });
}
