/** Milliseconds since `started` (a performance.now() reading), to the microsecond: the `took_ms` of responses. */
export function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
