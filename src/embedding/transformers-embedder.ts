import { AutoModel, AutoTokenizer, env, Tensor, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { AppError } from '../errors.js';
import type { Embedder } from './embedder.js';
import { lengthBatches } from './length-batches.js';
import type { LongPassageStrategy, ModelDescription } from './model-registry.js';
import { poolAndNormalize } from './pooling.js';
import { unitCentroid } from '../shared/vector-math.js';
import { tokenWindows } from './token-windows.js';

export interface TransformersEmbedderOptions {
  /** Folder holding `<hub id>/...` model folders. */
  modelDir: string;
  /** ONNX Runtime intra-op threads for one model call. */
  threads: number;
  /**
   * Intra-op threads for a call of short queries, if not `threads`: such calls then run in a
   * session of their own, loaded on the first query (see `queryNetwork`).
   */
  queryThreads?: number;
  /** Texts per model run (ONNX session call); longer lists are split. One makes a vector depend on its text alone. */
  batchSize: number;
}

/**
 * The model's tokenizer and ONNX session, from the model folder only: the fetcher obtains and
 * verifies the files beforehand, so nothing is downloaded behind the checksum's back. The
 * embedder runs on it; evaluation scripts that need the raw hidden states load it the same way.
 */
export async function loadTransformersModel(
  model: ModelDescription,
  options: { modelDir: string; threads: number },
): Promise<{ tokenizer: PreTrainedTokenizer; network: PreTrainedModel }> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = options.modelDir.endsWith('/') ? options.modelDir : `${options.modelDir}/`;
  const tokenizer = await AutoTokenizer.from_pretrained(model.hubId, { local_files_only: true });
  return { tokenizer, network: await loadNetwork(model, options.threads) };
}

/** An ONNX session of the model (files already in the folder `loadTransformersModel` set). */
function loadNetwork(model: ModelDescription, threads: number): Promise<PreTrainedModel> {
  return AutoModel.from_pretrained(model.hubId, {
    local_files_only: true,
    dtype: model.dtype,
    device: 'cpu',
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  });
}

/**
 * Calls of texts no longer than this (in tokens) run in the query session when queries have one:
 * titles and keyword queries. Longer queries (a pasted abstract) go to the session with every
 * thread, where they embed faster: on one thread, batches of abstract-length queries ran at
 * 0.55–0.65x the rate of two threads (the stress suite's fairness run, 6,400–7,900 against
 * 11,800–11,900 tokens/s, measured with batched runs), while a title took the same time on either.
 */
const shortCallTokens = 64;

/** The only user of transformers.js: a local ONNX sentence-transformer run in process. */
export class TransformersEmbedder implements Embedder {
  /** The ids the tokenizer puts around a text ([CLS] and [SEP] for BERT models). */
  private readonly specialTokens: number[];
  private readonly padTokenId: number;
  /**
   * The session short queries run in when queries take another number of threads than passages
   * (see shortCallTokens). In the server, a query's vector goes on to the indexes on the main
   * thread: with one thread fewer, the model leaves that thread a core, where with every core
   * its threads (which spin-wait between a call's operations) took CPU the index work needed.
   */
  private queryNetwork: Promise<PreTrainedModel> | undefined;

  private constructor(
    readonly model: ModelDescription,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly network: PreTrainedModel,
    private readonly options: TransformersEmbedderOptions,
  ) {
    this.specialTokens = tokenizer.encode('', { add_special_tokens: true });
    this.padTokenId = tokenizer.pad_token_id ?? 0;
  }

  readonly state = 'ready' as const;

  static async create(model: ModelDescription, options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
    try {
      const { tokenizer, network } = await loadTransformersModel(model, options);
      return new TransformersEmbedder(model, tokenizer, network, options);
    } catch (error) {
      throw new AppError('model_missing', `Cannot load model ${model.id} from ${options.modelDir}: ${(error as Error).message}`, { cause: error });
    }
  }

  async embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    const prefix = this.model.queryPrefix;
    return this.embed(
      texts.map((text) => prefix + text),
      { kind: 'truncate' },
      await this.networkForQueries(),
    );
  }

  embedPassages(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embed(texts, this.model.longPassages, this.network);
  }

  private networkForQueries(): Promise<PreTrainedModel> | PreTrainedModel {
    const { queryThreads, threads } = this.options;
    if (queryThreads === undefined || queryThreads === threads) return this.network;
    this.queryNetwork ??= loadNetwork(this.model, queryThreads).catch((error: unknown) => {
      this.queryNetwork = undefined;
      throw new AppError('model_missing', `Cannot load model ${this.model.id} for queries: ${(error as Error).message}`, { cause: error });
    });
    return this.queryNetwork;
  }

  /**
   * Text → token ids → one or more windows per text → model calls of similar lengths (shortest
   * first, cut where padding would cost more than another call: see lengthBatches) → pooled unit
   * vectors; a text cut into several windows gets the normalized mean of its windows' vectors.
   */
  private async embed(texts: readonly string[], longTexts: LongPassageStrategy, shortCallNetwork: PreTrainedModel): Promise<Float32Array[]> {
    const room = this.model.maxTokens - this.specialTokens.length;
    const segments: { text: number; ids: number[] }[] = [];
    texts.forEach((text, index) => {
      const ids = this.tokenize(text);
      const windows = longTexts.kind === 'windows' ? tokenWindows(ids, room, longTexts.stride) : [ids.slice(0, room)];
      for (const window of windows) segments.push({ text: index, ids: window });
    });
    segments.sort((a, b) => a.ids.length - b.ids.length);
    const perText = texts.map(() => [] as Float32Array[]);
    let start = 0;
    for (const end of lengthBatches(
      segments.map((segment) => segment.ids.length),
      this.options.batchSize,
    )) {
      const batch = segments.slice(start, end);
      // Segments are sorted by length, so the last is the longest of the call.
      const short = batch.at(-1)!.ids.length <= shortCallTokens;
      const vectors = await this.embedBatch(
        batch.map((segment) => segment.ids),
        short ? shortCallNetwork : this.network,
      );
      batch.forEach((segment, position) => perText[segment.text]!.push(vectors[position]!));
      start = end;
    }
    return perText.map((vectors) => (vectors.length === 1 ? vectors[0]! : unitCentroid(vectors)));
  }

  private tokenize(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false });
  }

  /** One model call: [CLS] ids [SEP], padded to the longest sequence of the batch. */
  private async embedBatch(sequences: readonly number[][], network: PreTrainedModel): Promise<Float32Array[]> {
    const [first, ...rest] = this.specialTokens;
    const length = Math.max(...sequences.map((ids) => ids.length)) + this.specialTokens.length;
    const inputIds = new BigInt64Array(sequences.length * length).fill(BigInt(this.padTokenId));
    const attentionMask = new BigInt64Array(sequences.length * length);
    sequences.forEach((ids, row) => {
      const tokens = first === undefined ? ids : [first, ...ids, ...rest];
      tokens.forEach((id, column) => {
        inputIds[row * length + column] = BigInt(id);
        attentionMask[row * length + column] = 1n;
      });
    });
    const dims = [sequences.length, length];
    const output = (await network({
      input_ids: new Tensor('int64', inputIds, dims),
      attention_mask: new Tensor('int64', attentionMask, dims),
      token_type_ids: new Tensor('int64', new BigInt64Array(sequences.length * length), dims),
    })) as { last_hidden_state: Tensor };
    const hidden = output.last_hidden_state;
    const [batch, tokens, dimension] = hidden.dims as [number, number, number];
    const vectors = poolAndNormalize({ data: hidden.data as Float32Array, batch, tokens, dimension, attentionMask }, this.model.pooling);
    hidden.dispose();
    return vectors;
  }

  async dispose(): Promise<void> {
    const queryNetwork = await this.queryNetwork?.catch(() => undefined);
    await Promise.all([this.network.dispose(), queryNetwork?.dispose()]);
  }
}
