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
  let pending = '';
  for await (const chunk of input as AsyncIterable<string | Buffer>) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const { lines, rest } = splitLines(pending, false);
    yield* lines;
    pending = rest;
  }
  const { lines, rest } = splitLines(pending + decoder.end(), true);
  yield* lines;
  if (rest.length > 0) yield rest;
}

/** The complete lines of `text` and what follows the last of them; a \r at the very end may be half of a \r\n unless `final`. */
function splitLines(text: string, final: boolean): { lines: string[]; rest: string } {
  const lines: string[] = [];
  let start = 0;
  lineBreak.lastIndex = 0;
  for (let found = lineBreak.exec(text); found !== null; found = lineBreak.exec(text)) {
    const at = found.index;
    if (text[at] === '\r' && at === text.length - 1 && !final) break;
    lines.push(text.slice(start, at));
    start = text[at] === '\r' && text[at + 1] === '\n' ? at + 2 : at + 1;
    lineBreak.lastIndex = start;
  }
  return { lines, rest: text.slice(start) };
}
