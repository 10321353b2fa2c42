import type { MapData } from './map-data.js';
import { groupColours } from './palette.js';
import { PointGrid } from './point-grid.js';

export interface ScatterPlotEvents {
  /** The point under the pointer changed (-1: none), with its position in CSS pixels. */
  onHover(index: number, at: { x: number; y: number }): void;
  onSelect(index: number): void;
}

const paddingPx = 16;
const pointSidePx = 3;
const hoverRadiusPx = 8;
/** How far from the centre of the view the keyboard's paper may be: the view moves 40 px a key. */
const keyboardRadiusPx = 30;
const minScale = 0.5;
const maxScale = 400;

/**
 * The collection map on a 2-D canvas. Points are written straight into an ImageData buffer (one
 * 32-bit store per pixel, no path per point), so 75,000 of them draw in a few milliseconds;
 * highlighted results and the hovered point are drawn over it with the canvas API. Drag or arrow
 * keys pan, the wheel, a pinch or +/- zoom, 0 resets; a key names the paper nearest the centre,
 * which Enter opens.
 */
export class ScatterPlot {
  private readonly context: CanvasRenderingContext2D;
  private readonly grid: PointGrid;
  private readonly colours: Uint32Array;
  private readonly bounds: { minX: number; minY: number; width: number; height: number };
  private scale = 1;
  private offsetX = 0;
  private offsetY = 0;
  private cssWidth = 0;
  private cssHeight = 0;
  private ratio = 1;
  private highlighted: number[] = [];
  private hovered = -1;
  private frame = 0;
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private dragDistance = 0;
  private readonly resizeObserver: ResizeObserver;
  private readonly detach: () => void;
  private image: ImageData | undefined;
  private pixels = new Uint32Array(0);
  private ringColour = '#000';
  /** Milliseconds the last full draw took (the tests read it). */
  lastDrawMs = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly data: MapData,
    private readonly events: ScatterPlotEvents,
  ) {
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This browser cannot draw on a canvas.');
    this.context = context;
    this.grid = new PointGrid(data.x, data.y);
    this.bounds = extent(data);
    // ImageData is RGBA in memory; as little-endian 32-bit words that is ABGR.
    this.colours = Uint32Array.from(groupColours(data.groups.map((group) => group.name)), ([r, g, b]) => ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    this.detach = this.listen();
    this.resize();
  }

  /** The points ringed (the tests read it). */
  get ringed(): readonly number[] {
    return this.highlighted;
  }

  /** Points to ring (the current results). */
  highlight(indexes: readonly number[]): void {
    this.highlighted = [...indexes];
    this.requestDraw();
  }

  zoomAt(factor: number, x = this.cssWidth / 2, y = this.cssHeight / 2): void {
    const next = Math.min(maxScale, Math.max(minScale, this.scale * factor));
    const applied = next / this.scale;
    this.offsetX = x - (x - this.offsetX) * applied;
    this.offsetY = y - (y - this.offsetY) * applied;
    this.scale = next;
    this.requestDraw();
  }

  panBy(dx: number, dy: number): void {
    this.offsetX += dx;
    this.offsetY += dy;
    this.requestDraw();
  }

  reset(): void {
    this.scale = 1;
    this.offsetX = 0;
    this.offsetY = 0;
    this.requestDraw();
  }

  /** Where a point is drawn, in CSS pixels of the canvas. */
  screenOf(index: number): { x: number; y: number } {
    const fit = this.fit();
    return {
      x: (paddingPx + (this.data.x[index]! - this.bounds.minX) * fit.scale + fit.left) * this.scale + this.offsetX,
      y: (paddingPx + (this.bounds.height - (this.data.y[index]! - this.bounds.minY)) * fit.scale + fit.top) * this.scale + this.offsetY,
    };
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
    this.detach();
  }

  /** Draws now (tests time it); normally drawing waits for the next animation frame. */
  draw(): void {
    const started = performance.now();
    const width = Math.round(this.cssWidth * this.ratio);
    const height = Math.round(this.cssHeight * this.ratio);
    if (width === 0 || height === 0) return;
    if (this.image?.width !== width || this.image.height !== height) {
      this.image = this.context.createImageData(width, height);
      this.pixels = new Uint32Array(this.image.data.buffer);
    }
    const image = this.image;
    const pixels = this.pixels;
    pixels.fill(0);
    const fit = this.fit();
    const k = fit.scale * this.scale * this.ratio;
    const left = ((paddingPx + fit.left) * this.scale + this.offsetX) * this.ratio;
    const top = ((paddingPx + fit.top) * this.scale + this.offsetY) * this.ratio;
    // Squares of `side` device pixels: small while the map is dense, larger once zoomed in.
    const side = Math.max(2, Math.round(pointSidePx * this.ratio * (this.scale >= 4 ? 1.6 : 1)));
    const { x, y, group } = this.data;
    const { minX, minY, height: spanY } = this.bounds;
    const colours = this.colours;
    const maxColumn = width - side;
    const maxRow = height - side;
    for (let i = 0; i < x.length; i++) {
      const px = (left + (x[i]! - minX) * k - side / 2 + 0.5) | 0;
      const py = (top + (spanY - (y[i]! - minY)) * k - side / 2 + 0.5) | 0;
      if (px < 0 || py < 0 || px > maxColumn || py > maxRow) continue;
      const colour = colours[group[i]!]!;
      for (let row = 0, offset = py * width + px; row < side; row++, offset += width) {
        for (let column = 0; column < side; column++) pixels[offset + column] = colour;
      }
    }
    this.context.putImageData(image, 0, 0);
    this.context.save();
    this.context.scale(this.ratio, this.ratio);
    this.context.lineWidth = 2;
    this.context.strokeStyle = this.ringColour;
    for (const index of this.highlighted) this.ring(index, 6);
    if (this.hovered >= 0) {
      this.context.lineWidth = 3;
      this.ring(this.hovered, 9);
    }
    this.context.restore();
    this.lastDrawMs = performance.now() - started;
  }

  private ring(index: number, radius: number): void {
    const at = this.screenOf(index);
    this.context.beginPath();
    this.context.arc(at.x, at.y, radius, 0, Math.PI * 2);
    this.context.stroke();
  }

  /** The data-to-pixels scale that fits the whole collection in the canvas, keeping its aspect, centred. */
  private fit(): { scale: number; left: number; top: number } {
    const width = Math.max(1, this.cssWidth - 2 * paddingPx);
    const height = Math.max(1, this.cssHeight - 2 * paddingPx);
    const scale = Math.min(width / (this.bounds.width || 1), height / (this.bounds.height || 1));
    return { scale, left: (width - this.bounds.width * scale) / 2, top: (height - this.bounds.height * scale) / 2 };
  }

  private dataOf(cssX: number, cssY: number): { x: number; y: number } {
    const fit = this.fit();
    return {
      x: ((cssX - this.offsetX) / this.scale - paddingPx - fit.left) / fit.scale + this.bounds.minX,
      y: this.bounds.height - ((cssY - this.offsetY) / this.scale - paddingPx - fit.top) / fit.scale + this.bounds.minY,
    };
  }

  private pointAt(cssX: number, cssY: number, radiusPx = hoverRadiusPx): number {
    const at = this.dataOf(cssX, cssY);
    return this.grid.nearest(at.x, at.y, radiusPx / (this.fit().scale * this.scale));
  }

  /** With the keyboard, the paper nearest the centre of the view is the one named, and Enter opens it. */
  private nameCentre(): void {
    const centre = { x: this.cssWidth / 2, y: this.cssHeight / 2 };
    this.setHovered(this.pointAt(centre.x, centre.y, keyboardRadiusPx), centre, true);
  }

  /** `moved`: the view moved under the same point, whose name must follow it. */
  private setHovered(index: number, at: { x: number; y: number }, moved = false): void {
    if (index === this.hovered && !moved) return;
    this.hovered = index;
    this.events.onHover(index, index >= 0 ? this.screenOf(index) : at);
    this.requestDraw();
  }

  private resize(): void {
    const box = this.canvas.getBoundingClientRect();
    this.cssWidth = box.width;
    this.cssHeight = box.height;
    this.ratio = Math.min(2, window.devicePixelRatio || 1);
    this.canvas.width = Math.round(box.width * this.ratio);
    this.canvas.height = Math.round(box.height * this.ratio);
    this.ringColour = getComputedStyle(this.canvas).getPropertyValue('--highlight').trim() || '#000';
    this.draw();
  }

  private requestDraw(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.draw());
  }

  private listen(): () => void {
    const canvas = this.canvas;
    const local = (event: { clientX: number; clientY: number }) => {
      const box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    };
    const down = (event: PointerEvent) => {
      canvas.setPointerCapture(event.pointerId);
      this.pointers.set(event.pointerId, local(event));
      this.dragDistance = 0;
    };
    const move = (event: PointerEvent) => {
      const at = local(event);
      const previous = this.pointers.get(event.pointerId);
      if (!previous) {
        this.setHovered(this.pointAt(at.x, at.y), at);
        return;
      }
      if (this.pointers.size === 2) {
        const [a, b] = [...this.pointers.values()];
        const other = a === previous ? b! : a!;
        const before = Math.hypot(previous.x - other.x, previous.y - other.y);
        const after = Math.hypot(at.x - other.x, at.y - other.y);
        if (before > 0) this.zoomAt(after / before, (at.x + other.x) / 2, (at.y + other.y) / 2);
      } else {
        this.panBy(at.x - previous.x, at.y - previous.y);
      }
      this.dragDistance += Math.hypot(at.x - previous.x, at.y - previous.y);
      this.pointers.set(event.pointerId, at);
    };
    const up = (event: PointerEvent) => {
      const wasTap = this.pointers.size === 1 && this.dragDistance < 5;
      this.pointers.delete(event.pointerId);
      if (!wasTap) return;
      const at = local(event);
      const index = this.pointAt(at.x, at.y);
      // A finger has no hover: its first tap names the paper, a second tap on it opens it (a tap
      // opened the paper under it before its title could be read).
      if (event.pointerType !== 'mouse' && index !== this.hovered) {
        this.setHovered(index, at);
        return;
      }
      if (index >= 0) this.events.onSelect(index);
    };
    // A finger leaves the canvas as it lifts: the paper its tap named stays named.
    const leave = (event: PointerEvent) => {
      if (event.pointerType === 'mouse' && this.pointers.size === 0) this.setHovered(-1, { x: 0, y: 0 });
    };
    const wheel = (event: WheelEvent) => {
      event.preventDefault();
      const at = local(event);
      this.zoomAt(Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.002)), at.x, at.y);
    };
    const key = (event: KeyboardEvent) => {
      const step = 40;
      const actions: Record<string, () => void> = {
        '+': () => this.zoomAt(1.25),
        '=': () => this.zoomAt(1.25),
        '-': () => this.zoomAt(0.8),
        '0': () => this.reset(),
        ArrowLeft: () => this.panBy(step, 0),
        ArrowRight: () => this.panBy(-step, 0),
        ArrowUp: () => this.panBy(0, step),
        ArrowDown: () => this.panBy(0, -step),
        Enter: () => {
          if (this.hovered >= 0) this.events.onSelect(this.hovered);
        },
      };
      const action = actions[event.key];
      if (!action) return;
      event.preventDefault();
      action();
      if (event.key !== 'Enter') this.nameCentre();
    };
    canvas.addEventListener('pointerdown', down);
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
    canvas.addEventListener('pointerleave', leave);
    canvas.addEventListener('wheel', wheel, { passive: false });
    canvas.addEventListener('keydown', key);
    // The title shown over the map covers the papers around it: Escape hides it, from the keyboard
    // or under a pointer that stays where it is (the canvas need not have the focus).
    const escape = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && this.hovered >= 0) this.setHovered(-1, { x: 0, y: 0 });
    };
    window.addEventListener('keydown', escape);
    return () => {
      window.removeEventListener('keydown', escape);
      canvas.removeEventListener('pointerdown', down);
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerup', up);
      canvas.removeEventListener('pointercancel', up);
      canvas.removeEventListener('pointerleave', leave);
      canvas.removeEventListener('wheel', wheel);
      canvas.removeEventListener('keydown', key);
    };
  }
}

/**
 * Share of the papers left out at each side when fitting the map to the canvas: a few papers
 * placed far from the rest would otherwise shrink the whole collection into a corner (they are
 * still drawn when they fall on the canvas, and reached by zooming out).
 */
const outlierShare = 0.002;

/** The region the view fits at first: the papers' extent without the farthest few on each side. */
function extent(data: MapData): { minX: number; minY: number; width: number; height: number } {
  if (data.x.length === 0) return { minX: 0, minY: 0, width: 1, height: 1 };
  const [minX, maxX] = trimmedRange(data.x);
  const [minY, maxY] = trimmedRange(data.y);
  return { minX, minY, width: maxX - minX || 1, height: maxY - minY || 1 };
}

function trimmedRange(values: Float32Array): [number, number] {
  const sorted = Float32Array.from(values).sort();
  const cut = Math.floor(sorted.length * outlierShare);
  return [sorted[cut]!, sorted[sorted.length - 1 - cut]!];
}
