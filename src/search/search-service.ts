import { paperPassage, type Embedder } from '../embedding/embedder.js';
import { AppError } from '../errors.js';
import type { LoadedIndex } from '../index/index-folder.js';
import type { Paper } from '../store/paper.js';
import { fuseNormalized, type FusedLabel, type ScoredLabel } from './fusion.js';
import { toHits, type Hit } from './ranking.js';
import type { SearchMode } from './search-modes.js';

export interface SearchOptions {
  k: number;
  mode?: SearchMode;
}

export interface IndexInfo {
  model: string;
  dimension: number;
  papers: number;
  createdAt: string;
  defaultMode: SearchMode;
}

/**
 * Candidates each retriever contributes to a hybrid answer: deep enough that a paper ranked
 * low by one retriever and high by the other is still seen by the fusion.
 */
const hybridCandidates = 100;

/**
 * What the service can answer, independent of transport: the HTTP layer (and any other front end)
 * calls these and never touches the model or the index itself.
 */
export class SearchService {
  constructor(
    private readonly index: LoadedIndex,
    private readonly embedder: Embedder,
    private readonly defaultMode: SearchMode = 'hybrid',
  ) {}

  get info(): IndexInfo {
    const { manifest } = this.index;
    return {
      model: manifest.model.id,
      dimension: manifest.model.dimension,
      papers: manifest.count,
      createdAt: manifest.createdAt,
      defaultMode: this.defaultMode,
    };
  }

  searchText(query: string, options: SearchOptions): Promise<Hit[]> {
    return this.retrieve(query, options, async () => (await this.embedder.embedQueries([query]))[0]!);
  }

  similarToAbstract(abstract: string, title: string | undefined, options: SearchOptions): Promise<Hit[]> {
    // Embedded exactly as the stored papers were, so an abstract is compared like for like.
    const passage = paperPassage(title, abstract);
    return this.retrieve(passage, options, async () => (await this.embedder.embedPassages([passage]))[0]!);
  }

  /** Papers nearest to a stored paper's own vector (never re-embedded), the paper itself left out. */
  relatedToPaper(id: string, k: number): Hit[] {
    const label = this.labelOf(id);
    const neighbors = this.index.vectors.search(this.index.vectors.vector(label), k, (candidate) => candidate !== label);
    return this.hits(neighbors);
  }

  getPaper(id: string): Paper {
    return this.index.papers.byLabel(this.labelOf(id));
  }

  /** Runs the model once so the first real request does not pay for lazy initialisation. */
  async warmUp(): Promise<void> {
    await this.embedder.embedQueries(['warm up the model']);
    await this.embedder.embedPassages(['warm up the model with a passage']);
  }

  private async retrieve(text: string, options: SearchOptions, embed: () => Promise<Float32Array>): Promise<Hit[]> {
    const mode = options.mode ?? this.defaultMode;
    if (mode === 'lexical') return this.hits(this.index.lexical.search(text, options.k));
    const vector = await embed();
    if (mode === 'dense') return this.hits(this.index.vectors.search(vector, options.k));
    const depth = Math.max(options.k, hybridCandidates);
    const fused = fuseNormalized(this.index.vectors.search(vector, depth), this.index.lexical.search(text, depth), {
      denseWeight: this.embedder.model.hybridDenseWeight,
    });
    return this.hits(fused.slice(0, options.k));
  }

  private labelOf(id: string): number {
    const label = this.index.papers.labelOf(id);
    if (label === undefined) throw new AppError('paper_not_found', `No paper with id "${id}".`, { id });
    return label;
  }

  private hits(ranked: readonly (ScoredLabel | FusedLabel)[]): Hit[] {
    return toHits(ranked, (label) => this.index.papers.byLabel(label));
  }
}
