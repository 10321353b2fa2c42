import { useState } from 'preact/hooks';
import { paperLimits } from '../../../src/papers/paper-limits.js';
import { api, type HitsResponse } from '../api.js';
import { ErrorNotice } from '../components/notice.js';
import { RankedList } from '../components/ranked-list.js';
import { rememberResults } from '../last-results.js';
import { useRequest } from '../use-request.js';

interface Draft {
  title: string;
  abstract: string;
}

const draftKey = 'paper-search:similar-draft';

/** "Paste an abstract": papers similar to it (POST /v1/similar), each with its sentence closest to the text highlighted. */
export function SimilarView() {
  const [draft, setDraft] = useState<Draft>(() => savedDraft());
  const [submitted, setSubmitted] = useState<Draft | undefined>(() => (savedDraft().abstract.trim() ? savedDraft() : undefined));
  const [feedback, setFeedback] = useState<{ like: string[]; unlike: string[] }>({ like: [], unlike: [] });
  const request = submitted ? { abstract: submitted.abstract, title: submitted.title || undefined, k: 10, explain: true } : null;
  const result = useRequest<HitsResponse>(request && JSON.stringify(request), async (signal) => {
    const answer = await api<HitsResponse>('/v1/similar', { body: request, signal });
    rememberResults({ label: 'your abstract', ids: answer.hits.map((hit) => hit.id) });
    return answer;
  });
  const submit = () => {
    if (!draft.abstract.trim()) return;
    sessionStorage.setItem(draftKey, JSON.stringify(draft));
    setFeedback({ like: [], unlike: [] });
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
          rows={8}
          // The box takes no more than the API does, rather than sending a text it refuses.
          maxLength={paperLimits.abstractCharacters}
          value={draft.abstract}
          placeholder="Paste the abstract of a paper (yours, a draft, a colleague's) to find the papers closest to it."
          onInput={(event) => setDraft({ ...draft, abstract: event.currentTarget.value })}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              submit();
            }
          }}
        />
        <p class="hint">Ctrl+Enter also searches. Each result shows the sentence of its abstract closest to your text.</p>
        <button type="submit" disabled={!draft.abstract.trim()}>
          Find similar papers
        </button>
      </form>
      {/* An error is about the text sent: once that text is edited away it no longer applies. */}
      {result.error && submitted?.abstract === draft.abstract && submitted.title === draft.title && (
        <ErrorNotice message={result.error} onRetry={result.retry} />
      )}
      {result.loading && <p class="status">Comparing…</p>}
      {result.data && !result.loading && (
        <RankedList
          hits={result.data.hits}
          like={feedback.like}
          unlike={feedback.unlike}
          label="Papers similar to your abstract"
          headed
          onFeedbackChange={(like, unlike) => setFeedback({ like, unlike })}
        />
      )}
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
