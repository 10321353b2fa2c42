import { AutoModel, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import { AppError } from '../errors.js';
import type { Embedder } from './embedder.js';
import type { ModelDescription } from './model-registry.js';
import { poolAndNormalize } from './pooling.js';

export interface TransformersEmbedderOptions {
  /** Folder holding `<hub id>/...` model folders. */
  modelDir: string;
  /** ONNX Runtime intra-op threads for one model call. */
  threads: number;
  /** Texts per model call; longer lists are split. */
  batchSize: number;
}

/** The only user of transformers.js: a local ONNX sentence-transformer run in process. */
export class TransformersEmbedder implements Embedder {
  private constructor(
    readonly model: ModelDescription,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly network: PreTrainedModel,
    private readonly batchSize: number,
  ) {}

  static async create(model: ModelDescription, options: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
    // Files come only from the model folder: the fetcher obtains and verifies them beforehand,
    // so nothing is downloaded behind the checksum's back.
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = options.modelDir.endsWith('/') ? options.modelDir : `${options.modelDir}/`;
    try {
      const tokenizer = await AutoTokenizer.from_pretrained(model.hubId, { local_files_only: true });
      const network = await AutoModel.from_pretrained(model.hubId, {
        local_files_only: true,
        dtype: model.dtype,
        device: 'cpu',
        session_options: { intraOpNumThreads: options.threads, interOpNumThreads: 1 },
      });
      return new TransformersEmbedder(model, tokenizer, network, options.batchSize);
    } catch (error) {
      throw new AppError('model_missing', `Cannot load model ${model.id} from ${options.modelDir}: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    }
  }

  embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    const prefix = this.model.queryPrefix;
    return this.embed(prefix ? texts.map((text) => prefix + text) : texts);
  }

  embedPassages(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embed(texts);
  }

  countPassageTokens(text: string): number {
    const encoded = this.tokenizer(text, { truncation: true, max_length: this.model.maxTokens });
    return (encoded.input_ids as Tensor).dims.at(-1) ?? 0;
  }

  /** Embeds in batches of similar length (shortest first), so each batch carries little padding. */
  private async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const vectors = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += this.batchSize) {
      const slice = order.slice(start, start + this.batchSize);
      const batchVectors = await this.embedBatch(slice.map((i) => texts[i]!));
      slice.forEach((original, position) => (vectors[original] = batchVectors[position]!));
    }
    return vectors;
  }

  private async embedBatch(texts: string[]): Promise<Float32Array[]> {
    // Pad to the longest text of this batch only, and cut at the model's window.
    const inputs = this.tokenizer(texts, { padding: true, truncation: true, max_length: this.model.maxTokens });
    const output = (await this.network(inputs)) as { last_hidden_state: Tensor };
    const hidden = output.last_hidden_state;
    const [batch, tokens, dimension] = hidden.dims as [number, number, number];
    const vectors = poolAndNormalize(
      {
        data: hidden.data as Float32Array,
        batch,
        tokens,
        dimension,
        attentionMask: (inputs.attention_mask as Tensor).data as BigInt64Array,
      },
      this.model.pooling,
    );
    hidden.dispose();
    return vectors;
  }

  async dispose(): Promise<void> {
    await this.network.dispose();
  }
}
