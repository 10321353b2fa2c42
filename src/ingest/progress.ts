import type { Logger } from '../log.js';

/** How ingestion reports progress (a bar on a terminal is the command line's; see cli/output/progress-bars.ts). */
export interface ProgressReporter {
  /** Called after each group of papers is embedded: `indexed` papers so far, `fraction` the share of the input read (0..1). */
  update(indexed: number, fraction: number): void;
  stop(): void;
}

/** Progress as a log line every few seconds: for logs, pipes and containers. */
export class LogProgress implements ProgressReporter {
  private readonly started = performance.now();
  private lastLogged = performance.now();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 5_000,
  ) {}

  update(indexed: number, fraction: number): void {
    const now = performance.now();
    if (now - this.lastLogged < this.intervalMs) return;
    this.lastLogged = now;
    const seconds = (now - this.started) / 1000;
    const papersPerSecond = indexed / seconds;
    // Papers still to embed, estimated from the share of the input read so far, at the rate so far.
    const estimatedTotal = fraction > 0 ? indexed / fraction : null;
    const etaSeconds = estimatedTotal !== null && papersPerSecond > 0 ? Math.max(0, estimatedTotal - indexed) / papersPerSecond : null;
    this.log.info(
      {
        indexed,
        percent: Math.round(fraction * 1000) / 10,
        papersPerSecond: Math.round(papersPerSecond * 10) / 10,
        etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds),
      },
      'ingestion progress',
    );
  }

  stop(): void {}
}
