import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { paperPassage, type Embedder } from '../../../src/embedding/embedder.js';
import type { LoadedIndex } from '../../../src/index/index-folder.js';
import { LiveIndex } from '../../../src/index/live-index.js';
import { fuseNormalized, type ScoredLabel } from '../../../src/search/fusion.js';
import { countTerms } from '../../../src/search/lexical/bm25-index.js';
import { defaultMoreLikeThis, distinctiveTerms } from '../../../src/search/related/more-like-this.js';
import { sentenceMatchScore } from '../../../src/search/related/sentence-match.js';
import { classifySentenceRoles, type SentenceRole } from '../../../src/search/related/sentence-roles.js';
import { SearchService } from '../../../src/search/search-service.js';
import type { CsfcubeFacet } from './csfcube-data.js';
import { SentenceTable } from './sentence-table.js';

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

/** Methods that need every paper's sentence vectors (embedded once per model, then cached). */
const sentenceMethods = new Set(['maxsim', 'maxsim-sym', 'facet']);

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
  /**
   * The top n dense neighbours re-ranked by w · cosine + (1 − w) · sentence match (each query
   * sentence's best cosine with a candidate sentence, averaged); the rest in dense order.
   */
  maxsim: (corpus, parameters) => async (paperId) => {
    const label = corpus.labelOf(paperId);
    const sentences = corpus.sentenceTable;
    const query = sentences.sentences(label);
    const weight = parameters.get('w') ?? 0.5;
    const rescored = corpus
      .denseScores(label)
      .slice(0, parameters.get('n') ?? 100)
      .map(({ label: candidate, score }) => ({ label: candidate, score: weight * score + (1 - weight) * sentenceMatchScore(query, sentences.sentences(candidate)) }))
      .sort((a, b) => b.score - a.score || a.label - b.label);
    return corpus.ids(withDenseTail(corpus, label, rescored.map((item) => item.label)));
  },
  /** maxsim with the match averaged over both directions (query → candidate and back). */
  'maxsim-sym': (corpus, parameters) => async (paperId) => {
    const label = corpus.labelOf(paperId);
    const sentences = corpus.sentenceTable;
    const query = sentences.sentences(label);
    const weight = parameters.get('w') ?? 0.5;
    const rescored = corpus
      .denseScores(label)
      .slice(0, parameters.get('n') ?? 100)
      .map(({ label: candidate, score }) => {
        const other = sentences.sentences(candidate);
        const match = (sentenceMatchScore(query, other) + sentenceMatchScore(other, query)) / 2;
        return { label: candidate, score: weight * score + (1 - weight) * match };
      })
      .sort((a, b) => b.score - a.score || a.label - b.label);
    return corpus.ids(withDenseTail(corpus, label, rescored.map((item) => item.label)));
  },
  /**
   * maxsim on the sentences that play the query's facet role: query sentences of that role weigh
   * 1, the others o; with c=1 only the candidate's sentences of that role are matched (all of
   * them when it has none).
   */
  facet: (corpus, parameters) => async (paperId, facet) => {
    const label = corpus.labelOf(paperId);
    const sentences = corpus.sentenceTable;
    const query = sentences.sentences(label);
    const otherWeight = parameters.get('o') ?? 0.25;
    const weights = corpus.roles(label).map((role) => (role === facet ? 1 : otherWeight));
    const weight = parameters.get('w') ?? 0.5;
    const sameRoleOnly = parameters.get('c') === 1;
    const rescored = corpus
      .denseScores(label)
      .slice(0, parameters.get('n') ?? 100)
      .map(({ label: candidate, score }) => {
        let other = sentences.sentences(candidate);
        if (sameRoleOnly) {
          const roles = corpus.roles(candidate);
          const matching = other.filter((_, i) => roles[i] === facet);
          if (matching.length > 0) other = matching;
        }
        return { label: candidate, score: weight * score + (1 - weight) * sentenceMatchScore(query, other, weights) };
      })
      .sort((a, b) => b.score - a.score || a.label - b.label);
    return corpus.ids(withDenseTail(corpus, label, rescored.map((item) => item.label)));
  },
  /**
   * Hubness reduction (CSLS, Conneau et al. 2018): 2 · cos(q, c) − r(c), r(c) the mean cosine of
   * c to its k nearest papers, so papers near everything stop crowding every list.
   */
  csls: (corpus, parameters) => {
    const k = parameters.get('k') ?? 10;
    return async (paperId) => {
      const label = corpus.labelOf(paperId);
      const crowding = corpus.crowding(k);
      const rescored = corpus
        .denseScores(label)
        .map(({ label: candidate, score }) => ({ label: candidate, score: 2 * score - crowding[candidate]! }))
        .sort((a, b) => b.score - a.score || a.label - b.label);
      return corpus.ids(rescored.map((item) => item.label));
    };
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
  const corpus = await Corpus.load(context, specs.some((spec) => sentenceMethods.has(parseMethod(spec).name)));
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
  private readonly crowdingCache = new Map<number, Float64Array>();
  private readonly roleCache = new Map<number, SentenceRole[]>();

  private constructor(
    readonly index: LoadedIndex,
    readonly embedder: Embedder,
    /** Every stored unit vector, label order. */
    readonly vectors: Float32Array,
    readonly dimension: number,
    private readonly sentences: SentenceTable | undefined,
  ) {
    this.service = new SearchService(new LiveIndex(index), embedder);
  }

  static async load(context: MethodContext, withSentences: boolean): Promise<Corpus> {
    const { index } = context;
    const bytes = await readFile(join(index.folder, index.manifest.files.vectors));
    const vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const sentences = withSentences ? await SentenceTable.load(index, context.embedder, context.cacheFolder, context.report) : undefined;
    return new Corpus(index, context.embedder, vectors, index.manifest.model.dimension, sentences);
  }

  get sentenceTable(): SentenceTable {
    if (!this.sentences) throw new Error('This method needs sentence vectors; list it in sentenceMethods.');
    return this.sentences;
  }

  /** The rhetorical role of each abstract sentence of `label`. */
  roles(label: number): SentenceRole[] {
    let roles = this.roleCache.get(label);
    if (!roles) {
      roles = classifySentenceRoles(this.sentenceTable.sentenceTexts(label));
      this.roleCache.set(label, roles);
    }
    return roles;
  }

  /** Mean cosine of each paper to its k nearest other papers. */
  crowding(k: number): Float64Array {
    let crowding = this.crowdingCache.get(k);
    if (!crowding) {
      crowding = new Float64Array(this.count);
      for (let label = 0; label < this.count; label++) {
        const nearest = this.denseScores(label, false).slice(0, k);
        crowding[label] = nearest.reduce((sum, item) => sum + item.score, 0) / nearest.length;
      }
      this.crowdingCache.set(k, crowding);
    }
    return crowding;
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
  denseScores(label: number, remember = true): ScoredLabel[] {
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
      if (remember) this.denseCache.set(label, scores);
    }
    return scores;
  }
}
