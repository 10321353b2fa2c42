import type { HitsResponse, PaperResponse, RecommendRequest, RelatedQuery, SearchRequest, SimilarRequest } from '../../client/paper-search-client.js';

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
  paper(id: string): Promise<PaperResponse>;
  close(): Promise<void>;
}
