import type { Logger } from '../log.js';

/** How far an ingestion has got, after a group of papers is embedded. */
export interface IngestionProgress {
  /** Papers embedded and added to the index. */
  indexed: number;
  /** Papers read from the input and not rejected: the indexed ones, and those in the groups being embedded or collected. */
  papersRead: number;
  /** The share of the input's bytes read (0..1); its readers run ahead of the papers read. */
  inputShareRead: number;
}

/** How ingestion reports progress (a bar on a terminal is the command line's; see cli/output/progress-bars.ts). */
export interface ProgressReporter {
  /** Called after each group of papers is embedded. */
  update(progress: IngestionProgress): void;
  stop(): void;
}

/**
 * The input's papers in all, estimated from the share of it read so far; undefined before any of
 * it is read. Scaled from the papers read, not the ones embedded: those lag a group or two behind
 * the bytes read, and an estimate from them put the total at half of a 5,000-paper input and
 * called 256 of 600 papers 98% done.
 */
export function estimatedTotalPapers(progress: IngestionProgress): number | undefined {
  if (progress.inputShareRead <= 0) return undefined;
  return Math.max(progress.indexed, Math.round(progress.papersRead / progress.inputShareRead));
}

/** Progress as a log line every few seconds: for logs, pipes and containers. */
export class LogProgress implements ProgressReporter {
  private readonly started = performance.now();
  private lastLogged = performance.now();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 5_000,
  ) {}

  update(progress: IngestionProgress): void {
    const now = performance.now();
    if (now - this.lastLogged < this.intervalMs) return;
    this.lastLogged = now;
    const seconds = (now - this.started) / 1000;
    const { indexed, inputShareRead } = progress;
    const papersPerSecond = indexed / seconds;
    // Papers still to embed, at the rate so far.
    const estimatedTotal = estimatedTotalPapers(progress);
    const etaSeconds = estimatedTotal !== undefined && papersPerSecond > 0 ? Math.max(0, estimatedTotal - indexed) / papersPerSecond : null;
    this.log.info(
      {
        indexed,
        percent: Math.round(inputShareRead * 1000) / 10,
        papersPerSecond: Math.round(papersPerSecond * 10) / 10,
        etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds),
      },
      'ingestion progress',
    );
  }

  stop(): void {}
}
