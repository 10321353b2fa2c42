import { styleText } from 'node:util';
import stringWidth from 'string-width';
import { withoutControlCharacters, withoutLoneSurrogates } from '../../shared/unicode.js';

type Style = Parameters<typeof styleText>[0];

/** What a stream can show: a table and colour on a terminal, plain lines for scripts and pipes. */
export interface StreamTraits {
  isTerminal: boolean;
  /** Off when the stream is not a terminal, NO_COLOR is set, or TERM is dumb (Node's getColorDepth reads them). */
  color: boolean;
  columns: number;
}

export function traitsOf(stream: NodeJS.WriteStream): StreamTraits {
  const isTerminal = stream.isTTY === true;
  return {
    isTerminal,
    color: isTerminal && typeof stream.hasColors === 'function' && stream.hasColors(),
    columns: isTerminal && stream.columns > 0 ? stream.columns : 100,
  };
}

/** Styles text when colour is on; returns it unchanged otherwise. */
export function painter(color: boolean): (style: Style, text: string) => string {
  return color ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
}

/**
 * The bidirectional embeddings, overrides and isolates: in a terminal row, an override in a
 * stored title (U+202E) reverses the rest of the row, ids and scores included. A web page keeps
 * each field in its own isolate instead; a terminal has none.
 */
const directionControls = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text as a terminal may show it: control characters (an escape sequence in a stored title could
 * recolour the terminal or retitle its window), direction controls and unpaired surrogates become
 * U+FFFD. Tabs and line breaks are kept for the callers that fold whitespace.
 */
export function printable(text: string): string {
  return withoutLoneSurrogates(withoutControlCharacters(text, '\ufffd')).replace(directionControls, '\ufffd');
}

/** The columns `text` takes on a terminal: two for a CJK character or an emoji, none for a combining mark. */
export function columnsOf(text: string): number {
  return stringWidth(text);
}

/** Pads `text` with spaces to `width` columns. */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - columnsOf(text)));
}

/** Text as a terminal may show it (see printable), on one line: its whitespace, line breaks too, folded to single spaces. */
export function printableLine(text: string): string {
  return printable(text).replace(/\s+/g, ' ').trim();
}

/** Cuts text to `width` columns (whitespace folded), with an ellipsis when cut; never through a character. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const flat = printableLine(text);
  if (columnsOf(flat) <= width) return flat;
  return `${takeColumns(flat, width - 1).taken}…`;
}

/** Word-wraps text to `width` columns; a word wider than a line (CJK text has no spaces) is cut between characters. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of printable(text).split(/\s+/).filter(Boolean)) {
    if (line.length > 0 && columnsOf(line) + 1 + columnsOf(word) > width) {
      lines.push(line);
      line = '';
    }
    while (line.length === 0 && columnsOf(word) > width) {
      const { taken, rest } = takeColumns(word, width);
      if (taken.length === 0) break;
      lines.push(taken);
      word = rest;
    }
    line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** The longest start of `text` that fits in `width` columns, cut between grapheme clusters, and what is left. */
function takeColumns(text: string, width: number): { taken: string; rest: string } {
  let taken = '';
  let used = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const columns = columnsOf(segment);
    if (used + columns > width) return { taken, rest: text.slice(index) };
    taken += segment;
    used += columns;
  }
  return { taken, rest: '' };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
