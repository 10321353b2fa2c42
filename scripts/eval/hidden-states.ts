import { Tensor, type PreTrainedModel } from '@huggingface/transformers';

/**
 * One model call over rows of token ids (special tokens included), padded to `length`: the last
 * hidden state (rows × length × dimension) and the attention mask that marks the real tokens.
 * For evaluation scripts that pool the hidden states themselves (the embedder tokenizes and pools
 * on its own).
 */
export async function hiddenStates(
  network: PreTrainedModel,
  rows: readonly (readonly number[])[],
  length: number,
): Promise<{ hidden: Float32Array; mask: BigInt64Array; dims: [number, number, number] }> {
  const ids = new BigInt64Array(rows.length * length);
  const mask = new BigInt64Array(rows.length * length);
  rows.forEach((row, r) =>
    row.forEach((id, column) => {
      ids[r * length + column] = BigInt(id);
      mask[r * length + column] = 1n;
    }),
  );
  const dims = [rows.length, length];
  const output = (await network({
    input_ids: new Tensor('int64', ids, dims),
    attention_mask: new Tensor('int64', mask, dims),
    token_type_ids: new Tensor('int64', new BigInt64Array(rows.length * length), dims),
  })) as { last_hidden_state: Tensor };
  // Copied out, so the tensor's memory is released now rather than when the collector finds it.
  const hidden = (output.last_hidden_state.data as Float32Array).slice();
  const shape = output.last_hidden_state.dims as [number, number, number];
  output.last_hidden_state.dispose();
  return { hidden, mask, dims: shape };
}
