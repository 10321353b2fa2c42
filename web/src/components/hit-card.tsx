import type { Hit } from '../api.js';
import { paperPages } from '../../../src/papers/paper-urls.js';
import { NameList } from './name-list.js';
import { paperPath } from '../router.js';
import { outsideMath } from '../tex-math.js';
import { TexText } from './tex-text.js';
import { textDirection } from '../text-direction.js';

export type Feedback = 'like' | 'unlike';

interface HitCardProps {
  hit: Hit;
  rank: number;
  feedback?: Feedback;
  /** Absent: no "more / less like this" buttons. */
  onFeedback?: (id: string, feedback: Feedback) => void;
  note?: string;
  /**
   * What the score is: the list's own score, or (a list re-ranked by feedback) the cosine
   * similarity to the papers marked, a scale of its own that a kept result's score is not on.
   */
  scoreKind?: 'score' | 'similarity';
}

/** One result: title (to the paper's page), authors, year, categories, score, links, and the closest sentence when explained. */
export function HitCard({ hit, rank, feedback, onFeedback, note, scoreKind = 'score' }: HitCardProps) {
  const sentence = hit.explain?.closest_sentence?.text;
  const titleId = `hit-${rank}-title`;
  return (
    <li class="hit" aria-labelledby={titleId}>
      {/* The title and the excerpt set in their own direction, as on a paper's page. */}
      <h3 id={titleId} class="hit-title" dir={textDirection(hit.title)}>
        <a href={paperPath(hit.id)}>{hit.title ? <TexText text={hit.title} /> : '(untitled)'}</a>
      </h3>
      <p class="meta">
        <Byline authors={hit.authors} year={hit.year} />
        {hit.categories?.map((category) => (
          <span class="tag" key={category}>
            {category}
          </span>
        ))}
        <span class="score" title={scoreKind === 'score' ? 'score (higher is closer)' : 'cosine similarity to the papers you marked (higher is closer)'}>
          {scoreKind} {hit.score.toFixed(3)}
        </span>
      </p>
      {hit.abstract !== undefined && <Excerpt abstract={hit.abstract} sentence={sentence} />}
      <div class="hit-actions">
        {paperPages(hit).map((link) => (
          <a class="external" href={link.href} target="_blank" rel="noopener noreferrer" key={link.href}>
            {link.label}
            <span class="visually-hidden"> of “{hit.title ? <TexText text={hit.title} /> : hit.id}” (opens in a new tab)</span>
          </a>
        ))}
        {note && <span class="note">{note}</span>}
        {onFeedback && (
          // Named by the title as shown, its math read from KaTeX's MathML: in a label, the TeX source was read out.
          <span class="feedback" role="group" aria-labelledby={`${titleId}-feedback ${titleId}`}>
            <span id={`${titleId}-feedback`} hidden>
              Feedback on
            </span>
            <button type="button" aria-pressed={feedback === 'like'} onClick={() => onFeedback(hit.id, 'like')}>
              More like this
            </button>
            <button type="button" aria-pressed={feedback === 'unlike'} onClick={() => onFeedback(hit.id, 'unlike')}>
              Less like this
            </button>
          </span>
        )}
      </div>
    </li>
  );
}

/** Authors shown on a result before "et al.". */
const authorsShown = 4;

/** "A, B, C, D et al. · 2024": the first authors and the year, whichever the hit has. */
function Byline({ authors = [], year }: { authors?: readonly string[] | undefined; year?: number | undefined }) {
  const etAl = authors.length > authorsShown ? ' et al.' : '';
  if (authors.length === 0 && year === undefined) return null;
  // One element: each name, comma and "·" left loose in the flex row of .meta became an item of
  // its own, with the row's gap before every comma ("Retkowski , Züfle ,") and a line break possible there.
  return (
    <span class="byline">
      <NameList names={authors.slice(0, authorsShown)} />
      {etAl}
      {authors.length > 0 && year !== undefined ? ' · ' : ''}
      {year}
    </span>
  );
}

const contextCharacters = 160;

/** The abstract's start, or, when the closest sentence is known, that sentence highlighted with a little context on each side. */
function Excerpt({ abstract: stored, sentence: closest }: { abstract: string; sentence: string | undefined }) {
  if (!closest)
    return stored ? (
      <p class="excerpt" dir={textDirection(stored)}>
        <TexText text={clip(stored, 2 * contextCharacters + 40)} />
      </p>
    ) : null;
  // White space collapsed (the page shows it so anyway): the closest sentence comes back with the
  // abstract's line breaks as spaces, and was not found in an abstract wrapped as arXiv's are.
  const abstract = stored.replace(/\s+/g, ' ');
  const sentence = closest.replace(/\s+/g, ' ').trim();
  const at = abstract.indexOf(sentence);
  if (at < 0) {
    return (
      <p class="excerpt" dir={textDirection(stored)}>
        <mark title="closest sentence">
          <TexText text={sentence} />
        </mark>
      </p>
    );
  }
  const end = at + sentence.length;
  const before = wordsBefore(abstract, at);
  const after = wordsAfter(abstract, end);
  return (
    <p class="excerpt" dir={textDirection(stored)}>
      {before.length < at ? '…' : ''}
      <TexText text={before} />
      <mark title="the sentence closest to your text">
        <TexText text={sentence} />
      </mark>
      <TexText text={after} />
      {end + after.length < abstract.length ? '…' : ''}
    </p>
  );
}

/** Up to contextCharacters of `text` before `at`, starting at a word and never inside a formula. */
function wordsBefore(text: string, at: number): string {
  const start = Math.max(0, at - contextCharacters);
  if (start === 0) return text.slice(0, at);
  const space = text.indexOf(' ', start);
  const from = outsideMath(text, space + 1, 'end');
  return space < 0 || from >= at ? '' : text.slice(from, at);
}

/** Up to contextCharacters of `text` after `from`, ending at a word and never inside a formula. */
function wordsAfter(text: string, from: number): string {
  const end = from + contextCharacters;
  if (end >= text.length) return text.slice(from);
  const to = outsideMath(text, text.lastIndexOf(' ', end), 'start');
  return to <= from ? '' : text.slice(from, to);
}

/** `text` cut at a word within `length` characters, before any formula the cut would split. */
function clip(text: string, length: number): string {
  if (text.length <= length) return text;
  const space = text.lastIndexOf(' ', length);
  return `${text.slice(0, outsideMath(text, space > 0 ? space : length, 'start'))}…`;
}
