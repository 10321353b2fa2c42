import assert from 'node:assert/strict';
import type { StorageSettings } from '../../src/config/config.js';
import { connectWeaviate } from '../../src/storage/weaviate/weaviate-connection.js';

/** Removes an alias and the collection behind it (test clean-up; the product never drops a published collection). */
export async function dropCollection(settings: StorageSettings, alias: string): Promise<void> {
  const client = await connectWeaviate(settings);
  try {
    const target = (await client.alias.listAll())?.find((entry) => entry.alias === alias)?.collection;
    await client.alias.delete(alias).catch(() => undefined);
    if (target) await client.collections.delete(target);
  } finally {
    await client.close();
  }
}

/** Probes until `done` holds (every 250 ms), failing with the last value after `timeoutMs`: cluster states change on the health poll's clock. */
export async function waitFor<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
