import { z } from 'zod';

/**
 * A whole number from `min` to `max`. A number out of range gets the one issue that says so:
 * zod's integer check also bounds numbers to the safe-integer range, and without stopping at the
 * range check `k: 1e20` would list that bound (9007199254740991) beside the real one.
 */
export function wholeNumber(min: number, max: number) {
  return z.number().min(min, { abort: true }).max(max, { abort: true }).int();
}
