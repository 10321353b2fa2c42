import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Embedder } from '../../../src/embedding/embedder.js';
import type { LoadedIndex } from '../../../src/storage/embedded/index-folder.js';
import { createLogger } from '../../../src/log.js';
import { rankRelated, relatedCandidates, relatedWeights } from '../../../src/search/related/related-ranking.js';
import { classifySentenceRoles, facetPassage, type SentenceRole } from '../../../src/search/related/sentence-roles.js';
import type { SearchMode } from '../../../src/search/search-modes.js';
import { SearchService } from '../../../src/search/search-service.js';
import { splitSentences } from '../../../src/search/sentences.js';
import { unitCentroid as meanOfVectors } from '../../../src/shared/vector-math.js';
import { blendTitle } from '../../../src/embedding/paper-vectors.js';
import { EmbeddedStorage } from '../../../src/storage/embedded/embedded-storage.js';
import { sentenceMatchScore } from './sentence-match.js';
import type { CsfcubeFacet } from './csfcube-data.js';
import { loadContextualSentences } from './contextual-sentences.js';
import { SentenceTable } from './sentence-table.js';

/**
 * A way of answering related-by-id for a query paper (and facet): labels best first, the paper
 * itself left out, computed as the product would (HNSW candidates, then any re-ranking). The
 * harness times this and then completes the list with the rest of the corpus in exact dense order.
 */
export interface RelatedMethod {
  name: string;
  answer(label: number, facet: CsfcubeFacet): Promise<number[]>;
}

export interface MethodContext {
  index: LoadedIndex;
  embedder: Embedder;
  /** Where derived data (sentence vectors) is cached, beside the index folder. */
  cacheFolder: string;
  /** For the contextual sentence pass, which runs the model in this process. */
  modelDir: string;
  threads: number;
  report(step: string, seconds: number): void;
}

/** `name:key=value:key=value`, e.g. `fusion:w=0.6:n=200`. */
type Parameters = ReadonlyMap<string, number>;
type Factory = (corpus: Corpus, parameters: Parameters) => RelatedMethod['answer'];
type CandidateScore = (candidate: number, cosine: number) => number;

/** Methods that need every paper's sentence vectors (embedded once per model, then cached). */
const sentenceMethods = new Set(['maxsim', 'facet', 'title', 'multi', 'related', 'related-facet', 'blend']);

interface ScoredLabel {
  label: number;
  score: number;
}

/** Candidates a re-ranking method takes from HNSW unless told otherwise (n=). */
const defaultDepth = 100;

const factories: Record<string, Factory> = {
  /** The product today: the stored vector's HNSW neighbours through SearchService.relatedToPaper (n deep). */
  dense: (corpus, parameters) => async (label) => corpus.hnswNeighbors(label, parameters.get('n') ?? defaultDepth).map((neighbor) => neighbor.label),
  /** The product: SearchService.relatedToPaper, as GET /v1/papers/:id/related answers (n deep). */
  product: (corpus, parameters) => async (label) => productAnswer(corpus, label, undefined, parameters),
  /** The product with the query's facet (?facet=). */
  'product-facet': (corpus, parameters) => async (label, facet) => productAnswer(corpus, label, facet, parameters),
  /**
   * Papers like an abstract, as POST /v1/similar answers with the query paper's title and
   * abstract (the paper itself left out): m=0 hybrid (the default mode), 1 dense, 2 lexical.
   */
  similar: (corpus, parameters) => async (label) => similarAnswer(corpus, label, parameters),
  /**
   * The top n dense neighbours re-ranked by w · cosine + (1 − w) · sentence match (each query
   * sentence's best cosine with a candidate sentence, averaged); s=1 averages both directions.
   */
  maxsim: (corpus, parameters) => async (label) => {
    const sentences = corpus.sentencesFor(parameters);
    const query = sentences.sentences(label);
    const symmetric = parameters.get('s') === 1;
    return rerank(corpus, label, parameters, (candidate) => {
      const other = sentences.sentences(candidate);
      return symmetric ? (sentenceMatchScore(query, other) + sentenceMatchScore(other, query)) / 2 : sentenceMatchScore(query, other);
    });
  },
  /**
   * maxsim on the sentences that play the query's facet role: query sentences of that role weigh
   * 1, the others o; with c=1 only the candidate's sentences of that role are matched (all of
   * them when it has none).
   */
  facet: (corpus, parameters) => async (label, facet) => {
    const sentences = corpus.sentencesFor(parameters);
    const query = sentences.sentences(label);
    const otherWeight = parameters.get('o') ?? 0.25;
    const weights = corpus.roles(label).map((role) => (role === facet ? 1 : otherWeight));
    const sameRoleOnly = parameters.get('c') === 1;
    return rerank(corpus, label, parameters, (candidate) => {
      let other = sentences.sentences(candidate);
      if (sameRoleOnly) {
        const roles = corpus.roles(candidate);
        const matching = other.filter((_, i) => roles[i] === facet);
        if (matching.length > 0) other = matching;
      }
      return sentenceMatchScore(query, other, weights);
    });
  },
  /** Multi-vector: the top n dense neighbours re-ranked by w · cosine + (1 − w) · cosine of the titles alone. */
  title: (corpus, parameters) => async (label) => {
    const sentences = corpus.sentencesFor(parameters);
    const title = sentences.title(label);
    return rerank(corpus, label, parameters, (candidate) => dot(title, sentences.title(candidate)));
  },
  /**
   * Several views of each paper combined linearly over the top n dense candidates, each view's
   * weight a setting: d (whole-paper cosine, default 1), t (title–title cosine), x (title of one
   * against the whole of the other, both ways, averaged), s (sentence match), f (facet-weighted
   * sentence match, other roles weighing o), m (cosine of the query's facet-sentence centroid to
   * the candidate's whole vector).
   */
  multi: (corpus, parameters) => async (label, facet) => {
    const sentences = corpus.sentencesFor(parameters);
    const weightOf = (key: string, fallback = 0) => parameters.get(key) ?? fallback;
    const [d, t, x, sm, f, m] = [weightOf('d', 1), weightOf('t'), weightOf('x'), weightOf('s'), weightOf('f'), weightOf('m')];
    const query = sentences.sentences(label);
    const title = sentences.title(label);
    const whole = corpus.vector(label);
    const otherWeight = weightOf('o', 0.25);
    const roleWeights = corpus.roles(label).map((role) => (role === facet ? 1 : otherWeight));
    const facetSentences = query.filter((_, i) => roleWeights[i] === 1);
    const facetCentroid = meanOfVectors(facetSentences.length > 0 ? facetSentences : query);
    return rerankBy(corpus, label, parameters.get('n') ?? defaultDepth, (candidate, cosine) => {
      let score = d * cosine;
      if (t) score += t * dot(title, sentences.title(candidate));
      if (x) score += (x * (dot(title, corpus.vector(candidate)) + dot(whole, sentences.title(candidate)))) / 2;
      if (sm) score += sm * sentenceMatchScore(query, sentences.sentences(candidate));
      if (f) score += f * sentenceMatchScore(query, sentences.sentences(candidate), roleWeights);
      if (m) score += m * dot(facetCentroid, corpus.vector(candidate));
      return score;
    });
  },
  /**
   * The product's ranking (src/search/related/related-ranking.ts) with other weights: t (title),
   * f (facet passage); title vectors from the sentence table, the facet passage embedded per query.
   */
  related: (corpus, parameters) => async (label) => proposed(corpus, label, undefined, parameters),
  /** The same for the query's facet. */
  'related-facet': (corpus, parameters) => async (label, facet) => proposed(corpus, label, facet, parameters),
  /**
   * Paper vectors with their title added at weight a, as ingestion's --title-weight makes them,
   * computed from this index's vectors (built with --title-weight 0) and the titles embedded
   * alone; the whole corpus ranked exactly by their cosine. Measures a title weight without
   * building an index per weight.
   */
  blend: (corpus, parameters) => {
    if (corpus.index.manifest.model.titleWeight !== 0) throw new Error('blend adds the titles itself: build the index with --title-weight 0.');
    const sentences = corpus.sentencesFor(parameters);
    const weight = parameters.get('a') ?? 0.3;
    const blended = Array.from({ length: corpus.count }, (_, label) =>
      corpus.index.papers.byLabel(label).title.trim()
        ? blendTitle(Float32Array.from(corpus.vector(label)), sentences.title(label), weight)
        : corpus.vector(label),
    );
    return async (label) =>
      blended
        .map((vector, other) => ({ label: other, score: dot(blended[label]!, vector) }))
        .filter((item) => item.label !== label)
        .sort((a, b) => b.score - a.score || a.label - b.label)
        .map((item) => item.label);
  },
  /**
   * The query's facet sentences joined and embedded as one passage (a model call per query, or
   * three vectors per paper stored at ingest); candidates scored by cosine + w · cosine of that
   * facet vector to their paper vector (the paper cosine alone when no sentence plays the role).
   */
  ftext: (corpus, parameters) => async (label, facet) => {
    const sentences = splitSentences(corpus.index.papers.byLabel(label).abstract);
    const roles = corpus.roles(label);
    const facetText = sentences.filter((_, i) => roles[i] === facet).join(' ');
    const facetVector = facetText ? (await corpus.embedder.embedPassages([facetText]))[0]! : undefined;
    const weight = parameters.get('w') ?? 0.5;
    return rerankBy(
      corpus,
      label,
      parameters.get('n') ?? defaultDepth,
      (candidate, cosine) => cosine + (facetVector ? weight * dot(facetVector, corpus.vector(candidate)) : 0),
    );
  },
  /**
   * Hubness reduction (CSLS, Conneau et al. 2018) on the top n: 2 · cos(q, c) − r(c), r(c) the
   * mean cosine of c to its k nearest papers (one number per paper, computed at ingest), so papers
   * near everything stop crowding every list.
   */
  csls: (corpus, parameters) => {
    const crowding = corpus.crowding(parameters.get('k') ?? 10);
    return async (label) => rerankBy(corpus, label, parameters.get('n') ?? defaultDepth, (candidate, cosine) => 2 * cosine - crowding[candidate]!);
  },
  /**
   * Pseudo-relevance feedback (Rocchio): search again with the paper's vector plus b times the
   * unit mean of its k nearest neighbours.
   */
  prf: (corpus, parameters) => async (label) => {
    const depth = parameters.get('n') ?? defaultDepth;
    const first = corpus.hnswNeighbors(label, parameters.get('k') ?? 5);
    const query = corpus.vector(label);
    const centroid = meanOfVectors(first.map((neighbor) => corpus.vector(neighbor.label)));
    const feedback = parameters.get('b') ?? 0.5;
    const expanded = meanOfVectors([query.map((value, d) => value + feedback * centroid[d]!)]);
    return corpus.index.vectors.searchExcluding(expanded, depth, new Set([label])).map((neighbor) => neighbor.label);
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

export async function prepareMethods(specs: readonly string[], context: MethodContext): Promise<{ corpus: Corpus; methods: RelatedMethod[] }> {
  const parsed = specs.map(parseMethod);
  const needs = (contextual: boolean) => parsed.some(({ name, parameters }) => sentenceMethods.has(name) && (parameters.get('v') === 1) === contextual);
  const corpus = await Corpus.load(context, { separate: needs(false), contextual: needs(true) });
  const methods = specs.map((spec) => {
    const { name, parameters } = parseMethod(spec);
    return { name: spec, answer: factories[name]!(corpus, parameters) };
  });
  return { corpus, methods };
}

async function proposed(corpus: Corpus, label: number, facet: SentenceRole | undefined, parameters: Parameters): Promise<number[]> {
  const weights = { title: parameters.get('t') ?? relatedWeights.title, facet: parameters.get('f') ?? relatedWeights.facet };
  const sentences = corpus.sentencesFor(parameters);
  const title = (paper: number) => (corpus.index.papers.byLabel(paper).title.trim() ? sentences.title(paper) : undefined);
  const candidates = corpus
    .hnswNeighbors(label, parameters.get('n') ?? relatedCandidates)
    .map((neighbor) => ({ id: String(neighbor.label), cosine: neighbor.score, title: title(neighbor.label), vector: corpus.vector(neighbor.label) }));
  const passage = facet ? facetPassage(splitSentences(corpus.index.papers.byLabel(label).abstract), facet) : undefined;
  const facetVector = passage ? (await corpus.embedder.embedPassages([passage]))[0] : undefined;
  return rankRelated({ title: title(label), facet: facetVector }, candidates, weights).map((item) => Number(item.id));
}

async function productAnswer(corpus: Corpus, label: number, facet: SentenceRole | undefined, parameters: Parameters): Promise<number[]> {
  const { hits } = await corpus.service.relatedToPaper(corpus.index.papers.byLabel(label).id, {
    k: parameters.get('n') ?? relatedCandidates,
    ...(facet ? { facet } : {}),
  });
  return hits.map((hit) => corpus.index.papers.labelOf(hit.id)!);
}

const similarModes: readonly SearchMode[] = ['hybrid', 'dense', 'lexical'];

async function similarAnswer(corpus: Corpus, label: number, parameters: Parameters): Promise<number[]> {
  const paper = corpus.index.papers.byLabel(label);
  const mode = similarModes[parameters.get('m') ?? 0];
  if (!mode) throw new Error(`similar:m= is 0 (hybrid), 1 (dense) or 2 (lexical).`);
  const { hits } = await corpus.service.similarToAbstract(paper.abstract, paper.title, { k: parameters.get('n') ?? relatedCandidates, mode });
  return hits.filter((hit) => hit.id !== paper.id).map((hit) => corpus.index.papers.labelOf(hit.id)!);
}

/** The top n HNSW neighbours re-ranked by w · cosine + (1 − w) · extra(candidate). */
function rerank(corpus: Corpus, label: number, parameters: Parameters, extra: (candidate: number) => number): number[] {
  const weight = parameters.get('w') ?? 0.5;
  return rerankBy(corpus, label, parameters.get('n') ?? defaultDepth, (candidate, cosine) => weight * cosine + (1 - weight) * extra(candidate));
}

function rerankBy(corpus: Corpus, label: number, depth: number, score: CandidateScore): number[] {
  return corpus
    .hnswNeighbors(label, depth)
    .map((neighbor) => ({ label: neighbor.label, score: score(neighbor.label, neighbor.score) }))
    .sort((a, b) => b.score - a.score || a.label - b.label)
    .map((item) => item.label);
}

/** `head`, then every other paper in exact dense order: a full ranking of the corpus without the query paper. */
export function withDenseTail(corpus: Corpus, label: number, head: readonly number[]): number[] {
  const seen = new Set(head);
  seen.add(label);
  return [
    ...head.filter((item) => item !== label),
    ...corpus
      .denseScores(label)
      .filter((item) => !seen.has(item.label))
      .map((item) => item.label),
  ];
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += a[d]! * b[d]!;
  return sum;
}

/** The loaded index and what the methods derive from it, computed once per model. */
export class Corpus {
  readonly service: SearchService;
  private readonly denseCache = new Map<number, ScoredLabel[]>();
  private readonly crowdingCache = new Map<number, Float64Array>();
  private readonly roleCache = new Map<number, SentenceRole[]>();

  private constructor(
    readonly index: LoadedIndex,
    readonly embedder: Embedder,
    /** Every stored unit vector, label order. */
    readonly vectors: Float32Array,
    readonly dimension: number,
    private readonly separateSentences: SentenceTable | undefined,
    private readonly contextualSentences: SentenceTable | undefined,
    storage: EmbeddedStorage,
  ) {
    this.service = new SearchService(storage, embedder);
  }

  static async load(context: MethodContext, sentences: { separate: boolean; contextual: boolean }): Promise<Corpus> {
    const { index } = context;
    const bytes = await readFile(join(index.folder, index.manifest.files.vectors));
    const vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const separate = sentences.separate ? await SentenceTable.load(index, context.embedder, context.cacheFolder, context.report) : undefined;
    const contextual = sentences.contextual
      ? await loadContextualSentences(index, context.embedder.model, {
          modelDir: context.modelDir,
          threads: context.threads,
          cacheFolder: context.cacheFolder,
          report: context.report,
        })
      : undefined;
    // Read-only: no API keys and no log folder, so the storage opens no log.
    const storage = await EmbeddedStorage.open({
      folder: index.folder,
      model: context.embedder.model,
      efSearch: index.vectors.efSearch,
      walDir: `${index.folder}.no-wal`,
      acceptsWrites: false,
      snapshotAfterOperations: 1,
      snapshotAfterMs: 60_000,
      log: createLogger('warn'),
    });
    return new Corpus(index, context.embedder, vectors, index.manifest.model.dimension, separate, contextual, storage);
  }

  /** Sentence and title vectors: each embedded alone, or with v=1 pooled from one pass over the whole paper. */
  sentencesFor(parameters: Parameters): SentenceTable {
    const table = parameters.get('v') === 1 ? this.contextualSentences : this.separateSentences;
    if (!table) throw new Error('This method needs sentence vectors; list it in sentenceMethods.');
    return table;
  }

  /** The rhetorical role of each abstract sentence of `label`. */
  roles(label: number): SentenceRole[] {
    let roles = this.roleCache.get(label);
    if (!roles) {
      roles = classifySentenceRoles(splitSentences(this.index.papers.byLabel(label).abstract));
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

  /** HNSW neighbours of the stored vector, as related-by-id asks for them. */
  hnswNeighbors(label: number, depth: number): ScoredLabel[] {
    return this.index.vectors.searchNear(label, depth, new Set());
  }

  vector(label: number): Float32Array {
    return this.vectors.subarray(label * this.dimension, (label + 1) * this.dimension);
  }

  ids(labels: readonly number[]): string[] {
    return labels.map((label) => this.index.papers.byLabel(label).id);
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
