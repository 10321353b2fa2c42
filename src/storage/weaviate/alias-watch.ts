import type { WeaviateClient } from 'weaviate-client';
import type { ModelDescription } from '../../embedding/model-registry.js';
import { AppError, isAppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { assertMetadataMatchesModel, decodeMetadata, type CollectionMetadata } from './collection-schema.js';
import { isNotFoundAnswer } from './engine-errors.js';

/** A build an alias names: its metadata, and the collection's own name. */
export type ServedBuild = CollectionMetadata & { collection: string };

/** The metadata of the collection an alias names (refused if the alias names none). */
export async function readAliasMetadata(client: WeaviateClient, alias: string): Promise<ServedBuild> {
  const config = await client.collections
    .get(alias)
    .config.get()
    .catch((error: unknown) => {
      throw new AppError(
        'index_missing',
        `No Weaviate collection under the alias ${alias}: ${(error as Error).message}. Build one with npm run ingest (BACKEND=weaviate).`,
        { cause: error },
      );
    });
  return { ...decodeMetadata(config.description, alias), collection: config.name };
}

/**
 * Follows the alias the service reads and writes through, which ingestion points at each new
 * build while servers run. A build made with the server's model is simply served from then on
 * (its metadata taken up); one made with another model would give meaningless cosines and have
 * this server store vectors of the wrong model in it, so `refusal` then says why every request
 * is refused until the server is restarted with that model.
 */
export class AliasWatch {
  private current: ServedBuild;
  private mismatch: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Reads started and applied: a read that finishes after a later one is not applied over it. */
  private readsStarted = 0;
  private lastApplied = 0;

  constructor(
    private readonly client: WeaviateClient,
    private readonly options: { alias: string; model: ModelDescription; intervalMs: number; log: Logger },
    served: ServedBuild,
  ) {
    this.current = served;
  }

  /** The build being served. */
  get metadata(): ServedBuild {
    return this.current;
  }

  /** Why requests are refused (the alias now names a build of another model, or no collection), if they are. */
  get refusal(): string | undefined {
    return this.mismatch;
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /**
   * Reads the alias's build now; resolves once it is taken up or refused, or after `timeoutMs`
   * with nothing changed (the read, still under way, is applied if it is the latest when it ends).
   */
  async check({ timeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    const applied = this.readAndApply();
    if (timeoutMs === undefined) return applied;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([applied, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private async readAndApply(): Promise<void> {
    const read = ++this.readsStarted;
    let latest: ServedBuild;
    try {
      latest = await readAliasMetadata(this.client, this.options.alias);
    } catch (error) {
      // An alias the cluster cannot read now is the cluster's health to report, not a new build. One
      // Weaviate answers names no collection (the collection or the alias was deleted) is refused:
      // every request would fail while /readyz said ready. One naming a collection of another
      // format, or not paper-search's, is refused like another model.
      if ((isAppError(error) && error.code === 'index_missing' && !isNotFoundAnswer(error.cause)) || read < this.lastApplied) return;
      this.lastApplied = read;
      this.refuse(error, "It is served again as soon as the alias names a build of this server's model.");
      return;
    }
    // Overlapping reads (the poll's and a write's) are applied in the order they started.
    if (read < this.lastApplied) return;
    this.lastApplied = read;
    if (latest.createdAt === this.current.createdAt && this.mismatch === undefined) return;
    try {
      assertMetadataMatchesModel(latest, this.options.model, this.options.alias);
    } catch (error) {
      this.refuse(error, 'Restart this server on the manifest.json the rebuild wrote (it names that model), or point the alias back.');
      return;
    }
    this.options.log.info({ alias: this.options.alias, createdAt: latest.createdAt }, 'the alias names a new build; serving it');
    this.current = latest;
    this.mismatch = undefined;
  }

  private refuse(error: unknown, remedy: string): void {
    if (this.mismatch === undefined) this.options.log.error({ err: error }, 'the alias no longer names a build this server can serve; refusing requests');
    // The cause may end in a command (the rebuild's), without a full stop to end its sentence.
    const cause = (error as Error).message.replace(/(?<![.!?])$/, '.');
    this.mismatch = `${cause} ${remedy}`;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check().finally(() => this.schedule()), this.options.intervalMs);
    this.timer.unref();
  }
}
