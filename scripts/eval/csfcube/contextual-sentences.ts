import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelDescription } from '../../../src/embedding/model-registry.js';
import { loadTransformersModel } from '../../../src/embedding/transformers-embedder.js';
import { dot } from '../../../src/shared/vector-math.js';
import { hiddenStates } from '../hidden-states.js';
import { layOutSpans, poolSpans } from './span-pooling.js';
import type { LoadedIndex } from '../../../src/storage/embedded/index-folder.js';
import { splitSentences } from '../../../src/search/sentences.js';
import { SentenceTable } from './sentence-table.js';

/**
 * Contextual sentence vectors: each paper's title and abstract run through the model once, as
 * ingestion embeds it, and each sentence's vector is the mean of its tokens' embeddings in that
 * pass (see poolSpans). The product would get these from the ingestion pass itself; here the
 * pass is repeated because the embedder returns pooled vectors only. Sentences past the model's
 * window get no vector (the paper vector does not see them either).
 */
export async function loadContextualSentences(
  index: LoadedIndex,
  model: ModelDescription,
  options: { modelDir: string; threads: number; cacheFolder: string; report: (step: string, seconds: number) => void },
): Promise<SentenceTable> {
  const dimension = model.dimension;
  const sentenceFile = join(options.cacheFolder, 'contextual-v1.f32');
  const titleFile = join(options.cacheFolder, 'contextual-titles-v1.f32');
  const offsetFile = join(options.cacheFolder, 'contextual-v1.offsets');
  const texts: string[][] = [];
  for (let label = 0; label < index.manifest.count; label++) {
    const paper = index.papers.byLabel(label);
    texts.push([paper.title.trim(), ...splitSentences(paper.abstract)]);
  }
  // Each paper's sentences that fitted the window (the offsets say how many), in label order.
  const tableOf = (offsets: Uint32Array, sentences: Float32Array, titles: Float32Array) =>
    SentenceTable.from(
      dimension,
      offsets,
      sentences,
      titles,
      texts.flatMap((pieces, label) => pieces.slice(1, 1 + offsets[label + 1]! - offsets[label]!)),
    );
  try {
    const offsets = new Uint32Array(await readBuffer(offsetFile));
    const sentences = new Float32Array(await readBuffer(sentenceFile));
    const titles = new Float32Array(await readBuffer(titleFile));
    if (offsets.length === texts.length + 1 && sentences.length === offsets[texts.length]! * dimension && titles.length === texts.length * dimension) {
      return tableOf(offsets, sentences, titles);
    }
  } catch {
    // Not computed yet.
  }

  const started = performance.now();
  const { tokenizer, network } = await loadTransformersModel(model, options);
  const [cls, ...closing] = tokenizer.encode('', { add_special_tokens: true }) as number[];
  const room = model.maxTokens - 1 - closing.length;
  const partsFolder = join(options.cacheFolder, 'contextual-v1.parts');
  await mkdir(partsFolder, { recursive: true });

  const perPaper: { title: Float32Array; sentences: Float32Array[] }[] = [];
  const chunk = 256;
  let agreement = 0;
  for (let start = 0; start < texts.length; start += chunk) {
    const partFile = join(partsFolder, `${start}.f32`);
    const partInfoFile = join(partsFolder, `${start}.json`);
    let part: { title: Float32Array; sentences: Float32Array[]; agreement: number }[];
    try {
      const info = JSON.parse(await readFile(partInfoFile, 'utf8')) as { counts: number[]; agreements: number[] };
      const values = new Float32Array(await readBuffer(partFile));
      let row = 0;
      const take = () => values.subarray(row++ * dimension, row * dimension);
      part = info.counts.map((count, i) => ({ title: take(), sentences: Array.from({ length: count }, take), agreement: info.agreements[i]! }));
    } catch {
      const labels = Array.from({ length: Math.min(chunk, texts.length - start) }, (_, i) => start + i);
      const inputs = labels.map((label) => {
        const pieces = texts[label]!.map((piece) => (piece.length > 0 ? (tokenizer.encode(piece, { add_special_tokens: false }) as number[]) : []));
        const ids = pieces.flat().slice(0, room);
        return {
          label,
          ids: [cls!, ...ids, ...closing],
          spans: layOutSpans(
            pieces.map((piece) => piece.length),
            1,
            room,
          ),
        };
      });
      const order = [...inputs.keys()].sort((a, b) => inputs[a]!.ids.length - inputs[b]!.ids.length);
      part = new Array<(typeof part)[number]>(inputs.length);
      for (let batchStart = 0; batchStart < order.length; batchStart += 16) {
        const batch = order.slice(batchStart, batchStart + 16);
        const length = Math.max(...batch.map((i) => inputs[i]!.ids.length));
        const { hidden } = await hiddenStates(
          network,
          batch.map((i) => inputs[i]!.ids),
          length,
        );
        batch.forEach((i, row) => {
          const input = inputs[i]!;
          const rows = hidden.slice(row * length * dimension, (row * length + input.ids.length) * dimension);
          const [title, ...sentences] = poolSpans(rows, dimension, input.spans);
          const whole = poolSpans(rows, dimension, [{ start: 0, end: input.ids.length }])[0]!;
          const firstMissing = sentences.findIndex((vector) => vector === undefined);
          part[i] = {
            title: title ?? new Float32Array(dimension),
            sentences: (firstMissing < 0 ? sentences : sentences.slice(0, firstMissing)) as Float32Array[],
            agreement: model.pooling === 'mean' ? dot(whole, index.vectors.vector(input.label)) : Number.NaN,
          };
        });
      }
      const rows = part.flatMap((paper) => [paper.title, ...paper.sentences]);
      const values = new Float32Array(rows.length * dimension);
      rows.forEach((vector, row) => values.set(vector, row * dimension));
      await writeBuffer(partFile, values);
      await writeFile(partInfoFile, JSON.stringify({ counts: part.map((paper) => paper.sentences.length), agreements: part.map((paper) => paper.agreement) }));
      process.stderr.write(
        `contextual sentences: ${start + part.length} of ${texts.length} papers (pooled vs stored cosine ${(part.reduce((sum, paper) => sum + paper.agreement, 0) / part.length).toFixed(4)})\n`,
      );
    }
    for (const paper of part) {
      perPaper.push({ title: paper.title, sentences: paper.sentences });
      agreement += paper.agreement;
    }
  }
  await network.dispose();

  const offsets = new Uint32Array(texts.length + 1);
  perPaper.forEach((paper, label) => (offsets[label + 1] = offsets[label]! + paper.sentences.length));
  const sentences = new Float32Array(offsets[texts.length]! * dimension);
  const titles = new Float32Array(texts.length * dimension);
  perPaper.forEach((paper, label) => {
    titles.set(paper.title, label * dimension);
    paper.sentences.forEach((vector, i) => sentences.set(vector, (offsets[label]! + i) * dimension));
  });
  await writeBuffer(offsetFile, offsets);
  await writeBuffer(sentenceFile, sentences);
  await writeBuffer(titleFile, titles);
  const sentenceCount = offsets[texts.length]!;
  const totalSentences = texts.reduce((sum, pieces) => sum + pieces.length - 1, 0);
  options.report(
    `contextual pass over ${texts.length} papers: ${sentenceCount} of ${totalSentences} sentences inside the window` +
      (model.pooling === 'mean' ? `, mean cosine of the pass's pooled vector to the stored one ${(agreement / texts.length).toFixed(4)}` : ''),
    (performance.now() - started) / 1000,
  );
  return tableOf(offsets, sentences, titles);
}

async function readBuffer(path: string): Promise<ArrayBuffer> {
  const bytes = await readFile(path);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function writeBuffer(path: string, values: Uint32Array | Float32Array): Promise<void> {
  await writeFile(`${path}.tmp`, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  await rename(`${path}.tmp`, path);
}
