import { setImmediate } from 'node:timers/promises';
import type { EmbedRequestOptions } from '../embedding/embed-scheduler.js';
import { paperPassage, type Embedder } from '../embedding/embedder.js';
import { embedPapers } from '../embedding/paper-vectors.js';
import { invalidInput } from '../errors.js';
import { authorNameOfQuery, type NamedAuthor } from '../papers/author-query.js';
import { maxValuesPerFacet, type FacetCounts, type FacetName } from '../papers/paper-facets.js';
import type { PaperFilter } from '../papers/paper-filter.js';
import type { Paper } from '../papers/paper.js';
import { paperNotFound } from '../papers/identifiers.js';
import type { CandidateQuery, PaperPage, PaperStorage, ScoredId, StorageHealth, StorageStats } from '../storage/paper-storage.js';
import { groupByPrimaryCategory, type CollectionMap } from './collection-map.js';
import { CandidateCache, defaultResultCacheSize } from './candidate-cache.js';
import type { CacheSlot } from '../shared/versioned-cache.js';
import { explainHits } from './explain.js';
import { fuseCalibrated, relativeLexicalScore } from './calibrated-fusion.js';
import { hitsJson } from './hits-json.js';
import { assertHybridDepth, candidateDepth, firstByScoreThenId, pageEnd, pageOf, passesThreshold } from './list-paging.js';
import { rankedBy, toHit, type Hit, type RankedCandidate } from './ranking.js';
import { PaperNames } from './paper-names.js';
import { recommendationVector, topicAnchors } from './recommend.js';
import { rankRelated, relatedCandidates, type RelatedCandidate } from './related/related-ranking.js';
import { facetPassage, type SentenceRole } from './related/sentence-roles.js';
import { TitleVectors } from './related/title-vectors.js';
import { splitSentences } from './sentences.js';
import { hybridCandidates, type SearchMode } from './search-modes.js';

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
  /** Count these facets over the list's candidates (see facetCandidates). */
  facets?: readonly FacetName[];
}

/** A ranked list: the requested page, and the facet counts of its candidates when asked for. */
export interface RankedList {
  hits: Hit[];
  facets?: FacetCounts;
  /** The stored paper a search's query names by its arXiv id, DOI or a link (see paperNameOfQuery). */
  namedPaper?: { id: string; title: string };
  /** A search's query with its slips corrected, when some of its words few or no papers hold (see PaperStorage.spellingSuggestion). */
  suggestedQuery?: string;
  /** The author a search's query names, when it is a person's name some stored papers list (see authorNameOfQuery). */
  namedAuthor?: NamedAuthor;
}

export type RelatedOptions = Omit<SearchOptions, 'mode'>;

/** Related-by-id options: a list's options and, optionally, the facet of the paper to relate on. */
export type RelatedToPaperOptions = RelatedOptions & {
  /** Rank by the query paper's abstract sentences playing this role (see facetPassage). */
  facet?: SentenceRole;
};

export interface IndexInfo {
  model: string;
  dimension: number;
  papers: number;
  createdAt: string;
  defaultMode: SearchMode;
}

export type ServiceStats = StorageStats & { defaultMode: SearchMode };

/** What "more like this / less like this" says: papers marked either way, and the search they refine. */
export interface Feedback {
  positive: readonly string[];
  negative: readonly string[];
  query?: string;
}

/**
 * What the service can answer, independent of transport: the HTTP layer (and any other front end)
 * calls these and never touches the model or the storage itself.
 */
export class SearchService {
  private readonly titleVectors = new TitleVectors();

  private readonly candidates: CandidateCache;
  private readonly names: PaperNames;

  constructor(
    private readonly storage: PaperStorage,
    private readonly embedder: Embedder,
    /** The mode of a search that names none (SEARCH_MODE). */
    readonly defaultMode: SearchMode = 'hybrid',
    resultCacheSize = defaultResultCacheSize,
  ) {
    this.candidates = new CandidateCache(resultCacheSize);
    this.names = new PaperNames(storage);
  }

  async info(): Promise<IndexInfo> {
    const { papers } = await this.storage.stats();
    return { model: this.storage.model.id, dimension: this.storage.model.dimension, papers, createdAt: this.storage.createdAt, defaultMode: this.defaultMode };
  }

  /**
   * The version of the collection's contents answers are computed from now (see
   * PaperStorage.resultsVersion): a front end may keep an answer while it stays the same, or
   * undefined when answers must not be kept.
   */
  contentsVersion(): number | undefined {
    return this.storage.resultsVersion();
  }

  /** Whether the model and the storage can answer now, and if not, which cannot. */
  get readiness(): 'ready' | 'model_restarting' | 'model_failed' | 'storage_down' {
    if (this.embedder.state === 'failed') return 'model_failed';
    if (this.embedder.state === 'restarting') return 'model_restarting';
    return this.storage.health().status === 'down' ? 'storage_down' : 'ready';
  }

  /** The storage's own view: `degraded` still answers (a replica is down, say). */
  get storageHealth(): StorageHealth {
    return this.storage.health();
  }

  async stats(): Promise<ServiceStats> {
    return { ...(await this.storage.stats()), defaultMode: this.defaultMode };
  }

  /** `caller` says who asks and until when, for the model's fair share (see EmbedScheduler); every method takes it. */
  async searchText(query: string, options: SearchOptions, caller?: EmbedRequestOptions): Promise<RankedList> {
    const [list, notes] = await Promise.all([
      this.retrieve(query, 'query', options, caller, async () => (await this.embedder.embedQueries([query], caller))[0]!),
      this.queryNotes(query, { suggest: !(options.offset && options.offset > 0) }),
    ]);
    return { ...list, ...notes };
  }

  /**
   * What a search answers about its query besides the list: the paper it names, or else (with
   * `suggest`: a first page, not a batch, whose up to 64 queries would each cost the main thread a
   * correction or the cluster a count) the author it names, or else its spelling corrected. A
   * person's name searched as words matches no abstract, and is no slip to correct.
   */
  private async queryNotes(query: string, { suggest }: { suggest: boolean }): Promise<Pick<RankedList, 'namedPaper' | 'suggestedQuery' | 'namedAuthor'>> {
    const named = await this.names.namedByQuery(query);
    if (named) return { namedPaper: named };
    if (!suggest) return {};
    const authorName = authorNameOfQuery(query);
    const author = authorName === undefined ? undefined : await this.storage.author(authorName);
    if (author) return { namedAuthor: author };
    const suggested = await this.storage.spellingSuggestion?.(query);
    return suggested === undefined ? {} : { suggestedQuery: suggested };
  }

  /** Many searches at once: the queries that need the model are embedded in one call; answers keep the order. */
  async searchTextBatch(queries: readonly { query: string; options: SearchOptions }[], caller?: EmbedRequestOptions): Promise<RankedList[]> {
    // Before any model call, and naming the query at fault.
    queries.forEach(({ options }, i) => assertHybridDepth(options.mode ?? this.defaultMode, options, `queries.${i}.`));
    // A query whose ranked list is cached needs the model only to explain its hits.
    const needsModel = queries.filter(
      ({ query, options }) => options.explain || ((options.mode ?? this.defaultMode) !== 'lexical' && !this.cachedList(query, 'query', options)),
    );
    const vectors =
      needsModel.length > 0
        ? await this.embedder.embedQueries(
            needsModel.map(({ query }) => query),
            caller,
          )
        : [];
    const vectorOf = new Map(needsModel.map((item, i) => [item, vectors[i]!]));
    // A write while the batch was embedded may have emptied the cache: such a query is embedded alone.
    const embedOne = async (item: (typeof queries)[number]) => vectorOf.get(item) ?? (await this.embedder.embedQueries([item.query], caller))[0]!;
    // One query at a time, letting other requests run between: the embedded storage answers
    // without waiting on I/O, so all of a batch at once would hold the event loop for every
    // query's search (64 of them held a related-by-id request up to 130 ms).
    const lists: RankedList[] = [];
    for (const item of queries) {
      const list = await this.retrieve(item.query, 'query', item.options, caller, () => embedOne(item));
      lists.push({ ...list, ...(await this.queryNotes(item.query, { suggest: false })) });
      await setImmediate();
    }
    return lists;
  }

  similarToAbstract(abstract: string, title: string | undefined, options: SearchOptions, caller?: EmbedRequestOptions): Promise<RankedList> {
    // Embedded exactly as the stored papers were, so an abstract is compared like for like.
    const passage = paperPassage(title, abstract);
    // The title is embedded alone as well, so it is part of what decides the vector.
    const embeddedAs = JSON.stringify(['passage', title?.trim() ?? '']);
    // Alone in its model calls, as queries are, so its vector does not depend on what else is in flight.
    return this.retrieve(
      passage,
      embeddedAs,
      options,
      caller,
      async () => (await embedPapers(this.embedder, [{ title, abstract }], { ...caller, alone: true }))[0]!,
      wordsSearchedOf(passage),
    );
  }

  /**
   * Papers related to a stored paper, the paper itself left out: its stored vector's nearest
   * neighbours by cosine (no model call: the fast path every cheap request takes). With a facet,
   * the nearest `relatedCandidates` of them are re-ranked by relatedScore (paper and title cosines
   * and the facet's sentences), which embeds titles and the facet passage with the model.
   */
  async relatedToPaper(name: string, options: RelatedToPaperOptions, caller?: EmbedRequestOptions): Promise<RankedList> {
    const queryVector = async () => (await this.names.storedVectors([name])).vectors[0]!;
    return this.finish(await this.relatedCandidates(name, options, caller), options, caller, queryVector);
  }

  /**
   * relatedToPaper's hits as a JSON array, exactly as `JSON.stringify` writes them, for lists with
   * every field and neither explanations nor facets: a transport sends it as it is, and the
   * records kept encoded by the storage are neither decoded nor encoded again (see hitsJson).
   */
  async relatedToPaperJson(name: string, options: Omit<RelatedToPaperOptions, 'explain' | 'facets'>, caller?: EmbedRequestOptions): Promise<Buffer> {
    const page = pageOf(await this.relatedCandidates(name, options, caller), options);
    const ids = page.map((candidate) => candidate.id);
    if (!this.storage.paperJson) {
      const papers = await this.storage.papers(ids);
      return Buffer.from(JSON.stringify(page.flatMap((candidate, i) => (papers[i] ? [toHit(candidate, papers[i])] : []))));
    }
    const records = await this.storage.paperJson(ids);
    return hitsJson(
      page.flatMap((candidate, i) => {
        const paperJson = records[i];
        return paperJson ? [{ candidate, paperJson }] : [];
      }),
    );
  }

  private async relatedCandidates(name: string, options: RelatedToPaperOptions, caller: EmbedRequestOptions | undefined): Promise<RankedCandidate[]> {
    if (options.facet === undefined) {
      // The storage resolves the name itself: on a remote backend, one round trip fewer.
      const neighbours = await firstByScoreThenId(candidateDepth(options), (k) => this.storage.related(name, { k, filter: options.filter }));
      return rankedBy(neighbours, 'dense');
    }
    if (pageEnd(options) > relatedCandidates) {
      // The facet re-ranks the paper's nearest neighbours: a deeper page would re-rank more of
      // them, in another order, and pages would not join.
      throw invalidInput(
        `Related papers by a facet reach ${relatedCandidates} deep: offset + k must be at most ${relatedCandidates} with facet (leave facet out to page further).`,
        [{ path: 'offset', message: `offset + k must be at most ${relatedCandidates} with facet`, code: 'too_big' }],
      );
    }
    const id = await this.storage.resolve(name);
    if (id === undefined) throw paperNotFound([name]);
    const neighbours = await this.storage.related(id, { k: relatedCandidates, filter: options.filter });
    return rankedBy(await this.rerankRelated(id, neighbours, options.facet, caller), 'dense');
  }

  /**
   * Papers like the positives and unlike the negatives, on the query's topic when there is one
   * (see recommendationVector), never the inputs themselves. Uses the stored vectors: no model
   * call unless there is a query or hits are explained.
   */
  async recommend(feedback: Feedback, options: RelatedOptions, caller?: EmbedRequestOptions): Promise<RankedList> {
    const { positive: positiveNames, negative: negativeNames } = feedback;
    const { ids: inputs, vectors } = await this.names.storedVectors([...positiveNames, ...negativeNames]);
    const topic = feedback.query === undefined ? undefined : (await this.embedder.embedQueries([feedback.query], caller))[0]!;
    const negatives = vectors.slice(positiveNames.length);
    const positives =
      positiveNames.length === 0 && topic && negatives.length > 0
        ? await this.topicAnchorVectors(topic, inputs, options.filter)
        : vectors.slice(0, positiveNames.length);
    const query = recommendationVector(positives, negatives, topic);
    // The request's own check compares names; a DOI and an id can name the same paper.
    const positiveIds = new Set(inputs.slice(0, positiveNames.length));
    const both = negativeNames.filter((_, i) => positiveIds.has(inputs[positiveNames.length + i]!));
    if (both.length > 0) {
      throw invalidInput(`A paper cannot be both positive and negative: ${both.map((name) => `"${name}"`).join(', ')} names a positive paper.`, [
        { path: 'negative', message: 'a paper cannot be both positive and negative', code: 'custom' },
      ]);
    }
    const neighbours = await firstByScoreThenId(candidateDepth(options), (k) => this.storage.nearest(query, { k, filter: options.filter, exclude: inputs }));
    return this.finish(rankedBy(neighbours, 'dense'), options, caller, async () => query);
  }

  /** The stored vectors of the query's nearest papers that are not negatives (see topicAnchors); they may come back as hits. */
  private async topicAnchorVectors(topic: Float32Array, negatives: readonly string[], filter: PaperFilter | undefined): Promise<Float32Array[]> {
    const anchors = await this.storage.nearest(topic, { k: topicAnchors, filter, exclude: negatives });
    // Ids the search just returned: read as they are, not resolved again as names.
    const vectors = await this.storage.vectors(anchors.map((anchor) => anchor.id));
    return vectors.filter((vector): vector is Float32Array => vector !== undefined);
  }

  /** Stored papers a page at a time, in the storage's stable order; the cursor is opaque to clients. */
  listPapers(cursor: string | undefined, limit: number): Promise<PaperPage> {
    return this.storage.list(cursor, limit);
  }

  /** Facet counts over every stored paper matching `filter` (no ranking involved). */
  collectionFacets(fields: readonly FacetName[], filter: PaperFilter | undefined): Promise<FacetCounts> {
    return this.storage.facets({ fields, filter, maxValuesPerFacet });
  }

  /** Every stored paper's place on a 2-D map of the collection, grouped by primary category. */
  async map(): Promise<CollectionMap> {
    return groupByPrimaryCategory(await this.storage.map());
  }

  /** The stored papers `names` name, in their order (undefined for a name no paper answers to; see PaperNames.papers). */
  getPapers(written: readonly string[]): Promise<(Paper | undefined)[]> {
    return this.names.papers(written);
  }

  /** The stored paper a name (id, doi:…, arxiv:…) names. */
  getPaper(name: string): Promise<Paper> {
    return this.names.paper(name);
  }

  /**
   * The neighbours re-ranked by relatedScore. Their cosines come with them; their stored vectors
   * are read only for a facet (reading a vector out of the HNSW graph costs more than the rest).
   */
  private async rerankRelated(id: string, neighbours: readonly ScoredId[], facet: SentenceRole, caller: EmbedRequestOptions | undefined): Promise<ScoredId[]> {
    const ids = neighbours.map((neighbour) => neighbour.id);
    const papers = await this.storage.papers([id, ...ids]);
    const query = papers[0];
    if (!query) return [...neighbours];
    const passage = facetPassage(splitSentences(query.abstract), facet);
    // Each text alone in its model call, as queries are: the list must not depend on what else is
    // embedded at once (nor, for the kept title vectors, on what was when they were computed).
    const alone = { ...caller, alone: true };
    const [titles, facetVectors, vectors] = await Promise.all([
      this.titleVectors.of(
        papers.map((paper) => paper?.title ?? ''),
        (missing) => this.embedder.embedPassages(missing, alone),
      ),
      passage ? this.embedder.embedPassages([passage], alone) : undefined,
      passage ? this.storage.vectors(ids) : undefined,
    ]);
    // A paper deleted between the two reads is left out, as finish would.
    const candidates = neighbours.flatMap((neighbour, i): RelatedCandidate[] =>
      papers[i + 1] ? [{ id: neighbour.id, cosine: neighbour.score, title: titles[i + 1], ...(vectors?.[i] ? { vector: vectors[i] } : {}) }] : [],
    );
    return rankRelated({ title: titles[0], facet: facetVectors?.[0] }, candidates);
  }

  /**
   * `embeddedAs`: how `text` becomes the query vector, beside the text itself (part of the cache
   * key): `query`, or for an abstract the passage kind with its title (the vectors differ).
   */
  private async retrieve(
    text: string,
    embeddedAs: string,
    options: SearchOptions,
    caller: EmbedRequestOptions | undefined,
    embed: () => Promise<Float32Array>,
    /** The text BM25 searches, when not all of `text` (see wordsSearchedOf). */
    wordsSearched = text,
  ): Promise<RankedList> {
    const mode = options.mode ?? this.defaultMode;
    assertHybridDepth(mode, options);
    const { filter } = options;
    const depth = candidateDepth(options);
    const slot = this.cacheSlot(text, embeddedAs, options);
    const cached = slot && this.candidates.get(slot);
    if (cached) return this.finish([...cached], options, caller, embed);
    let list: RankedCandidate[];
    let queryVector = embed;
    if (mode === 'lexical') {
      const [hits, ceiling] = await Promise.all([
        firstByScoreThenId(depth, (k) => this.storage.lexical(wordsSearched, { k, filter })),
        this.storage.lexicalCeiling(wordsSearched),
      ]);
      list = rankedBy(
        hits.map((hit) => ({ id: hit.id, score: relativeLexicalScore(hit.score, ceiling) })),
        'lexical',
      );
    } else {
      const vector = await embed();
      queryVector = async () => vector;
      list =
        mode === 'dense'
          ? rankedBy(await firstByScoreThenId(depth, (k) => this.storage.nearest(vector, { k, filter })), 'dense')
          : await this.fuseHybrid(wordsSearched, vector, filter);
    }
    if (slot) this.candidates.set(slot, [...list]);
    return this.finish(list, options, caller, queryVector);
  }

  /** Where the ranked list of `text` is cached, or undefined when lists cannot be cached (see PaperStorage.resultsVersion). */
  private cacheSlot(text: string, embeddedAs: string, options: SearchOptions): CacheSlot | undefined {
    const version = this.candidates.capacity > 0 ? this.storage.resultsVersion() : undefined;
    if (version === undefined) return undefined;
    const mode = options.mode ?? this.defaultMode;
    // A hybrid list is always fused from the same depth, so every page of it shares one entry.
    return {
      owner: this,
      version,
      key: JSON.stringify([embeddedAs, mode, mode === 'hybrid' ? hybridCandidates : candidateDepth(options), options.filter ?? null, text]),
    };
  }

  private cachedList(text: string, embeddedAs: string, options: SearchOptions): readonly RankedCandidate[] | undefined {
    const slot = this.cacheSlot(text, embeddedAs, options);
    return slot && this.candidates.get(slot);
  }

  /**
   * Both retrievers' top candidates, each scored absolutely on its own cosine and BM25 (the
   * signal a candidate's other retriever did not return is looked up: its stored vector's cosine,
   * or its exact BM25).
   */
  private async fuseHybrid(text: string, vector: Float32Array, filter: PaperFilter | undefined): Promise<RankedCandidate[]> {
    const query = { k: hybridCandidates, filter };
    const [{ dense, lexical, denseBm25 }, ceiling] = await Promise.all([this.retrieveBoth(text, vector, query), this.storage.lexicalCeiling(text)]);
    const denseIds = new Set(dense.map((hit) => hit.id));
    const lexicalIds = new Set(lexical.map((hit) => hit.id));
    const onlyLexical = [...lexicalIds].filter((id) => !denseIds.has(id));
    const onlyDense = [...denseIds].filter((id) => !lexicalIds.has(id));
    const [cosines, bm25] = await Promise.all([
      this.storage.cosines(vector, onlyLexical),
      denseBm25 ? onlyDense.map((id) => denseBm25.get(id)!) : this.storage.lexicalScores(text, onlyDense),
    ]);
    const missing = {
      cosines: new Map(onlyLexical.map((id, i) => [id, cosines[i] ?? 0])),
      bm25: new Map(onlyDense.map((id, i) => [id, bm25[i]!])),
    };
    return fuseCalibrated(dense, lexical, missing, ceiling, this.storage.model.hybridCalibration);
  }

  /**
   * Both retrievers' candidates; with a backend that scores every paper of a query in one pass,
   * also the BM25 of each dense candidate, taken from that pass (see PaperStorage.lexicalWithScores).
   */
  private async retrieveBoth(
    text: string,
    vector: Float32Array,
    query: CandidateQuery,
  ): Promise<{ dense: ScoredId[]; lexical: ScoredId[]; denseBm25?: ReadonlyMap<string, number> }> {
    if (!this.storage.lexicalWithScores) {
      const [dense, lexical] = await Promise.all([this.storage.nearest(vector, query), this.storage.lexical(text, query)]);
      return { dense, lexical };
    }
    const dense = await this.storage.nearest(vector, query);
    const { hits, scores } = await this.storage.lexicalWithScores(
      text,
      query,
      dense.map((hit) => hit.id),
    );
    return { dense, lexical: hits, denseBm25: new Map(dense.map((hit, i) => [hit.id, scores[i]!])) };
  }

  /**
   * The requested page of a ranked list (ordered once over all its candidates, then cut), with the
   * papers' records, explanations and the candidates' facet counts when asked for. A paper deleted
   * since it was ranked is left out.
   */
  private async finish(
    list: RankedCandidate[],
    options: SearchOptions,
    caller: EmbedRequestOptions | undefined,
    queryVector: () => Promise<Float32Array>,
  ): Promise<RankedList> {
    const page = pageOf(list, options);
    const [papers, facets] = await Promise.all([
      this.storage.papers(page.map((candidate) => candidate.id)),
      options.facets?.length
        ? this.storage.facets({ fields: options.facets, ids: list.filter(passesThreshold(options)).map((candidate) => candidate.id), maxValuesPerFacet })
        : undefined,
    ]);
    const hits = page.flatMap((candidate, i) => {
      const paper = papers[i];
      return paper ? [toHit(candidate, paper)] : [];
    });
    const explained = options.explain
      ? await explainHits(hits, new Map(list.map((candidate) => [candidate.id, candidate.ranks])), queryVector, (sentences) =>
          this.embedder.embedPassages(sentences, { ...caller, alone: true }),
        )
      : hits;
    return facets ? { hits: explained, facets } : { hits: explained };
  }
}

/**
 * Characters of an abstract its words are searched with. BM25 over a text costs main-thread time
 * in proportion to its distinct words: a 100,000-character abstract took 27 ms, and sixteen at
 * once held every other request up to 0.7 s. Real abstracts are a few thousand characters (the
 * model reads only the first 256 tokens of any), so only pasted full texts are cut.
 */
const wordsSearchedCharacters = 20_000;

/** An abstract's text as its words are searched: whole, or cut at the last space before wordsSearchedCharacters. */
function wordsSearchedOf(passage: string): string {
  if (passage.length <= wordsSearchedCharacters) return passage;
  const cut = passage.lastIndexOf(' ', wordsSearchedCharacters);
  return passage.slice(0, cut > 0 ? cut : wordsSearchedCharacters);
}
