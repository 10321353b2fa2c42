import { PaperSearchClient } from '../../client/paper-search-client.js';
import type { QueryBackend } from './query-backend.js';

/** A running server, through the typed client; `key` is sent as a bearer token (needed when the server sets AUTH_READS). */
export function remoteBackend(url: string, key: string | undefined): QueryBackend {
  const client = new PaperSearchClient(url, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });
  return {
    search: (request) => client.search(request),
    similar: (request) => client.similar(request),
    related: (id, query) => client.related(id, query),
    recommend: (request) => client.recommend(request),
    paper: (id, fields) => client.paper(id, fields),
    close: async () => undefined,
  };
}
