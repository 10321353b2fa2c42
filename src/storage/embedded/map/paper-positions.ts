import { turnsEvery } from '../../../shared/event-loop-turns.js';
import type { PaperStore } from '../paper-store.js';
import type { VectorIndex } from '../vector-index.js';
import { defaultLayoutSettings, positionAmong, type LayoutMethod, type MapLayout } from './map-layout.js';

/** Milliseconds of papers placed per turn of the event loop (see placeMissing). */
const placeTurnMs = 10;

/**
 * The map position of every label of a served index: the folder's layout, and papers written
 * since placed among their nearest placed neighbours the first time the map is asked for (then
 * kept). Unplaced labels are NaN.
 */
export class PaperPositions {
  private constructor(
    readonly method: LayoutMethod,
    readonly builtAt: string,
    private x: Float32Array,
    private y: Float32Array,
  ) {}

  static fromLayout(layout: MapLayout): PaperPositions {
    return new PaperPositions(layout.method, layout.builtAt, Float32Array.from(layout.x), Float32Array.from(layout.y));
  }

  /**
   * Positions for the labels below `count` of `to`, taken from `previous` (positions of `from`)
   * by paper id: a snapshot's folder holds the same papers renumbered. A label whose paper
   * changed since is tombstoned by the writes replayed on it, so what it carries is never shown.
   */
  static carried(previous: PaperPositions, from: PaperStore, to: PaperStore, count: number): PaperPositions {
    const positions = new PaperPositions(previous.method, previous.builtAt, new Float32Array(count).fill(NaN), new Float32Array(count).fill(NaN));
    for (let label = 0; label < count; label++) {
      const old = from.labelOfId(to.idOf(label));
      const point = old === undefined ? undefined : previous.pointOf(old);
      if (point) positions.set(label, point.x, point.y);
    }
    return positions;
  }

  pointOf(label: number): { x: number; y: number } | undefined {
    const x = this.x[label];
    return x === undefined || Number.isNaN(x) ? undefined : { x, y: this.y[label]! };
  }

  /** The positions of the labels below `count` (NaN where none), as a layout. */
  layoutOf(count: number): MapLayout {
    const slice = (values: Float32Array) => {
      const copy = new Float32Array(count).fill(NaN);
      copy.set(values.subarray(0, Math.min(count, values.length)));
      return copy;
    };
    return { method: this.method, builtAt: this.builtAt, x: slice(this.x), y: slice(this.y) };
  }

  /**
   * Places every live paper without a position among its nearest placed neighbours (see
   * positionAmong), in label order; one with none placed goes to the centre. Returns how many.
   * A graph search each (about a millisecond at 75,000 papers): the map asked for after a write of
   * 1,000 papers held every request 1 s placing them in one piece, so the event loop takes a turn
   * every placeTurnMs, and papers written meanwhile are placed too. Nothing waits once the last
   * label is checked, so a caller that reads the positions straight after finds every live paper
   * placed.
   */
  async placeMissing(papers: PaperStore, vectors: VectorIndex): Promise<number> {
    const placed = (label: number) => this.pointOf(label) !== undefined;
    const turn = turnsEvery(placeTurnMs);
    let count = 0;
    for (let label = 0; label < papers.size; label++) {
      if (!papers.isLive(label) || placed(label)) continue;
      await turn();
      // Deleted or replaced by a write applied during the turn.
      if (!papers.isLive(label)) continue;
      const neighbours = vectors.searchNear(label, defaultLayoutSettings.placementNeighbours, new Set(), placed);
      const point = positionAmong(neighbours.map(({ label: neighbour, score }) => ({ score, ...this.pointOf(neighbour)! }))) ?? { x: 0, y: 0 };
      this.set(label, point.x, point.y);
      count++;
    }
    return count;
  }

  private set(label: number, x: number, y: number): void {
    if (label >= this.x.length) {
      const size = Math.max(label + 1, this.x.length * 2, 1024);
      this.x = grown(this.x, size);
      this.y = grown(this.y, size);
    }
    this.x[label] = x;
    this.y[label] = y;
  }
}

function grown(values: Float32Array, size: number): Float32Array {
  const copy = new Float32Array(size).fill(NaN);
  copy.set(values);
  return copy;
}
