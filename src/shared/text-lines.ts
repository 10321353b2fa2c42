import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

const lineBreak = /[\r\n]/g;

/**
 * The lines of a UTF-8 text stream, ended by \n, \r\n or a lone \r, without their ends. Unlike
 * node:readline it does not also end a line at U+2028 or U+2029: those are ordinary characters
 * inside a JSON string (JSON.stringify writes them raw) and abstracts pasted from PDFs hold them,
 * so splitting there cut records in two. As with readline, a final line break ends the last line
 * rather than starting an empty one.
 */
export async function* textLines(input: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  const line = new LineAssembler();
  for await (const chunk of input as AsyncIterable<string | Buffer>) {
    yield* line.feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  }
  yield* line.feed(decoder.end());
  yield* line.finish();
}

/**
 * Cuts text fed a chunk at a time into lines. Each chunk is scanned once and an unfinished line
 * is kept as its pieces, joined when its end arrives, so a line longer than many chunks costs no
 * more than a short one per character.
 */
class LineAssembler {
  private pieces: string[] = [];
  /** The last chunk ended with \r: a \n opening the next one belongs to that line break. */
  private afterCarriageReturn = false;

  /** The lines that `text` completes (the shared regex is used to the end before they are yielded). */
  feed(text: string): string[] {
    if (text.length === 0) return [];
    const lines: string[] = [];
    let start = this.afterCarriageReturn && text[0] === '\n' ? 1 : 0;
    this.afterCarriageReturn = false;
    lineBreak.lastIndex = start;
    for (let found = lineBreak.exec(text); found !== null; found = lineBreak.exec(text)) {
      const at = found.index;
      this.pieces.push(text.slice(start, at));
      lines.push(this.pieces.join(''));
      this.pieces = [];
      if (text[at] === '\r' && at === text.length - 1) this.afterCarriageReturn = true;
      start = text[at] === '\r' && text[at + 1] === '\n' ? at + 2 : at + 1;
      lineBreak.lastIndex = start;
    }
    if (start < text.length) this.pieces.push(text.slice(start));
    return lines;
  }

  /** The last line, when the text did not end with a line break. */
  finish(): string[] {
    const last = this.pieces.join('');
    this.pieces = [];
    return last.length > 0 ? [last] : [];
  }
}
