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
