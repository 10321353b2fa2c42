import { createHash } from 'node:crypto';
import { paperPassage, type Embedder } from '../embedding/embedder.js';
import { AppError } from '../errors.js';
import type { LiveIndex } from '../storage/embedded/live-index.js';
import type { Manifest } from '../storage/embedded/manifest.js';
import type { Paper } from '../papers/paper.js';
import { fuseNormalized, type FusedLabel, type ScoredLabel } from './fusion.js';
import { bothAccept, compileFilter as compilePaperFilter, type PaperFilter } from '../papers/paper-filter.js';
import { recommendationVector } from './recommend.js';
import { roundScore, toHits, type Hit } from './ranking.js';
import { splitSentences } from './sentences.js';
import type { SearchMode } from './search-modes.js';

export interface SearchOptions {
  /** Hits to return (the page size). */
  k: number;
  /** Hits to skip first: page n is offset n·k. The order is stable, so pages continue each other. */
  offset?: number;
  mode?: SearchMode;
  filter?: PaperFilter;
  /** Leave out hits scoring below this (in the mode's own score scale). */
  scoreThreshold?: number;
  /** Add to each hit the rank each retriever gave it and its abstract sentence closest to the query. */
  explain?: boolean;
}

export type RelatedOptions = Omit<SearchOptions, 'mode'>;

export interface IndexInfo {
  model: string;
  dimension: number;
  papers: number;
  createdAt: string;
  defaultMode: SearchMode;
}

export interface IndexStats {
  papers: number;
  /** Deleted or replaced papers still tombstoned in the index (purged by the next snapshot). */
  deleted: number;
  /** Logged write operations not yet folded into a snapshot. */
  pending: number;
  model: Manifest['model'];
  hnsw: Manifest['hnsw'] & { efSearch: number };
  lexical: Manifest['lexical'] & { terms: number };
  defaultMode: SearchMode;
  index: { folder: string; formatVersion: number; createdAt: string; snapshotAt: string | null; walSeq: number; source?: Manifest['source'] };
}

/**
 * Candidates each retriever contributes to a hybrid answer: deep enough that a paper ranked
 * low by one retriever and high by the other is still seen by the fusion. Always this many, so
 * every page of a hybrid list is cut from the same fused ranking.
 */
export const hybridCandidates = 100;

/**
 * What the service can answer, independent of transport: the HTTP layer (and any other front end)
 * calls these and never touches the model or the index itself.
 */
export class SearchService {
  constructor(
    private index: LiveIndex,
    private readonly embedder: Embedder,
    private readonly defaultMode: SearchMode = 'hybrid',
  ) {}

  /**
   * The index searches read (a snapshot swaps in a new one). Every method reads it once per
   * synchronous stretch, so one answer never mixes labels of two indexes.
   */
  get liveIndex(): LiveIndex {
    return this.index;
  }

  replaceIndex(next: LiveIndex): void {
    this.index = next;
  }

  get embedding(): Embedder {
    return this.embedder;
  }

  get info(): IndexInfo {
    const { manifest } = this.index;
    return {
      model: manifest.model.id,
      dimension: manifest.model.dimension,
      papers: this.index.papers.liveCount,
      createdAt: manifest.createdAt,
      defaultMode: this.defaultMode,
    };
  }

  /** Whether the model can still answer; the index cannot fail once loaded. */
  get healthy(): boolean {
    return this.embedder.healthy;
  }

  get stats(): IndexStats {
    const { manifest, folder, vectors, lexical, papers } = this.index;
    return {
      papers: papers.liveCount,
      deleted: papers.tombstoneCount,
      pending: this.index.pendingOperations,
      model: manifest.model,
      hnsw: { ...manifest.hnsw, efSearch: vectors.efSearch },
      lexical: { ...manifest.lexical, terms: lexical.termCount },
      defaultMode: this.defaultMode,
      index: {
        folder,
        formatVersion: manifest.formatVersion,
        createdAt: manifest.createdAt,
        snapshotAt: manifest.snapshotAt ?? null,
        walSeq: this.index.appliedSeq,
        source: manifest.source,
      },
    };
  }

  searchText(query: string, options: SearchOptions): Promise<Hit[]> {
    return this.retrieve(query, options, async () => (await this.embedder.embedQueries([query]))[0]!);
  }

  /** Many searches at once: the queries that need the model are embedded in one call; answers keep the order. */
  async searchTextBatch(queries: readonly { query: string; options: SearchOptions }[]): Promise<Hit[][]> {
    const needsModel = queries.filter(({ options }) => (options.mode ?? this.defaultMode) !== 'lexical' || options.explain);
    const vectors = await this.embedder.embedQueries(needsModel.map(({ query }) => query));
    const vectorOf = new Map(needsModel.map((item, i) => [item, vectors[i]!]));
    return Promise.all(queries.map((item) => this.retrieve(item.query, item.options, async () => vectorOf.get(item)!)));
  }

  similarToAbstract(abstract: string, title: string | undefined, options: SearchOptions): Promise<Hit[]> {
    // Embedded exactly as the stored papers were, so an abstract is compared like for like.
    const passage = paperPassage(title, abstract);
    return this.retrieve(passage, options, async () => (await this.embedder.embedPassages([passage]))[0]!);
  }

  /** Papers nearest to a stored paper's own vector (never re-embedded), the paper itself left out. */
  relatedToPaper(id: string, options: RelatedOptions): Promise<Hit[]> {
    const index = this.index;
    const label = labelOf(index, id);
    // hnswlib never returns its deleted nodes, so tombstones need no filter here.
    const neighbors = index.vectors.searchNear(label, pageEnd(options), new Set(), compileFilter(index, options.filter));
    return this.finish(index, ranked(neighbors, 'dense'), options, async () => index.vectors.vector(label));
  }

  /**
   * Papers like the positives and unlike the negatives (see recommendationVector), never the
   * inputs themselves. Uses the stored vectors: no model call unless hits are explained.
   */
  recommend(positiveIds: readonly string[], negativeIds: readonly string[], options: RelatedOptions): Promise<Hit[]> {
    const index = this.index;
    const unknown = [...positiveIds, ...negativeIds].filter((id) => index.papers.labelOf(id) === undefined);
    if (unknown.length > 0)
      throw new AppError('paper_not_found', `No paper with id ${unknown.map((id) => `"${id}"`).join(', ')}.`, { details: { ids: unknown } });
    const positives = positiveIds.map((id) => labelOf(index, id));
    const negatives = negativeIds.map((id) => labelOf(index, id));
    const inputs = new Set([...positives, ...negatives]);
    const query = recommendationVector(
      positives.map((label) => index.vectors.vector(label)),
      negatives.map((label) => index.vectors.vector(label)),
    );
    const neighbors = index.vectors.searchExcluding(query, pageEnd(options), inputs, compileFilter(index, options.filter));
    return this.finish(index, ranked(neighbors, 'dense'), options, async () => query);
  }

  /**
   * Stored papers in index order, a page at a time. The cursor is opaque to clients (the position
   * to continue from, encoded); a cursor this index did not issue is a 400.
   */
  listPapers(cursor: string | undefined, limit: number): { papers: Paper[]; nextCursor: string | null } {
    const { papers: store, manifest } = this.index;
    const indexTag = cursorTag(manifest);
    const start = cursor === undefined ? 0 : decodeCursor(cursor, indexTag, store.size);
    const papers: Paper[] = [];
    let next = store.size;
    for (const [label, paper] of store.entries(start)) {
      if (papers.length === limit) {
        next = label;
        break;
      }
      papers.push(paper);
    }
    return { papers, nextCursor: next < store.size ? encodeCursor(indexTag, next) : null };
  }

  /** The id a stored paper goes by, for any name of it (id, doi:…, arxiv:…); undefined if none. */
  storedId(name: string): string | undefined {
    const { papers } = this.index;
    const label = papers.labelOf(name);
    return label === undefined ? undefined : papers.byLabel(label).id;
  }

  getPaper(id: string): Paper {
    const index = this.index;
    return index.papers.byLabel(labelOf(index, id));
  }

  /** Runs the model once so the first real request does not pay for lazy initialisation. */
  async warmUp(): Promise<void> {
    await this.embedder.embedQueries(['warm up the model']);
    await this.embedder.embedPassages(['warm up the model with a passage']);
  }

  private async retrieve(text: string, options: SearchOptions, embed: () => Promise<Float32Array>): Promise<Hit[]> {
    const mode = options.mode ?? this.defaultMode;
    const needed = pageEnd(options);
    if (mode === 'hybrid' && needed > hybridCandidates) {
      // Fused scores are normalized over each retriever's top candidates; past them a page would
      // be fused over a different candidate set than the page before it, and pages would not join.
      throw new AppError(
        'invalid_input',
        `Hybrid results reach ${hybridCandidates} deep: offset + k must be at most ${hybridCandidates} in hybrid mode (use dense or lexical mode to page further).`,
        {
          details: {
            issues: [{ path: 'body.offset', message: `offset + k must be at most ${hybridCandidates} in hybrid mode`, code: 'too_big' }],
          },
        },
      );
    }
    if (mode === 'lexical') {
      const index = this.index;
      return this.finish(index, ranked(index.lexical.search(text, needed, compile(index, options.filter)), 'lexical'), options, embed);
    }
    const vector = await embed();
    // Read after the model call: a snapshot may have swapped the index meanwhile.
    const index = this.index;
    const denseAccept = compileFilter(index, options.filter);
    const queryVector = async () => vector;
    if (mode === 'dense') return this.finish(index, ranked(index.vectors.search(vector, needed, denseAccept), 'dense'), options, queryVector);
    const fused = fuseNormalized(
      index.vectors.search(vector, hybridCandidates, denseAccept),
      index.lexical.search(text, hybridCandidates, compile(index, options.filter)),
      {
        denseWeight: this.embedder.model.hybridDenseWeight,
      },
    );
    return this.finish(index, fused.slice(0, needed), options, queryVector);
  }

  /**
   * The requested page of the ranked list (hits are ordered once over the whole prefix, then cut),
   * with explanations when asked for.
   */
  private async finish(index: LiveIndex, list: readonly FusedLabel[], options: SearchOptions, queryVector: () => Promise<Float32Array>): Promise<Hit[]> {
    const threshold = options.scoreThreshold;
    const hits = toHits(list, (label) => index.papers.byLabel(label))
      .slice(options.offset ?? 0, pageEnd(options))
      .filter((hit) => threshold === undefined || hit.score >= threshold);
    if (!options.explain || hits.length === 0) return hits;
    const ranksById = new Map(list.map((item) => [index.papers.byLabel(item.label).id, item.ranks]));
    const sentences = hits.map((hit) => splitSentences(hit.abstract));
    const [vector, sentenceVectors] = await Promise.all([queryVector(), this.embedder.embedPassages(sentences.flat())]);
    let next = 0;
    return hits.map((hit, i) => {
      const scored = sentences[i]!.map((text) => ({ text, score: roundScore(dot(vector, sentenceVectors[next++]!)) }));
      const closest = scored.reduce<(typeof scored)[number] | undefined>((best, item) => (!best || item.score > best.score ? item : best), undefined);
      return { ...hit, explain: { ranks: ranksById.get(hit.id) ?? {}, closest_sentence: closest ?? null } };
    });
  }
}

function labelOf(index: LiveIndex, id: string): number {
  const label = index.papers.labelOf(id);
  if (label === undefined) throw new AppError('paper_not_found', `No paper with id "${id}".`, { details: { id } });
  return label;
}

/**
 * The filter as a predicate over labels of `index`, with tombstones left out when there are any
 * (hnswlib skips its deleted nodes itself; BM25 relies on this).
 */
function compile(index: LiveIndex, filter: PaperFilter | undefined): ((label: number) => boolean) | undefined {
  const { papers } = index;
  return papers.tombstoneCount > 0 ? bothAccept((label) => papers.isLive(label), compileFilter(index, filter)) : compileFilter(index, filter);
}

/**
 * The filter alone, for HNSW searches (undefined when it asks for nothing, so that they run
 * without a callback). Still safe on a tombstone's label.
 */
function compileFilter(index: LiveIndex, filter: PaperFilter | undefined): ((label: number) => boolean) | undefined {
  const { papers } = index;
  const matches = compilePaperFilter(
    filter,
    (label) => papers.byLabel(label),
    (id) => papers.labelOf(id),
  );
  return matches && ((label) => papers.isLive(label) && matches(label));
}

function pageEnd(options: { k: number; offset?: number }): number {
  return (options.offset ?? 0) + options.k;
}

/**
 * Ties a cursor to the index folder that issued it: a rebuilt index, or a snapshot (which
 * renumbers the papers), has other positions. Writes in between keep positions: they only append
 * labels and tombstone others.
 */
function cursorTag(manifest: Manifest): string {
  return createHash('sha256')
    .update(`${manifest.createdAt}:${manifest.count}:${manifest.walSeq ?? 0}`)
    .digest('hex')
    .slice(0, 12);
}

function encodeCursor(tag: string, position: number): string {
  return Buffer.from(`${tag}:${position}`).toString('base64url');
}

function decodeCursor(cursor: string, tag: string, size: number): number {
  const match = /^([0-9a-f]{12}):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  const position = match && match[1] === tag ? Number(match[2]) : Number.NaN;
  if (!Number.isSafeInteger(position) || position < 0 || position > size) {
    throw new AppError('invalid_input', 'The cursor was not issued by this index (it may have been rebuilt since); start again without one.', {
      details: {
        issues: [{ path: 'query.cursor', message: 'unknown cursor', code: 'custom' }],
      },
    });
  }
  return position;
}

/** One retriever's list in the shape fusion produces, so every mode is paged and explained alike. */
function ranked(list: readonly ScoredLabel[], mode: 'dense' | 'lexical'): FusedLabel[] {
  return list.map((item, index) => ({ label: item.label, score: item.score, ranks: { [mode]: index + 1 } }));
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += a[d]! * b[d]!;
  return sum;
}
