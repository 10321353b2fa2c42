import { PaperSearchClient } from '../../client/paper-search-client.js';
import type { QueryBackend } from './query-backend.js';

/**
 * How long a command waits for the server's answer. A server refuses model work it cannot start
 * within its REQUEST_TIMEOUT_MS (30 s by default), so a minute without an answer means it is stuck.
 */
const requestTimeoutMs = 60_000;

/** A running server, through the typed client; `key` is sent as a bearer token (needed when the server sets AUTH_READS). */
export function remoteBackend(url: string, key: string | undefined): QueryBackend {
  const client = new PaperSearchClient(url, { timeoutMs: requestTimeoutMs, ...(key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } }) });
  return {
    search: (request) => client.search(request),
    similar: (request) => client.similar(request),
    related: (id, query) => client.related(id, query),
    recommend: (request) => client.recommend(request),
    paper: (id, fields) => client.paper(id, fields),
    papers: (ids, fields) => client.papers(ids, fields),
    close: async () => undefined,
  };
}
