import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { paperPassage, type Embedder } from '../../../src/embedding/embedder.js';
import type { LoadedIndex } from '../../../src/index/index-folder.js';
import { LiveIndex } from '../../../src/index/live-index.js';
import { fuseNormalized, type ScoredLabel } from '../../../src/search/fusion.js';
import { countTerms } from '../../../src/search/lexical/bm25-index.js';
import { defaultMoreLikeThis, distinctiveTerms } from '../../../src/search/related/more-like-this.js';
import { SearchService } from '../../../src/search/search-service.js';
import type { CsfcubeFacet } from './csfcube-data.js';

/** A way of ranking the corpus for a query paper (and facet): paper ids, best first, the paper itself left out. */
export interface RelatedMethod {
  name: string;
  rank(paperId: string, facet: CsfcubeFacet): Promise<string[]>;
}

export interface MethodContext {
  index: LoadedIndex;
  embedder: Embedder;
  /** Where derived data (sentence vectors) is cached, beside the index folder. */
  cacheFolder: string;
  report(step: string, seconds: number): void;
}

/** `name:key=value:key=value`, e.g. `fusion:w=0.6:n=200`. */
type Parameters = ReadonlyMap<string, number>;
type Factory = (corpus: Corpus, parameters: Parameters) => RelatedMethod['rank'];

const factories: Record<string, Factory> = {
  /** The product today: the stored vector's HNSW neighbours, through SearchService.relatedToPaper, at full depth. */
  dense: (corpus) => async (paperId) => (await corpus.service.relatedToPaper(paperId, { k: corpus.count - 1 })).map((hit) => hit.id),
  /** Exact cosine over the stored vectors (what HNSW approximates). */
  'dense-exact': (corpus) => async (paperId) => corpus.ids(withDenseTail(corpus, corpus.labelOf(paperId), [])),
  /** BM25 of the paper's distinctive terms alone (then the dense order for papers sharing none). */
  mlt: (corpus, parameters) => async (paperId) => {
    const label = corpus.labelOf(paperId);
    return corpus.ids(withDenseTail(corpus, label, moreLikeThis(corpus, label, corpus.count, parameters).map((hit) => hit.label)));
  },
  /** Dense neighbours and more-like-this fused (min-max normalized, weight w on dense) over the top n of each. */
  fusion: (corpus, parameters) => async (paperId) => {
    const label = corpus.labelOf(paperId);
    const depth = parameters.get('n') ?? 100;
    const dense = corpus.denseScores(label).slice(0, depth);
    const lexical = moreLikeThis(corpus, label, depth, parameters);
    const fused = fuseNormalized(dense, lexical, { denseWeight: parameters.get('w') ?? 0.5 });
    return corpus.ids(withDenseTail(corpus, label, fused.map((item) => item.label)));
  },
};

export const methodNames: readonly string[] = Object.keys(factories);

export function parseMethod(spec: string): { name: string; parameters: Map<string, number> } {
  const [name, ...settings] = spec.split(':');
  if (!name || !(name in factories)) throw new Error(`Unknown method "${spec}". Known: ${methodNames.join(', ')} (with :key=value settings).`);
  const parameters = new Map<string, number>();
  for (const setting of settings) {
    const [key, value] = setting.split('=');
    if (!key || value === undefined || !Number.isFinite(Number(value))) throw new Error(`Bad setting "${setting}" in "${spec}".`);
    parameters.set(key, Number(value));
  }
  return { name, parameters };
}

export async function prepareMethods(specs: readonly string[], context: MethodContext): Promise<RelatedMethod[]> {
  const corpus = await Corpus.load(context);
  return specs.map((spec) => {
    const { name, parameters } = parseMethod(spec);
    const rank = factories[name]!(corpus, parameters);
    return { name: spec, rank: (paperId, facet) => rank(paperId, facet) };
  });
}

/** The BM25 hits of the paper's more-like-this query, the paper itself left out. */
function moreLikeThis(corpus: Corpus, label: number, depth: number, parameters: Parameters): ScoredLabel[] {
  const lexical = corpus.index.lexical;
  const terms = distinctiveTerms(corpus.termCounts(label), { documents: lexical.documentCount, documentFrequency: (term) => lexical.documentFrequency(term) }, {
    maxTerms: parameters.get('terms') ?? defaultMoreLikeThis.maxTerms,
    minDocumentFrequency: defaultMoreLikeThis.minDocumentFrequency,
    maxDocumentShare: parameters.get('share') ?? defaultMoreLikeThis.maxDocumentShare,
  });
  return lexical.searchTerms(terms, depth + 1, (candidate) => candidate !== label).slice(0, depth);
}

/** `head`, then every other paper in exact dense order: a full ranking of the corpus without the query paper. */
function withDenseTail(corpus: Corpus, label: number, head: readonly number[]): number[] {
  const seen = new Set(head);
  seen.add(label);
  return [...head.filter((item) => item !== label), ...corpus.denseScores(label).filter((item) => !seen.has(item.label)).map((item) => item.label)];
}

/** The loaded index and what the methods derive from it, computed once per model. */
class Corpus {
  readonly service: SearchService;
  private readonly termCache = new Map<number, Map<string, number>>();
  private readonly denseCache = new Map<number, ScoredLabel[]>();

  private constructor(
    readonly index: LoadedIndex,
    readonly embedder: Embedder,
    /** Every stored unit vector, label order. */
    readonly vectors: Float32Array,
    readonly dimension: number,
  ) {
    this.service = new SearchService(new LiveIndex(index), embedder);
  }

  static async load(context: MethodContext): Promise<Corpus> {
    const { index } = context;
    const bytes = await readFile(join(index.folder, index.manifest.files.vectors));
    const vectors = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    return new Corpus(index, context.embedder, vectors, index.manifest.model.dimension);
  }

  get count(): number {
    return this.index.manifest.count;
  }

  labelOf(paperId: string): number {
    const label = this.index.papers.labelOf(paperId);
    if (label === undefined) throw new Error(`The query paper ${paperId} is not in the corpus.`);
    return label;
  }

  ids(labels: readonly number[]): string[] {
    return labels.map((label) => this.index.papers.byLabel(label).id);
  }

  termCounts(label: number): Map<string, number> {
    let counts = this.termCache.get(label);
    if (!counts) {
      const paper = this.index.papers.byLabel(label);
      counts = countTerms(paperPassage(paper.title, paper.abstract));
      this.termCache.set(label, counts);
    }
    return counts;
  }

  /** Exact cosine of every other paper to `label`, best first (ties by label). */
  denseScores(label: number): ScoredLabel[] {
    let scores = this.denseCache.get(label);
    if (!scores) {
      const { vectors, dimension } = this;
      const offset = label * dimension;
      scores = [];
      for (let other = 0; other < this.count; other++) {
        if (other === label) continue;
        let dot = 0;
        const otherOffset = other * dimension;
        for (let d = 0; d < dimension; d++) dot += vectors[offset + d]! * vectors[otherOffset + d]!;
        scores.push({ label: other, score: dot });
      }
      scores.sort((a, b) => b.score - a.score || a.label - b.label);
      this.denseCache.set(label, scores);
    }
    return scores;
  }
}
