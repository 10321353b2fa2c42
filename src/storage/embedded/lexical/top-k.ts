/** A document and its score. */
export interface ScoredLabel {
  label: number;
  score: number;
}

/**
 * The `limit` best (label, score) pairs offered, best first, ties by smaller label: a bounded
 * min-heap whose root is the worst pair kept. Searches offer tens of thousands of documents a
 * query (a common word reaches most of the corpus), so the hot loops reject most of them inline
 * with `floor` and call `admits` and `add` only for the few that might enter.
 */
export class BestLabels {
  /**
   * No score below this can enter: the worst score kept once the heap is full, and until then
   * the smallest positive number, so a document the query never reached (score 0) is not kept.
   */
  floor = Number.MIN_VALUE;
  private readonly labels: Uint32Array;
  private readonly scores: Float64Array;
  private filled = 0;

  constructor(readonly limit: number) {
    this.labels = new Uint32Array(limit);
    this.scores = new Float64Array(limit);
  }

  /** Whether (label, score) would be kept, given what is kept now. */
  admits(label: number, score: number): boolean {
    if (!(score >= this.floor)) return false;
    if (this.filled < this.limit) return true;
    return this.isWorse(0, score, label);
  }

  /** Keeps (label, score), dropping the worst pair if full; call only when `admits` says so. */
  add(label: number, score: number): void {
    if (this.filled < this.limit) {
      let i = this.filled++;
      this.labels[i] = label;
      this.scores[i] = score;
      while (i > 0) {
        const parent = (i - 1) >>> 1;
        if (!this.isWorse(i, this.scores[parent]!, this.labels[parent]!)) break;
        this.swap(i, parent);
        i = parent;
      }
    } else {
      this.labels[0] = label;
      this.scores[0] = score;
      this.siftDown();
    }
    if (this.filled === this.limit) this.floor = this.scores[0]!;
  }

  /** What is kept, best first. */
  best(): ScoredLabel[] {
    const hits: ScoredLabel[] = [];
    for (let i = 0; i < this.filled; i++) hits.push({ label: this.labels[i]!, score: this.scores[i]! });
    return hits.sort((a, b) => b.score - a.score || a.label - b.label);
  }

  /** Whether the pair at heap position i is worse than (score, label): lower, or equal with a larger label. */
  private isWorse(i: number, score: number, label: number): boolean {
    const kept = this.scores[i]!;
    return kept < score || (kept === score && this.labels[i]! > label);
  }

  private siftDown(): void {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.filled) return;
      const right = left + 1;
      const worst = right < this.filled && this.isWorse(right, this.scores[left]!, this.labels[left]!) ? right : left;
      if (!this.isWorse(worst, this.scores[i]!, this.labels[i]!)) return;
      this.swap(i, worst);
      i = worst;
    }
  }

  private swap(i: number, j: number): void {
    const label = this.labels[i]!;
    const score = this.scores[i]!;
    this.labels[i] = this.labels[j]!;
    this.scores[i] = this.scores[j]!;
    this.labels[j] = label;
    this.scores[j] = score;
  }
}
