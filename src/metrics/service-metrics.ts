import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { modelRefusals, type SchedulerObserver } from '../embedding/embed-scheduler.js';
import type { PaperStorage } from '../storage/paper-storage.js';

/** What the storage metrics read when scraped: the storage being served, once there is one. */
export type StorageSource = () => PaperStorage | undefined;

type StorageStats = Awaited<ReturnType<PaperStorage['stats']>>;

/** How long a scrape waits for the storage's figures before answering without them. */
const storageStatsTimeoutMs = 2_000;

/**
 * The storage's figures for the gauges of one scrape: read once however many gauges ask, not at
 * all while the storage is down, and given up after a bound, so that /metrics answers (with
 * `paper_search_storage_up 0`) when the storage does not.
 */
function statsOncePerScrape(storage: StorageSource): () => Promise<StorageStats | undefined> {
  // The gauges of a scrape are collected together: they share the read in flight.
  let inFlight: Promise<StorageStats | undefined> | undefined;
  return () => {
    const served = storage();
    if (!served || served.health().status === 'down') return Promise.resolve(undefined);
    if (inFlight === undefined) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), storageStatsTimeoutMs)));
      inFlight = Promise.race([served.stats().catch(() => undefined), timeout]).finally(() => {
        clearTimeout(timer);
        inFlight = undefined;
      });
    }
    return inFlight;
  };
}

/** What the model queue metrics read when scraped. */
export type ModelQueueSource = () => { texts: number; tokens: number; tokensPerSecond: number } | undefined;

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Every metric the service exposes at /metrics, in Prometheus naming (base units, `_total`
 * counters, bounded label values: route templates, never raw paths or ids). Each is documented
 * in docs/operations.md. Process metrics (memory, CPU, event-loop lag, GC) are prom-client's
 * defaults under their usual names.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly requestSeconds: Histogram<'route' | 'method'>;
  private readonly queueWaitSeconds: Histogram;
  private readonly batchTexts: Histogram;
  private readonly batchSeconds: Histogram;
  private readonly refusals: Counter<'reason'>;
  private readonly rateLimited: Counter;
  private readonly droppedConnections: Counter;

  constructor(storage: StorageSource, modelQueue: ModelQueueSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'paper_search_http_requests_total',
      help: 'HTTP requests answered, by route template, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'paper_search_http_request_duration_seconds',
      help: 'Time from a request to its answer, by route template and method.',
      labelNames: ['route', 'method'],
      buckets: latencyBuckets,
      registers,
    });
    this.queueWaitSeconds = new Histogram({
      name: 'paper_search_model_queue_wait_seconds',
      help: 'Time a text waited for its model call.',
      buckets: latencyBuckets,
      registers,
    });
    this.batchTexts = new Histogram({
      name: 'paper_search_model_batch_texts',
      help: 'Texts per model call.',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'paper_search_model_batch_duration_seconds',
      help: 'Duration of a model call.',
      buckets: latencyBuckets,
      registers,
    });
    this.refusals = new Counter({
      name: 'paper_search_model_refusals_total',
      help: 'Model calls refused overloaded (a 503, or an MCP tool error): the model queue was full, or they could not be answered before their deadline.',
      labelNames: ['reason'],
      registers,
    });
    // Every reason at 0 from the start: an alert on a rising count, or increase(), sees the first refusal.
    for (const reason of modelRefusals) this.refusals.inc({ reason }, 0);
    this.rateLimited = new Counter({ name: 'paper_search_rate_limited_total', help: 'Requests answered 429 by the rate limit.', registers });
    this.droppedConnections = new Counter({
      name: 'paper_search_connections_dropped_total',
      help: 'Connections closed because the server held MAX_CONNECTIONS: an older one to make room for a newcomer, or the newcomer.',
      registers,
    });

    const queueGauge = (name: string, help: string, read: (queue: NonNullable<ReturnType<ModelQueueSource>>) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const queue = modelQueue();
          if (queue) this.set(read(queue));
        },
      });
    queueGauge('paper_search_model_queue_texts', 'Texts waiting for the model.', (queue) => queue.texts);
    queueGauge('paper_search_model_queue_tokens', 'Estimated tokens waiting for the model.', (queue) => queue.tokens);
    queueGauge(
      'paper_search_model_tokens_per_second',
      "The model's measured rate, which sets how much queued work is admitted.",
      (queue) => queue.tokensPerSecond,
    );

    const scrapeStats = statsOncePerScrape(storage);
    const storageGauge = (name: string, help: string, read: (stats: StorageStats) => number | undefined) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          const stats = await scrapeStats();
          const value = stats && read(stats);
          if (value !== undefined) this.set(value);
        },
      });
    storageGauge('paper_search_papers', 'Papers being served.', (stats) => stats.papers);
    storageGauge('paper_search_tombstones', 'Deleted or replaced papers not yet purged by a snapshot.', (stats) => stats.deleted);
    storageGauge('paper_search_pending_writes', 'Logged write operations not yet folded into a snapshot.', (stats) => stats.pending);
    storageGauge('paper_search_write_log_bytes', 'Bytes in the write-ahead log.', (stats) => stats.logBytes);
    storageGauge('paper_search_snapshot_age_seconds', 'Seconds since the index folder was last written (by ingestion or a snapshot).', (stats) => {
      const writtenAt = Date.parse(stats.index.snapshotAt ?? stats.index.createdAt);
      return Number.isNaN(writtenAt) ? undefined : (Date.now() - writtenAt) / 1000;
    });
    storageGauge('paper_search_snapshot_duration_seconds', 'Duration of the last snapshot of this process.', (stats) =>
      stats.snapshots.lastSnapshotMs === null ? undefined : stats.snapshots.lastSnapshotMs / 1000,
    );
    storageGauge('paper_search_snapshot_failing', '1 while the last snapshot failed (the log keeps every write; it is retried).', (stats) =>
      stats.snapshots.lastSnapshotError === null ? 0 : 1,
    );
    new Gauge({
      name: 'paper_search_storage_up',
      help: 'Storage health: 1 ok, 0.5 degraded (answering with part of it down), 0 down; absent before the storage is open.',
      registers,
      collect() {
        const health = storage()?.health();
        if (health) this.set(health.status === 'ok' ? 1 : health.status === 'degraded' ? 0.5 : 0);
      },
    });
  }

  /** What the model's scheduler reports, into these metrics. */
  get schedulerObserver(): SchedulerObserver {
    return {
      waited: (seconds) => this.queueWaitSeconds.observe(seconds),
      batchDone: (texts, _tokens, seconds) => {
        this.batchTexts.observe(texts);
        this.batchSeconds.observe(seconds);
      },
      refused: (reason) => this.refusals.inc({ reason }),
    };
  }

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ route, method, status: String(status) });
    this.requestSeconds.observe({ route, method }, seconds);
  }

  /**
   * An answer given before a request reached the app (Node's parser refused it, a CONNECT, an
   * Expect the server does not meet): counted under the route `unparsed`, with no duration, as
   * the request never started.
   */
  countAnswerOutsideApp(method: string, status: number): void {
    this.requests.inc({ route: 'unparsed', method, status: String(status) });
  }

  countRateLimited(): void {
    this.rateLimited.inc();
  }

  countDroppedConnection(): void {
    this.droppedConnections.inc();
  }
}
