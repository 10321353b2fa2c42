/** A document and its score. */
export interface ScoredLabel {
  label: number;
  score: number;
}

/**
 * The `limit` best of (labels[i], scores[i]) that pass `accept`, best first, ties by smaller
 * label. A bounded min-heap keeps it O(candidates · log limit) for common query words matching
 * most of the corpus, and `accept` is asked only about candidates that would enter the heap.
 */
export function topK(labels: Uint32Array, scores: Float64Array, limit: number, accept?: (label: number) => boolean): ScoredLabel[] {
  const size = Math.min(limit, labels.length);
  const heapLabels = new Uint32Array(size);
  const heapScores = new Float64Array(size);
  let filled = 0;
  // a is worse than b: lower score, or the same score and a larger label.
  const worse = (scoreA: number, labelA: number, scoreB: number, labelB: number): boolean => scoreA < scoreB || (scoreA === scoreB && labelA > labelB);

  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= filled) return;
      const right = left + 1;
      let worst = left;
      if (right < filled && worse(heapScores[right]!, heapLabels[right]!, heapScores[left]!, heapLabels[left]!)) worst = right;
      if (!worse(heapScores[worst]!, heapLabels[worst]!, heapScores[i]!, heapLabels[i]!)) return;
      swap(i, worst);
      i = worst;
    }
  };
  const swap = (i: number, j: number): void => {
    const label = heapLabels[i]!;
    const score = heapScores[i]!;
    heapLabels[i] = heapLabels[j]!;
    heapScores[i] = heapScores[j]!;
    heapLabels[j] = label;
    heapScores[j] = score;
  };

  for (let c = 0; c < labels.length; c++) {
    const label = labels[c]!;
    const score = scores[c]!;
    if (filled === size && !worse(heapScores[0]!, heapLabels[0]!, score, label)) continue;
    if (accept && !accept(label)) continue;
    if (filled < size) {
      let i = filled++;
      heapLabels[i] = label;
      heapScores[i] = score;
      while (i > 0) {
        const parent = (i - 1) >>> 1;
        if (!worse(heapScores[i]!, heapLabels[i]!, heapScores[parent]!, heapLabels[parent]!)) break;
        swap(i, parent);
        i = parent;
      }
    } else {
      heapLabels[0] = label;
      heapScores[0] = score;
      siftDown(0);
    }
  }

  const hits: ScoredLabel[] = [];
  for (let i = 0; i < filled; i++) hits.push({ label: heapLabels[i]!, score: heapScores[i]! });
  return hits.sort((a, b) => b.score - a.score || a.label - b.label);
}
