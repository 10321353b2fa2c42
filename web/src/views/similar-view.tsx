import { useRef, useState } from 'preact/hooks';
import { paperLimits } from '../../../src/papers/paper-limits.js';
import { hasVisibleText } from '../../../src/shared/unicode.js';
import { api, type Hit, type HitsResponse } from '../api.js';
import { useFocusAfterMore } from '../focus-after-more.js';
import { ShowMore } from '../components/show-more.js';
import { ErrorNotice } from '../components/notice.js';
import { RankedList } from '../components/ranked-list.js';
import { rememberResults } from '../last-results.js';
import { useRequest } from '../use-request.js';

interface Draft {
  title: string;
  abstract: string;
}

const draftKey = 'paper-search:similar-draft';

/** Papers a page of the list adds: the API explains (its closest sentence) at most 20 hits a request, so a longer list is asked for in pages. */
const similarPerPage = 10;
/** The deepest a hybrid list goes (its candidates). */
const mostSimilar = 100;

/** "Paste an abstract": papers similar to it (POST /v1/similar), each with its sentence closest to the text highlighted. */
export function SimilarView() {
  const [draft, setDraft] = useState<Draft>(() => savedDraft());
  const [submitted, setSubmitted] = useState<Draft | undefined>(() => (hasVisibleText(savedDraft().abstract) ? savedDraft() : undefined));
  const [feedback, setFeedback] = useState<{ like: string[]; unlike: string[] }>({ like: [], unlike: [] });
  const [shown, setShown] = useState(similarPerPage);
  const request = submitted ? { abstract: submitted.abstract, title: submitted.title || undefined, explain: true } : null;
  const text = request && JSON.stringify(request);
  // The list shown for the text: "Show more" asks only for the pages it adds (each page embeds the abstract again).
  const kept = useRef<{ text: string; hits: Hit[] }>(undefined);
  const abstractBox = useRef<HTMLTextAreaElement>(null);
  // Pressed with no text: says what it needs, where a disabled button is skipped by Tab and says nothing.
  const [needsText, setNeedsText] = useState(false);
  const result = useRequest<{ text: string; hits: Hit[] }>(text && JSON.stringify({ text, shown }), async (signal) => {
    const earlier = kept.current?.text === text ? kept.current.hits.slice(0, shown) : [];
    const pages = await Promise.all(
      Array.from({ length: Math.ceil((shown - earlier.length) / similarPerPage) }, (_, page) =>
        api<HitsResponse>('/v1/similar', { body: { ...request, k: similarPerPage, offset: earlier.length + page * similarPerPage }, signal }),
      ),
    );
    const hits = [...earlier, ...pages.flatMap((page) => page.hits)];
    rememberResults({ label: 'your abstract', ids: hits.map((hit) => hit.id) });
    return { text: text!, hits };
  });
  // A longer list of the same text keeps the shorter one in view (greyed) while it loads; another text's is not shown.
  const listHere = result.data?.text === text ? result.data : undefined;
  kept.current = listHere;
  const markMore = useFocusAfterMore(listHere?.hits.length, !result.stale && !result.loading);
  const hasMore = listHere !== undefined && !result.stale && listHere.hits.length === shown && shown < mostSimilar;
  const hasText = hasVisibleText(draft.abstract);
  const submit = () => {
    // Blanks as the API counts them (zero-width spaces too): it refuses such an abstract.
    if (!hasText) {
      setNeedsText(true);
      abstractBox.current?.focus();
      return;
    }
    sessionStorage.setItem(draftKey, JSON.stringify(draft));
    setFeedback({ like: [], unlike: [] });
    setShown(similarPerPage);
    setSubmitted({ ...draft });
  };

  return (
    <div class="similar-view">
      <h1>Paste an abstract</h1>
      <form
        class="similar-form"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <label for="similar-title">Title (optional)</label>
        <input
          id="similar-title"
          type="text"

          value={draft.title}
          onInput={(event) => setDraft({ ...draft, title: event.currentTarget.value })}
        />
        <label for="similar-abstract">Abstract</label>
        <textarea
          id="similar-abstract"
          ref={abstractBox}
          rows={8}
          // The box takes no more than the API does, rather than sending a text it refuses.
          maxLength={paperLimits.abstractCharacters}
          value={draft.abstract}
          placeholder="Paste the abstract of a paper (yours, a draft, a colleague's) to find the papers closest to it."
          onInput={(event) => {
            setDraft({ ...draft, abstract: event.currentTarget.value });
            setNeedsText(false);
          }}
          aria-describedby={needsText ? 'similar-needs-text' : undefined}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              submit();
            }
          }}
        />
        <p class="hint">Ctrl+Enter also searches. Each result shows the sentence of its abstract closest to your text.</p>
        {needsText && (
          <p class="hint" id="similar-needs-text" role="alert">
            Paste an abstract first: the papers are compared with its text.
          </p>
        )}
        <button type="submit" aria-disabled={hasText ? undefined : 'true'}>
          Find similar papers
        </button>
      </form>
      {/* An error is about the text sent: once that text is edited away it no longer applies. */}
      {result.error && submitted?.abstract === draft.abstract && submitted.title === draft.title && (
        <ErrorNotice message={result.error} onRetry={result.retry} />
      )}
      {result.loading && !listHere && <p class="status">Comparing…</p>}
      {listHere && (
        <RankedList
          stale={result.stale}
          hits={listHere.hits}
          like={feedback.like}
          unlike={feedback.unlike}
          label="Papers similar to your abstract"
          headed
          onFeedbackChange={(like, unlike) => setFeedback({ like, unlike })}
        />
      )}
      {hasMore && <ShowMore mark={markMore} more={() => setShown(shown + similarPerPage)} />}
    </div>
  );
}

function savedDraft(): Draft {
  try {
    const saved = JSON.parse(sessionStorage.getItem(draftKey) ?? 'null') as Draft | null;
    if (saved && typeof saved.abstract === 'string' && typeof saved.title === 'string') return saved;
  } catch {
    // A damaged draft is dropped.
  }
  return { title: '', abstract: '' };
}
