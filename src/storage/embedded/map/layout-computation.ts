import { AppError } from '../../../errors.js';
import type { Logger } from '../../../log.js';
import type { LiveIndex } from '../live-index.js';
import { lineageOf } from '../manifest.js';
import type { TaskAnswer } from '../../../shared/worker-threads.js';
import { startFolderLayout, type FolderLayout, type LayoutThread } from './layout-thread.js';

interface Running {
  source: LiveIndex;
  startedAt: number;
  thread: LayoutThread<FolderLayout>;
}

/** After a failure, the computation is not retried before this long (the failure is answered meanwhile). */
const retryAfterFailureMs = 60_000;

/**
 * Computes the map layout of an index folder built without one (before layouts existed), in a
 * worker thread, one at a time; the map answers `map_building` until it is done. The layout is
 * then kept by the served index (and written into the next snapshot's folder).
 */
export class LayoutComputation {
  private running: Running | undefined;
  private failure: { at: number; message: string } | undefined;
  private closed = false;

  constructor(
    private readonly served: () => LiveIndex,
    private readonly log: Logger,
  ) {}

  /** Starts computing the layout of `index`'s folder unless it is under way, and throws what the map answers meanwhile. */
  requireLayout(index: LiveIndex): never {
    if (this.closed) throw new AppError('shutting_down', 'The service is shutting down.');
    if (this.failure && Date.now() - this.failure.at < retryAfterFailureMs) {
      throw new AppError('map_failed', `The map layout could not be computed: ${this.failure.message}`);
    }
    this.running ??= this.start(index);
    const elapsedSeconds = (Date.now() - this.running.startedAt) / 1000;
    const retryAfterSeconds = Math.max(1, Math.ceil(expectedSeconds(index.papers.size) - elapsedSeconds));
    throw new AppError(
      'map_building',
      `The map of this collection is being computed (a collection indexed before maps existed); ask again in ${retryAfterSeconds} s.`,
      {
        details: { retryAfterSeconds },
        retryAfterSeconds,
      },
    );
  }

  /** Stops a computation under way at its next step, and waits for its worker to end. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.running) return;
    await this.running.thread.stop();
  }

  private start(source: LiveIndex): Running {
    const startedAt = Date.now();
    const thread = startFolderLayout(source.folder);
    const finish = (answer: TaskAnswer<FolderLayout>) => {
      this.running = undefined;
      if (!answer.ok) {
        if (this.closed) return;
        this.failure = { at: Date.now(), message: answer.message };
        this.log.error({ message: answer.message }, 'the map layout could not be computed');
        return;
      }
      this.failure = undefined;
      const current = this.served();
      const read = (index: LiveIndex) => lineageOf(index.manifest) === answer.lineage && (index.manifest.walSeq ?? 0) === answer.walSeq;
      // The served index may have been replaced by a snapshot meanwhile: its papers then get the positions by id.
      const from = read(current) ? current : read(source) ? source : undefined;
      if (from) current.adoptLayout(answer.layout, from);
      this.log.info(
        { papers: answer.layout.x.length, method: answer.layout.method, ms: Date.now() - startedAt, applied: from !== undefined },
        'map layout computed',
      );
    };
    void thread.answer.then(finish);
    return { source, startedAt, thread };
  }
}

/** A rough time for a layout of `papers` papers on one core (UMAP on the landmarks, then placing the rest). */
function expectedSeconds(papers: number): number {
  return 5 + papers / 4_000;
}
