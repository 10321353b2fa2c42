import { useEffect, useRef } from 'preact/hooks';
import { api, type Hit, type HitsResponse, type SearchRequest } from '../api.js';
import { useAnnouncement } from '../announcer.js';
import { papersCount } from '../counts.js';
import { useRequest } from '../use-request.js';
import { HitCard, type Feedback } from './hit-card.js';
import { SaveList } from './export-links.js';
import { ErrorNotice } from './notice.js';
import { TexText } from './tex-text.js';
import { outsideMath } from '../tex-math.js';

/** How many of the list's top hits stand for "what the person wants" when they said only what they do not want. */
const anchorCount = 3;

interface RankedListProps {
  /** The list before any feedback. */
  hits: readonly Hit[];
  like: readonly string[];
  unlike: readonly string[];
  onFeedbackChange: (like: string[], unlike: string[]) => void;
  /** Papers that are always positives (the paper a page is about). */
  positives?: readonly string[];
  /** The search the list answers: feedback refines it, and the re-ranked list stays on its topic. */
  query?: string;
  filter?: SearchRequest['filter'];
  /** Heading of the list, for screen readers. */
  label: string;
  /** What a screen reader is told when the list arrives (default: how many papers it holds). */
  summary?: string;
  /** The hits answer an earlier search; the new answer is on its way: shown greyed. */
  stale?: boolean;
  /** The list's heading, for a view that has none above it (the hits' titles are third-level headings). */
  headed?: boolean;
  /** The name of a saved file of the list, without extension (default: from `label`). */
  saveAs?: string;
}

/**
 * A list of hits with "more like this / less like this" on each. With feedback, the list is
 * re-ranked by POST /v1/recommend: the papers marked "more" (and `positives`) against those
 * marked "less", on the topic of `query` when the list answers a search. With only "less", the list's top hits not marked stand for what is wanted: they
 * stay on top and the rest is re-ranked around them.
 */
export function RankedList({
  hits,
  like,
  unlike,
  onFeedbackChange,
  positives = [],
  query,
  filter,
  label,
  summary,
  stale = false,
  headed = false,
  saveAs = label,
}: RankedListProps) {
  const titles = useRef(new Map<string, string>());
  for (const hit of hits) titles.current.set(hit.id, hit.title || hit.id);

  const explicit = [...new Set([...positives, ...like])].filter((id) => !unlike.includes(id));
  const anchors = explicit.length === 0 && unlike.length > 0 ? hits.filter((hit) => !unlike.includes(hit.id)).slice(0, anchorCount) : [];
  const recommendPositives = explicit.length > 0 ? explicit : anchors.map((hit) => hit.id);
  const hasFeedback = like.length > 0 || unlike.length > 0;
  const request =
    hasFeedback && recommendPositives.length > 0
      ? { positive: recommendPositives, negative: [...unlike], ...(query ? { query } : {}), k: Math.max(10, hits.length) - anchors.length, filter }
      : null;
  const recommended = useRequest<HitsResponse>(request && JSON.stringify(request), (signal) => api('/v1/recommend', { body: request, signal }));
  for (const hit of recommended.data?.hits ?? []) titles.current.set(hit.id, hit.title || hit.id);

  // A paper marked "more" or "less" leaves the list, and the button pressed with it: focus goes to
  // the paper's chip in the feedback bar (its remove button), and to the list's first result once
  // feedback is taken away, rather than back to the top of the page.
  const section = useRef<HTMLElement>(null);
  const focusAfterRender = useRef<string | undefined>(undefined);
  useEffect(() => {
    const target = focusAfterRender.current;
    if (target === undefined || !section.current) return;
    focusAfterRender.current = undefined;
    const chip = [...section.current.querySelectorAll<HTMLButtonElement>('.chip button')].find((button) => button.dataset.paperId === target);
    (chip ?? section.current.querySelector<HTMLAnchorElement>('.hit-title a'))?.focus();
  });

  const toggle = (id: string, feedback: Feedback) => {
    const inLike = like.includes(id);
    const inUnlike = unlike.includes(id);
    const nextLike = like.filter((other) => other !== id);
    const nextUnlike = unlike.filter((other) => other !== id);
    if (feedback === 'like' && !inLike) nextLike.push(id);
    if (feedback === 'unlike' && !inUnlike) nextUnlike.push(id);
    focusAfterRender.current = nextLike.includes(id) || nextUnlike.includes(id) ? id : '';
    onFeedbackChange(nextLike, nextUnlike);
  };
  const feedbackOf = (id: string): Feedback | undefined => (like.includes(id) ? 'like' : unlike.includes(id) ? 'unlike' : undefined);

  // A re-ranking that failed (a paper of the feedback no longer exists, say) leaves the list as it
  // was, under the error, so the list matches its count and "Show more".
  const shown: { hit: Hit; note?: string; scoreKind?: 'similarity' }[] =
    !hasFeedback || recommended.error
      ? hits.map((hit) => ({ hit }))
      : [
          ...anchors.map((hit) => ({ hit, note: 'kept from your results' })),
          ...(recommended.data?.hits ?? []).map((hit) => ({ hit, scoreKind: 'similarity' as const })),
        ];

  const shownIds = shown.map(({ hit }) => hit.id).join('\n');
  // The summary is the list's before feedback; a re-ranked list is told by its own count.
  const reranked = hasFeedback && recommended.data !== undefined;
  useAnnouncement(
    stale ? undefined : recommended.loading ? 'Re-ranking…' : reranked ? `Re-ranked: ${papersCount(shown.length)}` : (summary ?? papersCount(shown.length)),
    shownIds,
  );

  return (
    <section class="results" aria-label={label} ref={section}>
      {headed && <h2 class="visually-hidden">{label}</h2>}
      {hasFeedback && (
        <div class="feedback-bar">
          <p>
            Re-ranked by your feedback
            {like.length > 0 && <> · more like {chips('like', like, titles.current, (id) => toggle(id, 'like'))}</>}
            {unlike.length > 0 && <> · less like {chips('unlike', unlike, titles.current, (id) => toggle(id, 'unlike'))}</>}
          </p>
          <button
            type="button"
            class="link-button"
            onClick={() => {
              focusAfterRender.current = '';
              onFeedbackChange([], []);
            }}
          >
            Clear feedback
          </button>
        </div>
      )}
      {recommended.error && <ErrorNotice message={recommended.error} onRetry={recommended.retry} />}
      {shown.length > 0 && (
        // Off while the list is being replaced: it would save the previous search's papers under the new one.
        <SaveList key={shownIds} ids={shown.map(({ hit }) => hit.id)} name={saveAs} busy={recommended.loading || stale} />
      )}
      <ol class={`hits${recommended.loading || stale ? ' stale' : ''}`} aria-busy={recommended.loading || stale}>
        {shown.map(({ hit, note, scoreKind }, index) => (
          <HitCard key={hit.id} hit={hit} rank={index + 1} feedback={feedbackOf(hit.id)} onFeedback={toggle} note={note} scoreKind={scoreKind} />
        ))}
      </ol>
    </section>
  );
}

/**
 * The papers marked, each by its title with its math typeset, as the list shows it (the TeX source,
 * "D$^2$iT", was shown and read out), and a button to take the mark back, named by that title.
 */
function chips(kind: Feedback, ids: readonly string[], titles: Map<string, string>, remove: (id: string) => void) {
  return ids.map((id, index) => {
    const titleId = `${kind}-chip-${index}`;
    return (
      <span class="chip" key={id}>
        <span id={titleId}>
          <TexText text={clip(titles.get(id) ?? id)} />
        </span>
        <button type="button" data-paper-id={id} id={`${titleId}-remove`} aria-labelledby={`${titleId}-remove ${titleId}`} onClick={() => remove(id)}>
          <span aria-hidden="true">×</span>
          <span class="visually-hidden">Remove from the feedback:</span>
        </button>
      </span>
    );
  });
}

/** A title cut to fit a chip, never inside a formula. */
function clip(text: string): string {
  return text.length > 48 ? `${text.slice(0, outsideMath(text, 47, 'start'))}…` : text;
}
