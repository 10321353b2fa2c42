/** The package's public entry: the typed HTTP client. The service itself runs from `npm start`. */
export {
  PaperSearchClient,
  PaperSearchError,
  type BatchResponse,
  type BatchSearchRequest,
  type HitsResponse,
  type ListPapersQuery,
  type PaperListResponse,
  type PaperResponse,
  type PaperSearchClientOptions,
  type RecommendRequest,
  type RelatedQuery,
  type SearchRequest,
  type SimilarRequest,
  type StatsResponse,
} from './client/paper-search-client.js';
