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
