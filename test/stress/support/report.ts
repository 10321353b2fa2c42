import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../integration/helpers.js';

/** Where each stress test writes its figures (JSON and the printed table), one file per test. */
export const resultsDir = join(repoRoot, 'stress-results');

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

/** A plain-text table, columns padded. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** The machine's load when a figure was taken: timings on a shared two-core machine mean little without it. */
export function machineLoad(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** Prints a report (the test runner shows it) and keeps it, with its figures, under stress-results/. */
export async function report(name: string, text: string, figures: unknown): Promise<void> {
  const stamped = `${text}\nload average (1, 5, 15 min): ${machineLoad()}`;
  console.log(`\n[${name}]\n${stamped}\n`);
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, `${name}.txt`), `${stamped}\n`);
  await writeFile(join(resultsDir, `${name}.json`), `${JSON.stringify({ name, at: new Date().toISOString(), loadavg: machineLoad(), figures }, null, 2)}\n`);
}
