import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WeaviateClient } from 'weaviate-client';
import type { ModelDescription } from '../../embedding/model-registry.js';
import { AppError } from '../../errors.js';
import type { Paper } from '../../papers/paper.js';
import type { BuildSource, BuiltCollection, CollectionBuilder } from '../paper-storage.js';
import { writeCollectionPointer } from './collection-pointer.js';
import { assertReplaceable } from '../index-target.js';
import { settleIndexFolder } from '../interrupted-swap.js';
import { collectionFormatVersion, createPaperCollection, decodeMetadata, encodeMetadata, type CollectionMetadata } from './collection-schema.js';
import { describeModel } from '../model-summary.js';
import { paperUuid, toProperties, type PaperCollection, type PaperObject, type PaperProperties } from './paper-object.js';
import { connectWeaviate, type WeaviateSettings } from './weaviate-connection.js';

/** Papers sent to Weaviate per batch, and batches in flight at once while embedding goes on. */
const batchSize = 200;
const batchesInFlight = 2;
/** A batch's failed objects are sent again this many times (ids are deterministic: retries are idempotent). */
const retries = 3;

/**
 * Builds a new Weaviate collection and publishes it by switching the alias to it: readers keep
 * the previous collection until `finish`, then see the new one whole. The previous collection is
 * dropped after the switch; the index folder is replaced by one naming the alias and collection.
 */
export class WeaviateCollectionBuilder implements CollectionBuilder {
  private added = 0;
  private pending: PaperObject[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  private constructor(
    private readonly client: WeaviateClient,
    private readonly target: string,
    private readonly alias: string,
    private readonly name: string,
    private readonly metadata: CollectionMetadata,
    private readonly settings: WeaviateSettings,
  ) {}

  static async create(target: string, model: ModelDescription, settings: WeaviateSettings): Promise<WeaviateCollectionBuilder> {
    // An embedded index a crash left set aside is put back first, to be kept as the folder's previous index like any other.
    await settleIndexFolder(target, undefined);
    await assertReplaceable(target);
    const client = await connectWeaviate(settings);
    try {
      const alias = settings.WEAVIATE_COLLECTION;
      const aliases = (await client.alias.listAll()) ?? [];
      if (!aliases.some((entry) => entry.alias === alias) && (await client.collections.exists(alias))) {
        throw new AppError(
          'config_invalid',
          `Weaviate has a collection named ${alias}, so it cannot be the alias paper-search publishes under; choose another WEAVIATE_COLLECTION.`,
        );
      }
      const createdAt = new Date().toISOString();
      const name = `${alias}_${createdAt.replace(/\D/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
      const metadata: CollectionMetadata = {
        format: 'paper-search-collection',
        formatVersion: collectionFormatVersion,
        model: describeModel(model),
        createdAt,
      };
      await createPaperCollection(client, name, metadata, {
        shards: settings.WEAVIATE_SHARDS,
        replicationFactor: settings.WEAVIATE_REPLICATION_FACTOR,
        efSearch: settings.HNSW_EF_SEARCH,
      });
      return new WeaviateCollectionBuilder(client, target, alias, name, metadata, settings);
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  get size(): number {
    return this.added;
  }

  async add(paper: Paper, vector: Float32Array): Promise<void> {
    if (this.failure) throw this.failure;
    // Ingestion numbers papers by position; later writes order after them (see PaperProperties.write_order).
    this.pending.push({ id: paperUuid(paper.id), properties: toProperties(paper, this.added), vectors: Array.from(vector) });
    this.added++;
    if (this.pending.length >= batchSize) await this.send();
  }

  async finish(source: BuildSource): Promise<BuiltCollection> {
    try {
      await this.send();
      await Promise.all(this.inFlight);
      if (this.failure) throw this.failure;
      const collection = this.collection();
      const { totalCount } = await collection.aggregate.overAll();
      if (totalCount !== this.added) {
        throw new AppError(
          'write_failed',
          `The new Weaviate collection ${this.name} holds ${totalCount} papers, not the ${this.added} added; it was not published.`,
        );
      }
      const metadata: CollectionMetadata = { ...this.metadata, source, count: this.added };
      await collection.config.update({ description: encodeMetadata(metadata) });
      const previous = await this.publish();
      const keptEmbeddedIndex = await writeCollectionPointer(this.target, {
        alias: this.alias,
        collection: this.name,
        model: { id: metadata.model.id, longPassages: metadata.model.longPassages, titleWeight: metadata.model.titleWeight },
        createdAt: metadata.createdAt,
        count: this.added,
      });
      const built = { model: metadata.model, count: this.added, ...(keptEmbeddedIndex === undefined ? {} : { keptEmbeddedIndex }) };
      if (previous === undefined || previous === this.name) return built;
      // An alias left naming a collection deleted behind it: nothing to keep or drop.
      if (!(await this.client.collections.exists(previous))) return built;
      // Readers and writers follow the alias, so nothing uses the previous collection any more;
      // but writes it took after its build are in no input file: it is kept for them.
      const writes = await writesAfterBuild(this.client.collections.get<PaperProperties>(previous));
      if (writes > 0) return { ...built, keptPrevious: { collection: previous, writes } };
      await this.client.collections.delete(previous);
      return built;
    } finally {
      await this.client.close();
    }
  }

  async abort(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    try {
      const target = (await this.client.alias.listAll())?.find((entry) => entry.alias === this.alias)?.collection;
      if (target !== this.name) await this.client.collections.delete(this.name);
    } finally {
      await this.client.close();
    }
  }

  /** Points the alias at the new collection (creating it the first time); returns what it named before. */
  private async publish(): Promise<string | undefined> {
    const existing = (await this.client.alias.listAll())?.find((entry) => entry.alias === this.alias);
    if (existing) await this.client.alias.update({ alias: this.alias, newTargetCollection: this.name });
    else await this.client.alias.create({ alias: this.alias, collection: this.name });
    return existing?.collection;
  }

  private collection() {
    return this.client.collections.get<PaperProperties>(this.name).withConsistency(this.settings.WEAVIATE_CONSISTENCY);
  }

  /** Sends the pending papers as one batch, waiting first if enough batches are in flight. */
  private async send(): Promise<void> {
    if (this.pending.length === 0) return;
    while (this.inFlight.size >= batchesInFlight) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    const batch = this.pending;
    this.pending = [];
    const sending: Promise<void> = this.insertWithRetries(batch)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private async insertWithRetries(batch: PaperObject[]): Promise<void> {
    let remaining = batch;
    for (let attempt = 0; ; attempt++) {
      let message: string;
      try {
        const result = await this.collection().data.insertMany(remaining);
        if (!result.hasErrors) return;
        const failed = Object.keys(result.errors).map(Number);
        message = result.errors[failed[0]!]!.message;
        remaining = failed.map((index) => remaining[index]!);
      } catch (error) {
        message = (error as Error).message;
      }
      if (attempt >= retries) {
        throw new AppError('write_failed', `${remaining.length} papers could not be stored in Weaviate after ${retries + 1} attempts: ${message}`);
      }
    }
  }
}

/**
 * About how many papers were written to (or deleted from) a collection after ingestion built it:
 * written papers carry a write order of at least the build's count (a time in microseconds), and
 * deletes leave fewer papers than the build recorded. Waits a moment first, for a write that
 * began before the alias moved.
 */
async function writesAfterBuild(collection: PaperCollection): Promise<number> {
  await sleep(1_000);
  // A build that did not record its count (an older format) is taken as written to: kept, never lost.
  const built = decodeMetadata((await collection.config.get()).description, collection.name).count ?? 0;
  const [{ totalCount }, written] = await Promise.all([
    collection.aggregate.overAll(),
    collection.aggregate.overAll({ filters: collection.filter.byProperty('write_order').greaterOrEqual(built) }),
  ]);
  return written.totalCount + Math.max(0, built - totalCount);
}
