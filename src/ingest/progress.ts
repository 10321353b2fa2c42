import cliProgress from 'cli-progress';
import type { Logger } from '../log.js';

/** How ingestion reports progress: a bar on a terminal, periodic log lines otherwise. */
export interface ProgressReporter {
  /** `fraction` is the share of the input file read so far (0..1). */
  update(indexed: number, fraction: number): void;
  stop(): void;
}

export function createProgressReporter(log: Logger, interactive: boolean): ProgressReporter {
  return interactive ? new TerminalProgress() : new LogProgress(log);
}

class TerminalProgress implements ProgressReporter {
  private readonly bar = new cliProgress.SingleBar(
    {
      format: 'ingesting [{bar}] {percentage}% | {indexed} papers | {rate} papers/s | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  private readonly started = performance.now();

  constructor() {
    this.bar.start(1000, 0, { indexed: 0, rate: '0' });
  }

  update(indexed: number, fraction: number): void {
    const seconds = (performance.now() - this.started) / 1000;
    this.bar.update(Math.round(fraction * 1000), { indexed, rate: seconds > 0 ? (indexed / seconds).toFixed(1) : '0' });
  }

  stop(): void {
    this.bar.stop();
  }
}

class LogProgress implements ProgressReporter {
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
    const etaSeconds = fraction > 0 ? (seconds / fraction) * (1 - fraction) : null;
    this.log.info(
      {
        indexed,
        percent: Math.round(fraction * 1000) / 10,
        papersPerSecond: Math.round((indexed / seconds) * 10) / 10,
        etaSeconds: etaSeconds && Math.round(etaSeconds),
      },
      'ingestion progress',
    );
  }

  stop(): void {}
}
