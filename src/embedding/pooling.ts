import { normalize } from '../shared/vector-math.js';
import type { Pooling } from './model-registry.js';

/** Token embeddings of one batch as the model returns them: [batch, tokens, dimension], row-major. */
export interface TokenEmbeddings {
  data: Float32Array;
  batch: number;
  tokens: number;
  dimension: number;
  /** 1 for a real token, 0 for padding; [batch, tokens]. */
  attentionMask: ArrayLike<number | bigint>;
}

/**
 * Turns token embeddings into one unit-length vector per text: the mean of the real (unpadded)
 * tokens, or the first ([CLS]) token, as the model was trained. Unit length makes the inner
 * product of two vectors their cosine similarity.
 */
export function poolAndNormalize(embeddings: TokenEmbeddings, pooling: Pooling): Float32Array[] {
  const { data, batch, tokens, dimension, attentionMask } = embeddings;
  const vectors: Float32Array[] = [];
  for (let row = 0; row < batch; row++) {
    const vector = new Float32Array(dimension);
    const rowStart = row * tokens * dimension;
    if (pooling === 'cls') {
      vector.set(data.subarray(rowStart, rowStart + dimension));
    } else {
      let counted = 0;
      for (let token = 0; token < tokens; token++) {
        if (Number(attentionMask[row * tokens + token]) === 0) continue;
        counted++;
        const offset = rowStart + token * dimension;
        for (let d = 0; d < dimension; d++) vector[d]! += data[offset + d]!;
      }
      if (counted > 0) for (let d = 0; d < dimension; d++) vector[d]! /= counted;
    }
    vectors.push(normalize(vector));
  }
  return vectors;
}
