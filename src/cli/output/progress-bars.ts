import cliProgress from 'cli-progress';
import { estimatedTotalPapers, type IngestionProgress, type ProgressReporter } from '../../ingest/progress.js';
import { painter, type StreamTraits } from './terminal.js';

/**
 * Ingestion's bar on a terminal, in papers embedded (not bytes read): papers/s is the average
 * since the first paper, and the total is estimated from the share of the input read so far
 * (`~`), so the ETA is the papers still to embed at the rate so far.
 */
export class PapersProgressBar implements ProgressReporter {
  private readonly bar: cliProgress.SingleBar;
  private readonly started = performance.now();
  private stopped = false;

  constructor(stderr: StreamTraits, label = 'embedding') {
    const paint = painter(stderr.color);
    this.bar = new cliProgress.SingleBar(
      {
        format: `${label} ${paint('cyan', '{bar}')} {percentage}% | {papers} papers | {rate} papers/s | ETA {eta_text}`,
        stream: process.stderr,
        hideCursor: true,
        barsize: 24,
        // Papers come in groups; between them the line need not be redrawn.
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(1, 0, { papers: '0', rate: '–', eta_text: '–' });
  }

  update(progress: IngestionProgress): void {
    const { indexed } = progress;
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? indexed / seconds : 0;
    // Readers run ahead of the papers read (a small file is read whole at once), so the estimate
    // stays an estimate until the summary line gives the count.
    const estimatedTotal = estimatedTotalPapers(progress) ?? indexed;
    const remaining = Math.max(0, estimatedTotal - indexed);
    this.bar.setTotal(Math.max(1, estimatedTotal));
    this.bar.update(indexed, {
      papers: `${indexed.toLocaleString('en')} / ~${estimatedTotal.toLocaleString('en')}`,
      rate: rate > 0 ? rate.toFixed(1) : '–',
      eta_text: rate > 0 ? formatDuration(remaining / rate) : '–',
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bar.stop();
  }
}

/** A download's bar on a terminal: megabytes, MB/s and the time left. */
export class DownloadProgressBar {
  private readonly bar: cliProgress.SingleBar;
  private readonly started = performance.now();
  private current: string | undefined;

  constructor(stderr: StreamTraits) {
    const paint = painter(stderr.color);
    this.bar = new cliProgress.SingleBar(
      {
        format: `{file} ${paint('cyan', '{bar}')} {percentage}% | {received} / {size} MB | {speed} MB/s | ETA {eta_text}`,
        stream: process.stderr,
        hideCursor: true,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(file: string, receivedBytes: number, totalBytes: number | undefined): void {
    const total = totalBytes ?? Math.max(receivedBytes, 1);
    const seconds = (performance.now() - this.started) / 1000;
    const speed = seconds > 0 ? receivedBytes / seconds : 0;
    const payload = {
      file,
      received: (receivedBytes / 1e6).toFixed(1),
      size: totalBytes === undefined ? '?' : (totalBytes / 1e6).toFixed(1),
      speed: (speed / 1e6).toFixed(1),
      eta_text: speed > 0 && totalBytes !== undefined ? formatDuration((totalBytes - receivedBytes) / speed) : '–',
    };
    if (this.current !== file) {
      if (this.current !== undefined) this.bar.stop();
      this.current = file;
      this.bar.start(total, receivedBytes, payload);
    } else {
      this.bar.setTotal(total);
      this.bar.update(receivedBytes, payload);
    }
  }

  stop(): void {
    if (this.current !== undefined) this.bar.stop();
    this.current = undefined;
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}
