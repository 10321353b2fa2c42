import type { Dataset } from './dataset.js';

/** What every section is handed by bench/run.ts. */
export interface BenchContext {
  quick: boolean;
  cacheDir: string;
  dataFile: string;
  /** The index (and stored vectors) the index, HTTP, recall and peer sections use. */
  dataset: Dataset;
  /** Repeated runs per figure; the reported figure is their median. */
  repetitions: number;
}

/** A section's output: saved as bench/results/<section>.json and rendered by bench/report.ts. */
export interface SectionResult {
  section: string;
  measuredAt: string;
  notes: string[];
  /** 1-minute load average before and after the section (set by run.ts): others' work shows here. */
  loadAverage?: number[];
  /** The product's commit when the section ran (set by run.ts); "+dirty" if src/ had changes. */
  commit?: string;
}
