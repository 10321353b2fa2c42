import { maxQueryCharacters } from '../../../src/search/search-modes.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type HitsResponse, type SearchRequest, type StatsResponse } from '../api.js';
import { Filters } from '../components/filters.js';
import { ErrorNotice } from '../components/notice.js';
import { TexText } from '../components/tex-text.js';
import { disjunctiveFacetRequests, facetNames, mergedFacets } from '../facets.js';
import { RankedList } from '../components/ranked-list.js';
import { rememberResults } from '../last-results.js';
import { navigate, paperPath } from '../router.js';
import { filterOf, maxResults, modes, parseSearchState, resultsPerPage, searchUrl, type Mode, type SearchState } from '../search-state.js';
import { useFocusAfterMore } from '../focus-after-more.js';
import { focusContent } from '../focus-content.js';
import { ShowMore } from '../components/show-more.js';
import { papersCount } from '../counts.js';
import { useRequest } from '../use-request.js';

/**
 * A hybrid score is the estimated chance that the paper answers the query. Off-topic and junk
 * queries' top hits score below 0.01, and nine right answers in ten score 0.1 or more
 * (docs/search-quality.md): below this, the list is most likely only the nearest papers.
 */
const weakMatchScore = 0.05;

/** Typing pauses this long before the search runs (Enter runs it at once). */
const typingPauseMs = 300;
// Each finds papers of the bundled sample, so a first visit shows real answers ("robot grasping
// from camera images" found none closely).
const examples = ['implicit neural representations for video', 'speech recognition for low-resource languages', 'retrieval-augmented generation in medicine'];

export function SearchView({ params }: { params: URLSearchParams }) {
  const state = parseSearchState(params);
  const [draft, setDraft] = useState(state.q);
  const input = useRef<HTMLInputElement>(null);
  // The state of the latest render: a search run from a pause in typing starts from it, not from the
  // state when the pause began (a "more like this" pressed meanwhile was dropped).
  const latest = useRef(state);
  latest.current = state;
  const update = (change: Partial<SearchState>, options: { replace?: boolean } = {}) => {
    // A new query or filter starts a new list: feedback on the old one no longer applies. The
    // reset comes last, as the filters hand over the whole state, feedback included.
    const resetsFeedback = (['q', 'mode', 'yearFrom', 'yearTo', 'categories', 'authors'] as const).some((key) => key in change);
    navigate(searchUrl({ ...latest.current, ...change, ...(resetsFeedback ? { like: [], unlike: [], shown: resultsPerPage } : {}) }), options);
  };

  // The box follows the URL (Back, an example), but a search run from a pause keeps what is typed:
  // the query is trimmed, and writing it back took the space off "speech " before "recognition".
  useEffect(() => setDraft((typed) => (typed.trim() === state.q ? typed : state.q)), [state.q]);
  useEffect(() => {
    if (draft.trim() === state.q.trim()) return;
    const timer = setTimeout(() => {
      // Enter may have searched it already: searched again, its list's feedback was reset.
      if (draft.trim() === latest.current.q.trim()) return;
      update({ q: draft.trim() }, { replace: latest.current.q !== '' });
    }, typingPauseMs);
    return () => clearTimeout(timer);
  }, [draft]);

  const filter = filterOf(state);
  const request: SearchRequest | null = state.q ? { query: state.q, mode: state.mode, k: state.shown, filter, facets: [...facetNames] } : null;
  const result = useRequest(request && JSON.stringify(request), async (signal) => {
    // The time shown is the wait the reader had, network included, not the server's share of it.
    const started = performance.now();
    const answer = await api<HitsResponse>('/v1/search', { body: request, signal });
    return { ...answer, waitedMs: performance.now() - started };
  });
  const facetSearches = request ? disjunctiveFacetRequests(request, state) : [];
  const disjunctive = useRequest(facetSearches.length > 0 ? JSON.stringify(facetSearches) : null, (signal) =>
    Promise.all(facetSearches.map(async ({ name, request }) => ({ name, answer: await api<HitsResponse>('/v1/search', { body: request, signal }) }))),
  );
  const markMore = useFocusAfterMore(result.data?.hits.length, !result.stale && !result.loading);
  // A full page says there may be more, up to the depth hybrid search ranks.
  const hasMore = result.data !== undefined && !result.stale && result.data.hits.length === state.shown && state.shown < maxResults;
  const facets = mergedFacets(result.data, facetSearches.length > 0 ? (disjunctive.data ?? []) : [], state);
  // A person's name is searched as words, which no abstract holds: the search names the author when the collection has them, and the author filter is offered.
  const author = state.authors.length === 0 && !result.stale ? result.data?.named_author : undefined;
  // A pasted arXiv id, DOI or link also names the paper that has it (the search says which): searched as words, it finds
  // nothing like it, so that paper's related papers are shown instead.
  const named = result.stale ? undefined : result.data?.named_paper;
  const summary = result.data && (result.data.hits.length === 0 ? noMatch(state) : `${hasMore ? 'Top ' : ''}${papersCount(result.data.hits.length)}`);
  useEffect(() => {
    if (result.data && state.q && !result.data.named_paper) rememberResults({ label: `“${state.q}”`, ids: result.data.hits.map((hit) => hit.id) });
  }, [result.data]);

  return (
    <div class="search-view">
      <h1 class="visually-hidden">Search papers</h1>
      <form
        class="search-form"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          // The same query again after a failure runs it again (the server may be back): its URL does not change.
          if (draft.trim() === state.q && result.retry) result.retry();
          else update({ q: draft.trim() });
        }}
      >
        <label for="query" class="visually-hidden">
          Search papers
        </label>
        <input
          id="query"
          ref={input}
          type="search"
          name="q"
          placeholder="Search papers by meaning or words…"
          // The box takes no more than the API does, rather than sending a search it refuses.
          maxLength={maxQueryCharacters}
          autoComplete="off"
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown') {
              const first = document.querySelector<HTMLAnchorElement>('.hits a');
              if (first) {
                event.preventDefault();
                first.focus();
              }
            }
          }}
        />
        <label for="mode" class="visually-hidden">
          Search mode
        </label>
        <select id="mode" value={state.mode} onChange={(event) => update({ mode: event.currentTarget.value as Mode })}>
          {modes.map((mode) => (
            <option value={mode.value} key={mode.value}>
              {mode.label}
            </option>
          ))}
        </select>
        <button type="submit">Search</button>
      </form>
      {state.q ? (
        <div class={named ? undefined : 'with-filters'}>
          {!named && <Filters state={state} onChange={(next) => update(next)} distribution={facets.distribution} stats={facets.stats} />}
          <div class="main-column">
            {result.error && <ErrorNotice message={result.error} onRetry={result.retry} />}
            {result.loading && !result.data && <p class="status">Searching…</p>}
            {named && (
              <>
                <p class="notice identifier-match">
                  {state.q.trim()} is <a href={paperPath(named.id)}>{named.title ? <TexText text={named.title} /> : named.id}</a>. Papers related to it:
                </p>
                <RelatedToNamedPaper
                  key={named.id}
                  id={named.id}
                  title={named.title}
                  like={state.like}
                  unlike={state.unlike}
                  onFeedbackChange={(like, unlike) => update({ like, unlike })}
                />
              </>
            )}
            {result.data && !named && (
              <>
                <p class="status">
                  {result.stale ? (
                    'Searching…'
                  ) : (
                    <>
                      {summary}
                      <span
                        class="took"
                        title={`${Math.round(result.data.waitedMs)} ms from the search to its answer, ${Math.round(result.data.took_ms)} ms of it on the server`}
                      >
                        {' '}
                        · {Math.round(result.data.waitedMs)} ms
                      </span>
                    </>
                  )}
                </p>
                {!result.stale && result.data.suggested_query !== undefined && (
                  <p class="notice spelling-suggestion">
                    Did you mean{' '}
                    <button
                      type="button"
                      class="link-button"
                      onClick={() => {
                        focusContent();
                        update({ q: result.data!.suggested_query! });
                      }}
                    >
                      {result.data.suggested_query}
                    </button>
                    ? Few or no papers hold some words of the query.
                  </p>
                )}
                {author && (
                  <p class="notice author-match">
                    {author.papers} {author.papers === 1 ? 'paper' : 'papers'} by {author.name}:{' '}
                    <button
                      type="button"
                      class="link-button"
                      onClick={() => {
                        focusContent();
                        update({ authors: [author.name] });
                      }}
                    >
                      show only {author.papers === 1 ? 'it' : 'those'}
                    </button>
                  </p>
                )}
                {!result.stale && state.mode === 'hybrid' && (result.data.hits[0]?.score ?? 1) < weakMatchScore && (
                  <p class="notice">
                    Nothing in the collection matches this closely: the best score is {result.data.hits[0]!.score.toFixed(3)}, where right answers mostly score
                    0.1 or more. These are the nearest papers anyway.
                  </p>
                )}
                <RankedList
                  stale={result.stale}
                  hits={result.data.hits}
                  like={state.like}
                  unlike={state.unlike}
                  query={state.q.trim() || undefined}
                  filter={filter}
                  label={`Results for ${state.q}`}
                  summary={summary}
                  headed
                  onFeedbackChange={(like, unlike) => update({ like, unlike })}
                />
                {hasMore && <ShowMore mark={markMore} more={() => update({ shown: state.shown + resultsPerPage }, { replace: true })} />}
              </>
            )}
          </div>
        </div>
      ) : (
        <Welcome onExample={(query) => update({ q: query })} />
      )}
    </div>
  );
}

/**
 * The related papers of the paper a query names by its arXiv id, DOI or link, re-ranked by "more /
 * less like this" as on its page; the feedback is the search's, kept in the URL as on any search.
 */
function RelatedToNamedPaper({
  id,
  title,
  like,
  unlike,
  onFeedbackChange,
}: {
  id: string;
  title: string;
  like: readonly string[];
  unlike: readonly string[];
  onFeedbackChange: (like: string[], unlike: string[]) => void;
}) {
  const related = useRequest<HitsResponse>(`related:${id}`, (signal) => api(`/v1/papers/${encodeURIComponent(id)}/related?k=${resultsPerPage}`, { signal }));
  useEffect(() => {
    if (related.data) rememberResults({ label: `related to “${title || id}”`, ids: [id, ...related.data.hits.map((hit) => hit.id)] });
  }, [related.data]);
  if (related.error) return <ErrorNotice message={related.error} onRetry={related.retry} />;
  if (!related.data || related.stale) return <p class="status">Finding related papers…</p>;
  return (
    <RankedList
      hits={related.data.hits}
      positives={[id]}
      like={like}
      unlike={unlike}
      label={`Papers related to ${title || id}`}
      summary={`${papersCount(related.data.hits.length)} related to it`}
      saveAs={`related-to-${id}`}
      headed
      onFeedbackChange={onFeedbackChange}
    />
  );
}

/** Why nothing matched, when the filters or the query say it: a year range that ends before it starts, words the keyword index cannot read. */
function noMatch(state: SearchState): string {
  const { yearFrom, yearTo, q, mode } = state;
  if (yearFrom !== undefined && yearTo !== undefined && yearFrom > yearTo) return `No papers match: the years run backwards, from ${yearFrom} to ${yearTo}.`;
  // The keyword index is English: a query in another script has no word it can look up.
  if (mode === 'lexical' && /\p{L}/u.test(q) && !/\p{Script=Latin}/u.test(q))
    return 'No papers match: the Words search reads English words, and this query has none. Try Meaning.';
  return 'No papers match.';
}

function Welcome({ onExample }: { onExample: (query: string) => void }) {
  const stats = useRequest<StatsResponse>('stats', (signal) => api('/v1/stats', { signal }));
  return (
    <section class="welcome">
      <p>
        Search {stats.data ? `${stats.data.papers.toLocaleString('en')} papers` : 'the collection'} by meaning and by words, paste an abstract to find similar
        papers, or explore the map of the collection.
      </p>
      {stats.error && <ErrorNotice message={stats.error} onRetry={stats.retry} />}
      <p>Try:</p>
      <ul class="examples">
        {examples.map((example) => (
          <li key={example}>
            <button
              type="button"
              class="link-button"
              onClick={() => {
                focusContent();
                onExample(example);
              }}
            >
              {example}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
