/**
 * Splits a token sequence longer than the model's window into overlapping windows, so text past
 * the window still counts. Windows advance by `stride` tokens; the last one is aligned to the end
 * of the text so no tail is lost and no window is shorter than the others.
 */
export function tokenWindows(ids: readonly number[], size: number, stride: number): number[][] {
  if (size <= 0 || stride <= 0) throw new RangeError('window size and stride must be positive');
  if (ids.length <= size) return [ids.slice()];
  const windows: number[][] = [];
  let start = 0;
  for (; start + size < ids.length; start += stride) windows.push(ids.slice(start, start + size));
  windows.push(ids.slice(ids.length - size));
  return windows;
}

/** The unit-length mean of several unit vectors (the text's windows), weighted equally. */
export function meanOfVectors(vectors: readonly Float32Array[]): Float32Array {
  const dimension = vectors[0]?.length ?? 0;
  const mean = new Float32Array(dimension);
  for (const vector of vectors) for (let d = 0; d < dimension; d++) mean[d]! += vector[d]!;
  let norm = 0;
  for (let d = 0; d < dimension; d++) norm += mean[d]! * mean[d]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let d = 0; d < dimension; d++) mean[d]! /= norm;
  return mean;
}
