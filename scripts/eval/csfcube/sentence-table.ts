import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Embedder } from '../../../src/embedding/embedder.js';
import type { LoadedIndex } from '../../../src/storage/embedded/index-folder.js';
import { splitSentences } from '../../../src/search/sentences.js';

/**
 * Every paper's title and abstract sentences, each embedded alone as a passage: what sentence-level
 * related ranking needs stored per paper. Cached beside the index folder (the benchmark's data
 * never enters the repository).
 */
export class SentenceTable {
  private constructor(
    readonly dimension: number,
    /** Sentences of paper `label` are rows [offsets[label], offsets[label + 1]). */
    readonly offsets: Uint32Array,
    /** Row-major unit vectors, one row per sentence. */
    readonly sentenceVectors: Float32Array,
    /** One title vector per paper (zero for a paper without a title). */
    readonly titleVectors: Float32Array,
    readonly texts: readonly string[],
  ) {}

  static async load(index: LoadedIndex, embedder: Embedder, cacheFolder: string, report: (step: string, seconds: number) => void): Promise<SentenceTable> {
    const dimension = index.manifest.model.dimension;
    const texts: string[] = [];
    const offsets = new Uint32Array(index.manifest.count + 1);
    const titles: string[] = [];
    for (let label = 0; label < index.manifest.count; label++) {
      const paper = index.papers.byLabel(label);
      texts.push(...splitSentences(paper.abstract));
      offsets[label + 1] = texts.length;
      titles.push(paper.title.trim());
    }
    const sentenceFile = join(cacheFolder, 'sentences-v1.f32');
    const titleFile = join(cacheFolder, 'titles-v1.f32');
    let sentenceVectors: Float32Array;
    let titleVectors: Float32Array;
    try {
      sentenceVectors = asFloats(await readFile(sentenceFile));
      titleVectors = asFloats(await readFile(titleFile));
      if (sentenceVectors.length !== texts.length * dimension || titleVectors.length !== titles.length * dimension) throw new Error('stale sentence cache');
    } catch {
      await mkdir(cacheFolder, { recursive: true });
      let started = performance.now();
      sentenceVectors = await embedAll(embedder, texts, dimension, join(cacheFolder, 'sentences-v1.parts'));
      report(`embed ${texts.length} abstract sentences (${(texts.length / index.manifest.count).toFixed(1)} per paper)`, (performance.now() - started) / 1000);
      started = performance.now();
      titleVectors = await embedAll(embedder, titles, dimension, join(cacheFolder, 'titles-v1.parts'));
      report(`embed ${titles.length} titles`, (performance.now() - started) / 1000);
      await writeAtomically(sentenceFile, sentenceVectors);
      await writeAtomically(titleFile, titleVectors);
    }
    return new SentenceTable(dimension, offsets, sentenceVectors, titleVectors, texts);
  }

  static from(dimension: number, offsets: Uint32Array, sentenceVectors: Float32Array, titleVectors: Float32Array, texts: readonly string[]): SentenceTable {
    return new SentenceTable(dimension, offsets, sentenceVectors, titleVectors, texts);
  }

  /** The sentence vectors of paper `label` (views, not copies). */
  sentences(label: number): Float32Array[] {
    const rows: Float32Array[] = [];
    for (let row = this.offsets[label]!; row < this.offsets[label + 1]!; row++)
      rows.push(this.sentenceVectors.subarray(row * this.dimension, (row + 1) * this.dimension));
    return rows;
  }

  sentenceTexts(label: number): string[] {
    return this.texts.slice(this.offsets[label]!, this.offsets[label + 1]!);
  }

  title(label: number): Float32Array {
    return this.titleVectors.subarray(label * this.dimension, (label + 1) * this.dimension);
  }
}

/**
 * Embeds the texts in chunks, each chunk cached as it is done, so an interrupted run (the model is
 * slow on a shared machine) resumes where it stopped.
 */
async function embedAll(embedder: Embedder, texts: readonly string[], dimension: number, partsFolder: string): Promise<Float32Array> {
  const all = new Float32Array(texts.length * dimension);
  const chunk = 2048;
  await mkdir(partsFolder, { recursive: true });
  for (let start = 0; start < texts.length; start += chunk) {
    const part = texts.slice(start, start + chunk);
    const partFile = join(partsFolder, `${start}-${part.length}.f32`);
    try {
      const cached = asFloats(await readFile(partFile));
      if (cached.length === part.length * dimension) {
        all.set(cached, start * dimension);
        continue;
      }
    } catch {
      // Not embedded yet.
    }
    // A blank text (a paper without a title) keeps a zero vector: it matches nothing.
    const present = part.map((text, i) => ({ text, i })).filter(({ text }) => text.length > 0);
    const vectors = await embedder.embedPassages(present.map(({ text }) => text));
    const values = new Float32Array(part.length * dimension);
    present.forEach(({ i }, n) => values.set(vectors[n]!, i * dimension));
    await writeAtomically(partFile, values);
    all.set(values, start * dimension);
    process.stderr.write(`embedded ${Math.min(start + chunk, texts.length)} of ${texts.length}\n`);
  }
  return all;
}

function asFloats(bytes: Buffer): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

async function writeAtomically(path: string, values: Float32Array): Promise<void> {
  await writeFile(`${path}.tmp`, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  await rename(`${path}.tmp`, path);
}
