/**
 * Section 5, peers on the same vectors and machine: each library in its own process
 * (bench/workers/peer-run.ts) builds from the stored vectors and answers the recall section's
 * queries one at a time. Rounds interleave the peers, figures are medians over rounds. A peer
 * that cannot install or run here gets a row with the reason instead of figures.
 */
import { join } from 'node:path';
import { ensureChroma } from './lib/bench-packages.js';
import { runWorker } from './lib/child-result.js';
import type { BenchContext, SectionResult } from './lib/context.js';
import { medianOfRuns } from './lib/stats.js';
import { truthFile } from './recall.js';
import { peers } from './peers/catalog.js';

interface PeerRun {
  peer: string;
  method: string;
  buildMs: number;
  indexMemoryMiB: number;
  peakRssMiB: number;
  p50: number;
  p95: number;
  p99: number;
  qps: number;
  recall10: number;
}

export type PeerFigures = (PeerRun | { peer: string; error: string }) & { measuredAt?: string };

export interface PeerResult extends SectionResult {
  count: number;
  peers: PeerFigures[];
}

/**
 * `only` re-measures some peers; their rows replace those of `previous` (the last results), whose
 * other rows are kept, each row saying when it was measured.
 */
export async function measurePeers(context: BenchContext, only?: readonly string[], previous?: PeerResult): Promise<PeerResult> {
  const truth = truthFile(context);
  const chroma = ensureChroma();
  const keys = (only ?? Object.keys(peers)).filter((key) => key !== 'chroma' || chroma.ok);
  const runs = new Map<string, PeerRun[]>();
  const errors = new Map<string, string>();
  if (!chroma.ok) errors.set('chroma', `pip install chromadb failed: ${chroma.reason}`);
  for (let round = 0; round < context.repetitions; round++) {
    for (const key of keys.filter((candidate) => !errors.has(candidate))) {
      try {
        const run = await runWorker<PeerRun>('bench/workers/peer-run.ts', [
          '--peer',
          key,
          '--vectors',
          context.dataset.vectorsFile,
          '--truth',
          truth,
          '--work',
          join(context.cacheDir, 'tmp', `peer-${key}`),
        ]);
        runs.set(key, [...(runs.get(key) ?? []), run]);
        console.error(
          `peers: ${run.peer.padEnd(26)} build ${(run.buildMs / 1000).toFixed(1)} s, p50 ${run.p50.toFixed(3)} ms, recall@10 ${run.recall10.toFixed(4)}`,
        );
      } catch (error) {
        errors.set(key, (error as Error).message);
      }
    }
  }
  const measuredAt = new Date().toISOString();
  const figures: PeerFigures[] = Object.keys(peers).flatMap((key): PeerFigures[] => {
    const error = errors.get(key);
    if (error !== undefined) return [{ peer: peers[key]!.name, error, measuredAt }];
    const done = runs.get(key);
    if (!done) {
      const kept = previous?.peers.find((row) => row.peer === peers[key]!.name);
      return kept ? [{ ...kept, measuredAt: kept.measuredAt ?? previous!.measuredAt }] : [];
    }
    const { buildMs, indexMemoryMiB, peakRssMiB, p50, p95, p99, qps, recall10 } = medianOfRuns(
      done.map(({ buildMs, indexMemoryMiB, peakRssMiB, p50, p95, p99, qps, recall10 }) => ({
        buildMs,
        indexMemoryMiB,
        peakRssMiB,
        p50,
        p95,
        p99,
        qps,
        recall10,
      })),
    );
    return [{ peer: done[0]!.peer, method: done[0]!.method, buildMs, indexMemoryMiB, peakRssMiB, p50, p95, p99, qps, recall10, measuredAt }];
  });
  return {
    section: 'peers',
    measuredAt,
    notes: [
      ...(only && previous
        ? [
            `Re-measured ${only.join(', ')} at ${measuredAt.slice(0, 16)}; the other rows were measured at ${[...new Set(figures.filter((row) => row.measuredAt !== measuredAt).map((row) => row.measuredAt?.slice(0, 16)))].join(', ')}.`,
          ]
        : []),
      `${context.dataset.count} stored MiniLM vectors (384-d, unit length), inner product; queries are stored papers, k = 10 after removing the paper itself; ${context.repetitions} interleaved rounds, medians.`,
      "Latency is one query at a time in the library's process (Chroma: over HTTP from this process to its server). Index memory is the RSS the library added after building (Chroma: its server's whole RSS).",
    ],
    count: context.dataset.count,
    peers: figures,
  };
}
