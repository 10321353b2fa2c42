import { paperPassage, type Embedder } from '../embedding/embedder.js';
import { AppError } from '../errors.js';
import type { LoadedIndex } from '../index/index-folder.js';
import type { Paper } from '../store/paper.js';
import { toHits, type Hit } from './ranking.js';

export interface IndexInfo {
  model: string;
  dimension: number;
  papers: number;
  createdAt: string;
}

/**
 * What the service can answer, independent of transport: the HTTP layer (and any other front end)
 * calls these and never touches the model or the index itself.
 */
export class SearchService {
  constructor(
    private readonly index: LoadedIndex,
    private readonly embedder: Embedder,
  ) {}

  get info(): IndexInfo {
    const { manifest } = this.index;
    return { model: manifest.model.id, dimension: manifest.model.dimension, papers: manifest.count, createdAt: manifest.createdAt };
  }

  async searchText(query: string, k: number): Promise<Hit[]> {
    const [vector] = await this.embedder.embedQueries([query]);
    return this.nearest(vector!, k);
  }

  async similarToAbstract(abstract: string, title: string | undefined, k: number): Promise<Hit[]> {
    // Embedded exactly as the stored papers were, so an abstract is compared like for like.
    const [vector] = await this.embedder.embedPassages([paperPassage(title, abstract)]);
    return this.nearest(vector!, k);
  }

  /** Papers nearest to a stored paper's own vector (never re-embedded), the paper itself left out. */
  relatedToPaper(id: string, k: number): Hit[] {
    const label = this.labelOf(id);
    return this.nearest(this.index.vectors.vector(label), k, (candidate) => candidate !== label);
  }

  getPaper(id: string): Paper {
    return this.index.papers.byLabel(this.labelOf(id));
  }

  /** Runs the model once so the first real request does not pay for lazy initialisation. */
  async warmUp(): Promise<void> {
    await this.embedder.embedQueries(['warm up the model']);
    await this.embedder.embedPassages(['warm up the model with a passage']);
  }

  private labelOf(id: string): number {
    const label = this.index.papers.labelOf(id);
    if (label === undefined) throw new AppError('paper_not_found', `No paper with id "${id}".`, { id });
    return label;
  }

  private nearest(vector: Float32Array, k: number, accept?: (label: number) => boolean): Hit[] {
    const neighbors = this.index.vectors.search(vector, k, accept);
    return toHits(neighbors, (label) => this.index.papers.byLabel(label));
  }
}
