import type { EmbedRequestOptions } from '../embedding/embed-scheduler.js';
import type { SearchService } from '../search/search-service.js';
import type { WriteService } from '../writes/write-service.js';
import { countByFacets, type ListRequest, type PaperSearchBackend } from './backend.js';

/**
 * The services of this process (an index opened in process, or the HTTP server's own). `caller`
 * is who asks and until when (the HTTP request's), for the model's fair share between clients.
 */
export function localBackend(search: SearchService, writes?: WriteService, caller?: EmbedRequestOptions): PaperSearchBackend {
  const options = (request: ListRequest) => ({ k: request.k, offset: request.offset, scoreThreshold: request.score_threshold, filter: request.filter });
  const backend: PaperSearchBackend = {
    search: async (request) => {
      const { hits, namedPaper, suggestedQuery, namedAuthor } = await search.searchText(request.query, { ...options(request), mode: request.mode }, caller);
      return { papers: hits, namedPaper, suggestedQuery, namedAuthor };
    },
    similar: async (request) => (await search.similarToAbstract(request.abstract, request.title, { ...options(request), mode: request.mode }, caller)).hits,
    related: async (name, request) => (await search.relatedToPaper(name, { ...options(request), facet: request.facet }, caller)).hits,
    recommend: async (request) => (await search.recommend(request, options(request), caller)).hits,
    paper: (name) => search.getPaper(name),
    papers: (names) => search.getPapers(names),
    listPapers: (cursor, limit) => search.listPapers(cursor, limit),
    // Not info(): it counts the stored papers, which Weaviate is asked for, and tools/list asks for the mode each time.
    defaultMode: () => Promise.resolve(search.defaultMode),
    summary: async () => {
      const stats = await search.stats();
      return { model: stats.model.id, defaultMode: stats.defaultMode, ...(await countByFacets((fields, filter) => search.collectionFacets(fields, filter))) };
    },
    writes: writes && {
      create: async (papers, onExisting) => {
        const { papers: written, shared, kept, replaced } = await writes.createPapers(papers, { batch: true, onExisting }, caller);
        return { papers: written, warnings: shared, kept, replaced };
      },
      update: async (name, changes) => {
        const { paper, shared } = await writes.patchPaper(name, changes, caller);
        return { paper, warnings: shared };
      },
      delete: (name) => writes.deletePaper(name),
    },
  };
  return backend;
}
