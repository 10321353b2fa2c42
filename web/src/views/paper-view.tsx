import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type HitsResponse, type PaperResponse } from '../api.js';
import { CiteLinks } from '../components/export-links.js';
import { NameList } from '../components/name-list.js';
import { textDirection } from '../text-direction.js';
import { ErrorNotice } from '../components/notice.js';
import { TexText } from '../components/tex-text.js';
import { RankedList } from '../components/ranked-list.js';
import { rememberResults } from '../last-results.js';
import { paperPages } from '../../../src/papers/paper-urls.js';
import { navigate, paperPath } from '../router.js';
import { publicationLine } from '../../../src/papers/publication-line.js';
import { sentenceRoles, type SentenceRole } from '../../../src/search/related/sentence-roles.js';
import { useFocusAfterMore } from '../focus-after-more.js';
import { ShowMore } from '../components/show-more.js';
import { useRequest } from '../use-request.js';

/** Related papers shown at first, and added by each "Show more", up to the most a page shows. */
const relatedPerPage = 10;
const mostRelated = 50;

/**
 * What related papers are found by (the API's `facet`): the whole paper, or the sentences of its
 * abstract that play one role, for "papers that solve it the same way" or "with similar findings".
 */
const roleLabels: Record<SentenceRole, string> = { background: 'its background', method: 'its method', result: 'its results' };
type Facet = SentenceRole | '';
const facets: { value: Facet; label: string }[] = [
  { value: '', label: 'the whole paper' },
  ...sentenceRoles.map((role) => ({ value: role, label: roleLabels[role] })),
];

/** The facet a URL asks for; anything else is the whole paper. */
function facetOf(value: string | null): Facet {
  return sentenceRoles.find((role) => role === value) ?? '';
}

/** A paper's own page (/paper/<id>): the paper, and its related papers, re-ranked by "more / less like this". */
export function PaperView({ id, params }: { id: string; params: URLSearchParams }) {
  const paper = useRequest<PaperResponse>(`paper:${id}`, (signal) => api(`/v1/papers/${encodeURIComponent(id)}`, { signal }));
  const facet = facetOf(params.get('facet'));
  // How many related papers to show, for the paper and facet it was chosen on: another starts at the first page.
  const [chosen, setChosen] = useState<{ id: string; facet: Facet; shown: number }>();
  const shown = chosen?.id === id && chosen.facet === facet ? chosen.shown : relatedPerPage;
  const related = useRequest<HitsResponse & { paperId: string }>(`related:${id}:${facet}:${shown}`, async (signal) => ({
    paperId: id,
    ...(await api<HitsResponse>(`/v1/papers/${encodeURIComponent(id)}/related?k=${shown}${facet ? `&facet=${facet}` : ''}`, { signal })),
  }));
  // A deeper list of the same paper keeps the shorter one in view (greyed) while it loads; another paper's is not shown.
  const relatedHere = related.data?.paperId === id ? related.data : undefined;
  const markMore = useFocusAfterMore(relatedHere?.hits.length, !related.stale && !related.loading);
  const [feedback, setFeedback] = useState<{ like: string[]; unlike: string[] }>({ like: [], unlike: [] });
  useEffect(() => setFeedback({ like: [], unlike: [] }), [id, facet]);
  useEffect(() => {
    if (paper.data) document.title = `${paper.data.paper.title || paper.data.paper.id} · paper-search`;
    if (paper.data && relatedHere)
      rememberResults({
        label: `related to “${paper.data.paper.title || paper.data.paper.id}”`,
        ids: [paper.data.paper.id, ...relatedHere.hits.map((hit) => hit.id)],
      });
  }, [paper.data, relatedHere]);

  if (paper.error) {
    return (
      <>
        <h1 class="visually-hidden">Paper {id}</h1>
        <ErrorNotice message={paper.error} onRetry={paper.retry} />
      </>
    );
  }
  // Another paper's page stays blank until this one arrives: its title, abstract and Cite links under this address would be wrong.
  if (!paper.data || paper.stale) return <p class="status">Loading…</p>;
  const { paper: record } = paper.data;
  const published = record.date ?? record.year?.toString();
  const venue = publicationLine(record);
  return (
    <article class="paper-view">
      {/* The title and the abstract set in their own direction: a right-to-left one aligned and wrapped from the right. */}
      <h1 dir={textDirection(record.title)}>{record.title ? <TexText text={record.title} /> : '(untitled)'}</h1>
      <p class="meta">
        {/* One element, as on a result: loose names and commas were each an item of the flex row, a gap before every comma. */}
        {record.authors?.length || published || venue ? (
          <span class="byline">
            {record.authors?.length ? <Authors key={record.id} authors={record.authors} /> : null}
            {record.authors?.length && published ? ' · ' : ''}
            {published}
            {venue ? (
              <span class="venue">
                {record.authors?.length || published ? ' · ' : ''}
                {venue}
              </span>
            ) : null}
          </span>
        ) : null}
        {record.categories?.map((category) => (
          <span class="tag" key={category}>
            {category}
          </span>
        ))}
      </p>
      <p class="links">
        {paperPages(record).map((link) => (
          <a class="external" href={link.href} target="_blank" rel="noopener noreferrer" key={link.href}>
            {link.label}
            <span class="visually-hidden"> (opens in a new tab)</span>
          </a>
        ))}
        <span class="paper-id">id {record.id}</span>
      </p>
      <CiteLinks id={record.id} />
      {record.abstract && (
        <p class="abstract" dir={textDirection(record.abstract)}>
          <TexText text={record.abstract} />
        </p>
      )}
      <div class="related-heading">
        <h2 id="related-heading">Related papers</h2>
        <label>
          by{' '}
          <select
            value={facet}
            onChange={(event) => navigate(`${paperPath(id)}${event.currentTarget.value ? `?facet=${event.currentTarget.value}` : ''}`, { keepScroll: true })}
          >
            {facets.map(({ value, label }) => (
              <option value={value} key={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {related.error && <ErrorNotice message={related.error} onRetry={related.retry} />}
      {related.loading && !relatedHere && <p class="status">Finding related papers…</p>}
      {relatedHere && (
        <RankedList
          stale={related.stale}
          hits={relatedHere.hits}
          positives={[record.id]}
          like={feedback.like}
          unlike={feedback.unlike}
          label="Related papers"
          saveAs={`related-to-${record.id}${facet ? `-by-${facet}` : ''}`}
          onFeedbackChange={(like, unlike) => setFeedback({ like, unlike })}
        />
      )}
      {relatedHere && !related.stale && relatedHere.hits.length === shown && shown < mostRelated && (
        <ShowMore mark={markMore} more={() => setChosen({ id, facet, shown: shown + relatedPerPage })} />
      )}
    </article>
  );
}

/** Authors shown on a paper's page before "and N more" lists the rest (a collaboration may have thousands). */
const authorsShownAtFirst = 12;

/** The paper's authors: the first dozen, and a button that shows every one (keyed by paper, so another paper starts folded). */
function Authors({ authors }: { authors: readonly string[] }) {
  const [all, setAll] = useState(false);
  const list = useRef<HTMLSpanElement>(null);
  // The button goes once pressed: the focus would fall to the page's body, and a keyboard user start
  // again from the top. It goes to the names it brought, so they are read on from there.
  useEffect(() => {
    if (all) list.current?.focus();
  }, [all]);
  if (authors.length <= authorsShownAtFirst) return <NameList names={authors} />;
  if (all)
    return (
      <span ref={list} tabIndex={-1}>
        <NameList names={authors} />
      </span>
    );
  return (
    <>
      <NameList names={authors.slice(0, authorsShownAtFirst)} />,{' '}
      <button type="button" class="link-button" onClick={() => setAll(true)}>
        and {authors.length - authorsShownAtFirst} more
      </button>
    </>
  );
}
