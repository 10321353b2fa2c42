/** A document and its score. */
export interface ScoredLabel {
  label: number;
  score: number;
}

/**
 * The `limit` best (label, score) pairs offered, best first, ties by smaller label: a bounded
 * min-heap whose root is the worst pair kept, O(log limit) an offer.
 */
export class TopK {
  private readonly labels: Uint32Array;
  private readonly scores: Float64Array;
  private filled = 0;

  constructor(readonly limit: number) {
    this.labels = new Uint32Array(limit);
    this.scores = new Float64Array(limit);
  }

  get full(): boolean {
    return this.filled === this.limit;
  }

  /** The worst score kept once full: a pair must beat it (or tie it with a smaller label) to enter. */
  get worstScore(): number {
    return this.scores[0]!;
  }

  /** Whether (label, score) would enter now, i.e. is better than the worst pair kept once full. */
  admits(label: number, score: number): boolean {
    return this.filled < this.limit || this.worse(this.scores[0]!, this.labels[0]!, score, label);
  }

  /** Keeps (label, score) if admits says so. */
  offer(label: number, score: number): void {
    if (!this.admits(label, score)) return;
    if (this.filled < this.limit) {
      let i = this.filled++;
      this.labels[i] = label;
      this.scores[i] = score;
      while (i > 0) {
        const parent = (i - 1) >>> 1;
        if (!this.worse(this.scores[i]!, this.labels[i]!, this.scores[parent]!, this.labels[parent]!)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    this.labels[0] = label;
    this.scores[0] = score;
    this.siftDown();
  }

  /** The pairs kept, best first. */
  sorted(): ScoredLabel[] {
    const hits: ScoredLabel[] = [];
    for (let i = 0; i < this.filled; i++) hits.push({ label: this.labels[i]!, score: this.scores[i]! });
    return hits.sort((a, b) => b.score - a.score || a.label - b.label);
  }

  /** a is worse than b: lower score, or the same score and a larger label. */
  private worse(scoreA: number, labelA: number, scoreB: number, labelB: number): boolean {
    return scoreA < scoreB || (scoreA === scoreB && labelA > labelB);
  }

  private siftDown(): void {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.filled) return;
      const right = left + 1;
      let worst = left;
      if (right < this.filled && this.worse(this.scores[right]!, this.labels[right]!, this.scores[left]!, this.labels[left]!)) worst = right;
      if (!this.worse(this.scores[worst]!, this.labels[worst]!, this.scores[i]!, this.labels[i]!)) return;
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
