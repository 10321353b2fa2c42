import { styleText } from 'node:util';

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

/** Cuts text to `width` columns, with an ellipsis when cut. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, Math.max(0, width - 1))}…`;
}

/** Word-wraps text to `width` columns. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}
