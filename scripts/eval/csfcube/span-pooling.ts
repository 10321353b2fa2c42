import { normalize } from '../../../src/shared/vector-math.js';

/** A run of token positions [start, end) in one model input, e.g. one sentence of an abstract. */
export interface TokenSpan {
  start: number;
  end: number;
}

/**
 * One unit vector per span: the mean of the span's contextual token embeddings. Run once over a
 * whole title and abstract, the model sees every sentence in its context, and each sentence's
 * vector comes from the same pass that gives the paper its vector (for a mean-pooled model the
 * paper vector is the token-weighted mean of its spans plus the special tokens). A span that is
 * empty or lies past the tokens gets undefined.
 *
 * `hidden` holds one input's token embeddings, row-major [tokens, dimension].
 */
export function poolSpans(hidden: Float32Array, dimension: number, spans: readonly TokenSpan[]): (Float32Array | undefined)[] {
  const tokens = Math.floor(hidden.length / dimension);
  return spans.map(({ start, end }) => {
    const from = Math.max(0, start);
    const to = Math.min(end, tokens);
    if (to <= from) return undefined;
    const vector = new Float32Array(dimension);
    for (let token = from; token < to; token++) {
      const offset = token * dimension;
      for (let d = 0; d < dimension; d++) vector[d]! += hidden[offset + d]!;
    }
    return normalize(vector);
  });
}

/**
 * The token spans of consecutive pieces of text (title, then each sentence) laid out after
 * `firstPosition` (1: after [CLS]), each piece's tokens following the previous one's, as a
 * WordPiece tokenizer splits at white space first and so tokenizes joined pieces as the pieces
 * one after another. Pieces past `limit` tokens are cut (or left empty).
 */
export function layOutSpans(pieceLengths: readonly number[], firstPosition: number, limit: number): TokenSpan[] {
  let position = firstPosition;
  return pieceLengths.map((length) => {
    const start = Math.min(position, firstPosition + limit);
    position += length;
    return { start, end: Math.min(position, firstPosition + limit) };
  });
}
