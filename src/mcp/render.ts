import type { Paper } from '../papers/paper.js';
import { withoutLoneSurrogates } from '../shared/unicode.js';
import type { ListedPaper } from './tool-schemas.js';
import { shortAuthorList } from '../papers/author-names.js';
import { paperPages } from '../papers/paper-urls.js';
import { publicationLine } from '../papers/publication-line.js';

/** How much of an abstract a ranked list shows in text; the structured result has all of it. */
const abstractPreview = 300;

/**
 * The address of a paper as an MCP resource: its id, percent-encoded (ids may hold "/" and ":").
 * Ids are refused with lone surrogates, but an index written before that may hold one: it gets
 * U+FFFD in its place rather than failing the whole answer.
 */
export function paperUri(id: string): string {
  return `paper://${encodeURIComponent(withoutLoneSurrogates(id))}`;
}

/** The id a `paper://` URI names, or undefined when the URI is not one. */
export function paperIdOfUri(uri: string): string | undefined {
  const match = /^paper:\/\/(.+)$/.exec(uri);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}

/** A public page of the paper: the first of its pages (see paperPages), else its resource URI. */
export function paperLink(paper: Paper): string {
  return paperPages(paper)[0]?.href ?? paperUri(paper.id);
}

/**
 * A stored field as one line. Titles, names and identifiers may hold line breaks (a write takes
 * them); in a line-based rendering those would let a paper's title forge lines of the answer a
 * model reads (a "result" with its own id and score).
 */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Words as Unicode finds them: also in scripts written without spaces (Chinese, Japanese, Thai). */
const words = new Intl.Segmenter(undefined, { granularity: 'word' });

/**
 * The text's first `length` characters, cut after its last whole word there. Not at its last
 * space: a Chinese abstract with one English term near its start was cut to that term.
 */
function shorten(text: string, length: number): string {
  const flat = oneLine(text);
  if (flat.length <= length) return flat;
  let cut = 0;
  for (const { segment, index, isWordLike } of words.segment(flat)) {
    if (index + segment.length > length) break;
    if (isWordLike) cut = index + segment.length;
  }
  // A first word longer than the preview (a long link) is cut inside, not inside a surrogate pair.
  if (cut === 0) cut = /[\uD800-\uDBFF]/.test(flat.charAt(length - 1)) ? length - 1 : length;
  return `${flat.slice(0, cut)}…`;
}

function identifiers(paper: Pick<Paper, 'id' | 'doi' | 'arxiv_id'>): string {
  return oneLine([`id: ${paper.id}`, paper.doi && `doi: ${paper.doi}`, paper.arxiv_id && `arXiv: ${paper.arxiv_id}`].filter(Boolean).join(', '));
}

/** The fields a ranked list's text always shows where a paper keeps them: in its heading, byline and abstract line. */
const listedFields: ReadonlySet<string> = new Set(['title', 'year', 'authors', 'doi', 'arxiv_id', 'abstract']);

/** A kept field the list does not always show, as `name: value` (undefined when the paper lacks it). */
function namedField(paper: ListedPaper, field: string): string | undefined {
  const value = (paper as Record<string, unknown>)[field];
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return undefined;
  return `${field}: ${Array.isArray(value) ? value.join(', ') : String(value)}`;
}

/**
 * A numbered list a model can read at a glance: title, year, authors, identifiers, score, the start
 * of the abstract; and the other fields a call's `fields` names (url, venue, categories, ...) on a
 * line of their own, for a client that reads only the text (one that agreed on a protocol version
 * without structured results, or a host that shows its model the text alone).
 */
export function renderRankedPapers(papers: readonly ListedPaper[], offset = 0, fields: readonly string[] = []): string {
  if (papers.length === 0) return 'No papers found.';
  const named = [...new Set(fields)].filter((field) => !listedFields.has(field));
  return papers
    .map((paper, i) => {
      // A paper's title may be left out by `fields`: its id heads it then, never "(untitled)".
      const title = paper.title === undefined ? paper.id : oneLine(paper.title) || '(untitled)';
      const heading = [title, paper.year !== undefined ? `(${paper.year})` : undefined].filter(Boolean).join(' ');
      const authors = shortAuthorList(paper.authors);
      const byline = [authors && oneLine(authors), `${identifiers(paper)}, score ${paper.score}`].filter(Boolean).join('; ');
      const details = named.map((field) => namedField(paper, field)).filter((detail) => detail !== undefined);
      const detailLine = details.length > 0 ? `\n   ${oneLine(details.join('; '))}` : '';
      const abstract = paper.abstract ? `\n   ${shorten(paper.abstract, abstractPreview)}` : '';
      return `${offset + i + 1}. ${heading}\n   ${byline}${detailLine}${abstract}`;
    })
    .join('\n');
}

/** One paper in full, as Markdown. */
export function renderPaper(paper: Paper): string {
  const heading = [
    `# ${oneLine(paper.title) || '(untitled)'}`,
    '',
    paper.authors && paper.authors.length > 0 ? `Authors: ${paper.authors.join(', ')}` : undefined,
    paper.date ? `Date: ${paper.date}` : paper.year !== undefined ? `Year: ${paper.year}` : undefined,
    publicationLine(paper) && `Publication: ${publicationLine(paper)}`,
    paper.doi ? `DOI: ${paper.doi}` : undefined,
    paper.arxiv_id ? `arXiv: ${paper.arxiv_id}` : undefined,
    paper.categories && paper.categories.length > 0 ? `Categories: ${paper.categories.join(', ')}` : undefined,
    // A paper with no page of its own has only its resource URI, which no browser opens: no "URL" to cite.
    paperLink(paper) === paperUri(paper.id) ? undefined : `URL: ${paperLink(paper)}`,
    `Id: ${paper.id}`,
  ];
  // Each heading field on its line; the abstract keeps its paragraphs.
  return [...heading.filter((line) => line !== undefined).map(oneLine), '', paper.abstract || '(no abstract)'].join('\n');
}
