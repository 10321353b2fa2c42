import type { PaperChange } from '../paper-storage.js';
import { paperUuid, toProperties, type PaperCollection, type PaperObject, type StoredPaperObject } from './paper-object.js';

/**
 * Writes of at most this many objects are sent one object per request, in parallel: a batch of
 * two or more objects costs about half a second on the server whatever its size, one object a
 * few milliseconds.
 */
const parallelWriteLimit = 16;

/** A commit's puts and deletes as Weaviate requests, and the writing back of what a failed commit replaced. */
export class PaperWrites {
  private lastWriteOrder = 0;

  constructor(private readonly collection: PaperCollection) {}

  async apply(changes: readonly PaperChange[]): Promise<void> {
    const puts = changes.flatMap((change) =>
      change.op === 'put'
        ? [{ id: paperUuid(change.paper.id), properties: toProperties(change.paper, this.nextWriteOrder()), vectors: Array.from(change.vector) }]
        : [],
    );
    const deletes = changes.flatMap((change) => (change.op === 'delete' ? [paperUuid(change.id)] : []));
    await Promise.all([this.insert(puts), this.delete(deletes)]);
  }

  /** Writes back what was read of `ids` before a failed commit: papers that were absent are deleted. */
  async restore(ids: readonly string[], before: readonly StoredPaperObject[]): Promise<void> {
    const present = new Set(before.map((object) => object.properties.paper_id));
    await Promise.all([
      this.insert(before.map((object) => ({ id: object.uuid, properties: object.properties, vectors: object.vectors.default as number[] }))),
      this.delete(ids.filter((id) => !present.has(id)).map(paperUuid)),
    ]);
  }

  private async insert(objects: PaperObject[]): Promise<void> {
    if (objects.length === 0) return;
    const batches = objects.length <= parallelWriteLimit ? objects.map((object) => [object]) : [objects];
    const results = await Promise.all(batches.map((batch) => this.collection.data.insertMany(batch)));
    const errors = results.flatMap((result) => Object.values(result.errors));
    if (errors.length > 0) throw new Error(`${errors.length} of ${objects.length} papers were not stored (${errors[0]!.message})`);
  }

  private async delete(uuids: readonly string[]): Promise<void> {
    if (uuids.length === 0) return;
    const result = await this.collection.data.deleteMany(this.collection.filter.byId().containsAny([...uuids]));
    if (result.failed > 0) throw new Error(`${result.failed} of ${result.matches} papers could not be deleted`);
  }

  /** Later writes order after earlier ones and after every ingested paper (numbered by position). */
  private nextWriteOrder(): number {
    this.lastWriteOrder = Math.max(Date.now() * 1_000, this.lastWriteOrder + 1);
    return this.lastWriteOrder;
  }
}
