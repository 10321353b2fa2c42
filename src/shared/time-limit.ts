/** What withTimeout rejects with when the promise did not settle in time. */
export class TimedOut extends Error {}

/** `promise`, or a TimedOut rejection after `ms` (the promise itself runs on; its result is dropped). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
