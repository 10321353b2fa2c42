import { normalize } from '../shared/vector-math.js';
import type { EmbedRequestOptions } from './embed-scheduler.js';
import { paperPassage, type Embedder } from './embedder.js';

/** What a paper's vector is made from. */
export interface PaperText {
  title?: string | undefined;
  abstract: string;
}

/**
 * Each paper's vector, as it is stored and as `/v1/similar` embeds an abstract: its passage (title
 * and abstract) embedded, plus `model.titleWeight` times its title embedded alone, scaled back to
 * unit length. A title names what a paper is about; in the passage's vector the abstract's detail
 * dilutes it, and related-by-id, which compares two stored vectors, ranks better with the title
 * given its own weight (see docs/search-quality.md). Passages and titles go to the model in one
 * call, which groups texts of similar length itself. Returns fresh arrays (the embedder hands out
 * views of one batch buffer).
 */
export async function embedPapers(embedder: Embedder, papers: readonly PaperText[], caller?: EmbedRequestOptions): Promise<Float32Array[]> {
  const weight = embedder.model.titleWeight;
  const { texts, titled } = paperTexts(papers, weight);
  const vectors = texts.length > 0 ? await embedder.embedPassages(texts, caller) : [];
  const paperVectors = papers.map((_, i) => Float32Array.from(vectors[i]!));
  titled.forEach((paperIndex, j) => blendTitle(paperVectors[paperIndex]!, vectors[papers.length + j]!, weight));
  return paperVectors;
}

/**
 * What embedPapers has the model embed for `papers`: each paper's passage, in order, then, when
 * titles have a weight, the title alone of each paper in `titled` (those with a title).
 */
export function paperTexts(papers: readonly PaperText[], titleWeight: number): { texts: string[]; titled: number[] } {
  const titled = titleWeight > 0 ? papers.flatMap((paper, i) => (paper.title?.trim() ? [i] : [])) : [];
  return {
    texts: [...papers.map((paper) => paperPassage(paper.title, paper.abstract)), ...titled.map((i) => papers[i]!.title!.trim())],
    titled,
  };
}

/** `passage` + `weight` · `title`, normalized, in place: the paper vector of a titled paper. */
export function blendTitle(passage: Float32Array, title: Float32Array, weight: number): Float32Array {
  for (let d = 0; d < passage.length; d++) passage[d]! += weight * title[d]!;
  return normalize(passage);
}
