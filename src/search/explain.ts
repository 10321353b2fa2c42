import { dot } from '../shared/vector-math.js';
import { roundScore, type Hit, type RetrieverRanks } from './ranking.js';
import { splitSentences } from './sentences.js';

/**
 * Adds to each hit why it was returned: the rank each retriever gave it, and the abstract
 * sentence closest to the query by the model (every sentence of every hit is embedded, in one
 * model call, which is why explaining is bounded per request).
 */
export async function explainHits(
  hits: readonly Hit[],
  ranks: ReadonlyMap<string, RetrieverRanks>,
  queryVector: () => Promise<Float32Array>,
  embedSentences: (sentences: string[]) => Promise<Float32Array[]>,
): Promise<Hit[]> {
  if (hits.length === 0) return [];
  const sentences = hits.map((hit) => splitSentences(hit.abstract));
  const [vector, sentenceVectors] = await Promise.all([queryVector(), embedSentences(sentences.flat())]);
  let next = 0;
  return hits.map((hit, i) => {
    const scored = sentences[i]!.map((text) => ({ text, score: roundScore(dot(vector, sentenceVectors[next++]!)) }));
    const closest = scored.reduce<(typeof scored)[number] | undefined>((best, item) => (!best || item.score > best.score ? item : best), undefined);
    return { ...hit, explain: { ranks: ranks.get(hit.id) ?? {}, closest_sentence: closest ?? null } };
  });
}
