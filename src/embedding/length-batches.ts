/**
 * What a model call costs beyond its rows, in padded tokens: tensor set-up, the session run and
 * pooling. Measured with MiniLM on 2 threads (bench/ on arXiv papers), a call of one title (about
 * 16 tokens with [CLS] and [SEP]) took as long as 31–43 tokens of a call of eight abstracts
 * padded to 256; rounded up, so that short texts still share calls. Used only when runs may hold
 * several texts (EMBED_BATCH_SIZE above 1).
 */
export const callOverheadTokens = 32;

/**
 * Where to cut texts sorted by token length (shortest first) into model calls of at most
 * `maxRows`: each call pads its rows to its longest, so a title in the call of an abstract costs
 * as much as a second abstract. Returns the end index (exclusive) of each call, chosen to
 * minimize the padded tokens plus each call's overhead (an exact split: lengths are sorted, so
 * calls are contiguous runs; n × maxRows steps).
 */
export function lengthBatches(sortedLengths: readonly number[], maxRows: number): number[] {
  const n = sortedLengths.length;
  const best = new Float64Array(n + 1);
  const cutAt = new Int32Array(n + 1);
  for (let end = 1; end <= n; end++) {
    best[end] = Number.POSITIVE_INFINITY;
    const longest = sortedLengths[end - 1]!;
    for (let start = Math.max(0, end - maxRows); start < end; start++) {
      const cost = best[start]! + callOverheadTokens + (end - start) * longest;
      if (cost < best[end]!) {
        best[end] = cost;
        cutAt[end] = start;
      }
    }
  }
  const ends: number[] = [];
  for (let end = n; end > 0; end = cutAt[end]!) ends.push(end);
  return ends.reverse();
}
