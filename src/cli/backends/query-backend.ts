import type {
  HitsResponse,
  PaperField,
  PaperLookupResponse,
  PaperResponse,
  RecommendRequest,
  RelatedQuery,
  SearchRequest,
  SimilarRequest,
} from '../../client/paper-search-client.js';

/**
 * What the query commands ask of a collection, whether a server answers (`--url`) or the index
 * folder is opened in this process (`--index`). Requests and answers have the HTTP API's shapes,
 * so both give the same output.
 */
export interface QueryBackend {
  search(request: SearchRequest): Promise<HitsResponse>;
  similar(request: SimilarRequest): Promise<HitsResponse>;
  related(id: string, query: RelatedQuery): Promise<HitsResponse>;
  recommend(request: RecommendRequest): Promise<HitsResponse>;
  /** The paper, or with `fields` only those stored fields (and the id), as GET /v1/papers/:id answers. */
  paper(id: string, fields?: readonly PaperField[]): Promise<PaperResponse>;
  /** The papers `ids` name, in that order (null for a name no paper has), as POST /v1/papers/batch answers. */
  papers(ids: readonly string[], fields?: readonly PaperField[]): Promise<PaperLookupResponse>;
  close(): Promise<void>;
}
