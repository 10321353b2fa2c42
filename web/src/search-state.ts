import { maxQueryCharacters, type SearchMode } from '../../src/search/search-modes.js';
import { hasVisibleText } from '../../src/shared/unicode.js';
import type { SearchRequest } from './api.js';

export type Mode = SearchMode;
export const modes: readonly { value: Mode; label: string }[] = [
  { value: 'hybrid', label: 'Hybrid' },
  { value: 'dense', label: 'Meaning' },
  { value: 'lexical', label: 'Words' },
];

/** Results shown at first, and added by each "Show more"; hybrid search ranks 100 deep. */
export const resultsPerPage = 20;
export const maxResults = 100;

/** The search view's state, all of it in the URL (shareable, and back and forward work). */
export interface SearchState {
  q: string;
  mode: Mode;
  yearFrom?: number;
  yearTo?: number;
  categories: string[];
  authors: string[];
  /** Papers marked "more like this" / "less like this". */
  like: string[];
  unlike: string[];
  /** How many results are shown: resultsPerPage, more after "Show more". */
  shown: number;
}

/**
 * The state an address holds. Like the other values it cannot use (a year that is no year, an
 * unknown mode), an empty category or author is ignored rather than sent to be refused, and a paper
 * marked both "more like" and "less like" keeps the first mark only, as a click on either does.
 */
export function parseSearchState(params: URLSearchParams): SearchState {
  const mode = params.get('mode');
  const like = valuesOf(params, 'like');
  return {
    // A query of blanks is no query: the welcome page, not a refusal. Blanks as the API counts them:
    // a zero-width space or a direction mark alone was sent, and refused with a validator's words.
    q: hasVisibleText(params.get('q') ?? '') ? clipped((params.get('q') ?? '').trim()) : '',
    mode: mode === 'dense' || mode === 'lexical' ? mode : 'hybrid',
    yearFrom: year(params.get('from')),
    yearTo: year(params.get('to')),
    categories: valuesOf(params, 'cat'),
    authors: valuesOf(params, 'author'),
    like,
    unlike: valuesOf(params, 'unlike').filter((id) => !like.includes(id)),
    shown: shownOf(params.get('n')),
  };
}

/** The distinct non-blank values of a repeated parameter, in order. */
function valuesOf(params: URLSearchParams, name: string): string[] {
  return [...new Set(params.getAll(name).filter((value) => value.trim() !== ''))];
}

export function searchUrl(state: SearchState, path = '/'): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', withinAddress(state.q));
  if (state.mode !== 'hybrid') params.set('mode', state.mode);
  if (state.yearFrom !== undefined) params.set('from', String(state.yearFrom));
  if (state.yearTo !== undefined) params.set('to', String(state.yearTo));
  for (const category of state.categories) params.append('cat', category);
  for (const author of state.authors) params.append('author', author);
  for (const id of state.like) params.append('like', id);
  for (const id of state.unlike) params.append('unlike', id);
  if (state.shown > resultsPerPage) params.set('n', String(state.shown));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The API filter of the state's year range, categories and authors (undefined when none is set). */
export function filterOf(state: Pick<SearchState, 'yearFrom' | 'yearTo' | 'categories' | 'authors'>): SearchRequest['filter'] {
  const filter: NonNullable<SearchRequest['filter']> = {};
  if (state.yearFrom !== undefined || state.yearTo !== undefined) filter.year = { gte: state.yearFrom, lte: state.yearTo };
  if (state.categories.length > 0) filter.categories = { any: state.categories };
  if (state.authors.length > 0) filter.authors = { any: state.authors };
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** A whole number of pages within maxResults, else the first page. */
function shownOf(text: string | null): number {
  const shown = Number(text);
  return Number.isInteger(shown) && shown > resultsPerPage && shown <= maxResults && shown % resultsPerPage === 0 ? shown : resultsPerPage;
}

function year(text: string | null): number | undefined {
  if (text === null || !/^\d{1,4}$/.test(text)) return undefined;
  return Number(text);
}

/**
 * The most characters a query takes in the address. The server reads at most 16 KiB of a request
 * line and headers (431 headers_too_large), and a letter outside ASCII is written there as six to
 * twelve characters: a long query in Chinese was searched, but its page could not be reloaded or
 * shared. Any query of plain words the API takes fits, with room left for the filters and headers.
 */
const maxAddressQueryCharacters = 10_000;

/** `query` cut to its longest start that takes at most maxAddressQueryCharacters in the address, never between the halves of a surrogate pair. */
function withinAddress(query: string): string {
  const addressLength = (text: string) => new URLSearchParams({ q: text }).toString().length - 'q='.length;
  if (addressLength(query) <= maxAddressQueryCharacters) return query;
  let fits = 0;
  let fitsNot = query.length;
  while (fitsNot - fits > 1) {
    const middle = Math.floor((fits + fitsNot) / 2);
    if (addressLength(query.slice(0, middle)) <= maxAddressQueryCharacters) fits = middle;
    else fitsNot = middle;
  }
  const cut = query.slice(0, fits);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * A query from the address cut to what the API takes, as the box cuts a paste (maxLength): a
 * longer one in a link was sent, and refused with a validator's words. Never between the halves
 * of a surrogate pair, which the API would refuse too.
 */
function clipped(query: string): string {
  if (query.length <= maxQueryCharacters) return query;
  const cut = query.slice(0, maxQueryCharacters);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
