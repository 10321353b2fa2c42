/**
 * A uniform grid over the points' bounds, for finding the point under the pointer among 75,000
 * without scanning them all: each cell lists its points (compressed rows).
 */
export class PointGrid {
  private readonly starts: Uint32Array;
  private readonly members: Uint32Array;
  readonly minX: number;
  readonly minY: number;
  private readonly cellWidth: number;
  private readonly cellHeight: number;

  constructor(
    private readonly x: Float32Array,
    private readonly y: Float32Array,
    private readonly cells = 128,
  ) {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < x.length; i++) {
      minX = Math.min(minX, x[i]!);
      maxX = Math.max(maxX, x[i]!);
      minY = Math.min(minY, y[i]!);
      maxY = Math.max(maxY, y[i]!);
    }
    this.minX = Number.isFinite(minX) ? minX : 0;
    this.minY = Number.isFinite(minY) ? minY : 0;
    this.cellWidth = Math.max((maxX - this.minX) / cells, 1e-9);
    this.cellHeight = Math.max((maxY - this.minY) / cells, 1e-9);
    const counts = new Uint32Array(cells * cells + 1);
    for (let i = 0; i < x.length; i++) counts[this.cellOf(x[i]!, y[i]!) + 1]!++;
    for (let c = 1; c < counts.length; c++) counts[c]! += counts[c - 1]!;
    this.starts = counts;
    const fill = counts.slice(0, -1);
    this.members = new Uint32Array(x.length);
    for (let i = 0; i < x.length; i++) this.members[fill[this.cellOf(x[i]!, y[i]!)]!++] = i;
  }

  /** The point nearest (x, y) within `radius` (data units), or -1. */
  nearest(x: number, y: number, radius: number): number {
    const fromColumn = this.column(x - radius);
    const toColumn = this.column(x + radius);
    const fromRow = this.row(y - radius);
    const toRow = this.row(y + radius);
    let best = -1;
    let bestDistance = radius * radius;
    for (let row = fromRow; row <= toRow; row++) {
      for (let column = fromColumn; column <= toColumn; column++) {
        const cell = row * this.cells + column;
        for (let k = this.starts[cell]!; k < this.starts[cell + 1]!; k++) {
          const i = this.members[k]!;
          const dx = this.x[i]! - x;
          const dy = this.y[i]! - y;
          const distance = dx * dx + dy * dy;
          if (distance <= bestDistance) {
            bestDistance = distance;
            best = i;
          }
        }
      }
    }
    return best;
  }

  private cellOf(x: number, y: number): number {
    return this.row(y) * this.cells + this.column(x);
  }

  private column(x: number): number {
    return Math.min(this.cells - 1, Math.max(0, Math.floor((x - this.minX) / this.cellWidth)));
  }

  private row(y: number): number {
    return Math.min(this.cells - 1, Math.max(0, Math.floor((y - this.minY) / this.cellHeight)));
  }
}
