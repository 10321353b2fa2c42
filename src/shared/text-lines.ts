import { Transform, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';

const lineBreak = /[\r\n]/g;

/**
 * The longest line read: far more than any record a reader takes (a paper at every limit is a few
 * MB), and short of what would exhaust the memory (a 6 GB line of a few MB compressed did).
 */
const maxLineCharacters = 64 * 1024 * 1024;

const lineTooLong = () => new Error(`a line is longer than ${maxLineCharacters / 1024 / 1024} MiB: not a file of records`);

export interface TextLinesOptions {
  /**
   * Read a line that is not valid UTF-8 as Windows-1252 (a superset of Latin-1) instead of
   * replacing its bad bytes with U+FFFD: older reference managers (JabRef before 5, EndNote,
   * Citavi) wrote BibTeX and RIS in that encoding, and "Müller" should not come out as "M\uFFFDller".
   */
  windows1252Fallback?: boolean;
}

/**
 * The lines of a UTF-8 text stream, ended by \n, \r\n or a lone \r, without their ends. Unlike
 * node:readline it does not also end a line at U+2028 or U+2029: those are ordinary characters
 * inside a JSON string (JSON.stringify writes them raw) and abstracts pasted from PDFs hold them,
 * so splitting there cut records in two. As with readline, a final line break ends the last line
 * rather than starting an empty one.
 */
export async function* textLines(input: Readable, options: TextLinesOptions = {}): AsyncGenerator<string> {
  const decoder = options.windows1252Fallback ? new LineWiseFallbackDecoder() : new StringDecoder('utf8');
  const line = new LineAssembler();
  for await (const chunk of input as AsyncIterable<string | Buffer>) {
    yield* line.feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  }
  yield* line.feed(decoder.end());
  yield* line.finish();
}

/**
 * The text of a byte stream as UTF-8 bytes, each line that is not valid UTF-8 read as Windows-1252
 * (see TextLinesOptions): for parsers that take the text whole, such as CSV's, where Excel on
 * Windows saves in that encoding.
 */
export function withWindows1252Fallback(input: Readable): Readable {
  const decoder = new LineWiseFallbackDecoder();
  const decoded = new Transform({
    transform: (chunk: Buffer, _encoding, done) => {
      let text: string;
      try {
        text = decoder.write(chunk);
      } catch (error) {
        done(error as Error);
        return;
      }
      done(null, text);
    },
    flush: (done) => done(null, decoder.end()),
  });
  input.on('error', (error) => decoded.destroy(error));
  return input.pipe(decoded);
}

/**
 * Cuts text fed a chunk at a time into lines. Each chunk is scanned once and an unfinished line
 * is kept as its pieces, joined when its end arrives, so a line longer than many chunks costs no
 * more than a short one per character.
 */
class LineAssembler {
  private pieces: string[] = [];
  private piecesLength = 0;
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
      this.piecesLength = 0;
      if (text[at] === '\r' && at === text.length - 1) this.afterCarriageReturn = true;
      start = text[at] === '\r' && text[at + 1] === '\n' ? at + 2 : at + 1;
      lineBreak.lastIndex = start;
    }
    if (start < text.length) {
      this.pieces.push(text.slice(start));
      this.piecesLength += text.length - start;
      if (this.piecesLength > maxLineCharacters) throw lineTooLong();
    }
    return lines;
  }

  /** The last line, when the text did not end with a line break. */
  finish(): string[] {
    const last = this.pieces.join('');
    this.pieces = [];
    return last.length > 0 ? [last] : [];
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const windows1252 = new TextDecoder('windows-1252', { ignoreBOM: true });

/** The text of bytes held whole, decoded as withWindows1252Fallback decodes a stream (UTF-16 with its byte-order mark). */
export function decodedText(bytes: Buffer): string {
  const decoder = new LineWiseFallbackDecoder();
  return decoder.write(bytes) + decoder.end();
}

/**
 * Decodes bytes up to each chunk's last line break, as UTF-8 where that is valid and line by line
 * as Windows-1252 where it is not. Line breaks are the same single bytes in both encodings and never
 * part of a UTF-8 sequence, so cutting there splits no character. A text that opens with a UTF-16
 * byte-order mark (Windows tools' "Unicode" files) is decoded as UTF-16 throughout instead.
 */
class LineWiseFallbackDecoder {
  /** Bytes after the last line break seen: the start of a line still arriving. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Set by the first bytes: undefined until two have arrived, then the UTF-16 decoder or null. */
  private utf16: TextDecoder | null | undefined;

  write(chunk: Buffer): string {
    if (this.utf16 === undefined) {
      const start = Buffer.concat([...this.held, chunk]);
      if (start.length < 2) {
        this.held = [start];
        return '';
      }
      this.held = [];
      this.utf16 = utf16DecoderOf(start);
      chunk = start;
    }
    if (this.utf16) return this.utf16.decode(chunk, { stream: true });
    const lastBreak = Math.max(chunk.lastIndexOf(0x0a), chunk.lastIndexOf(0x0d));
    if (lastBreak < 0) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      // Held outside the heap, these bytes were not stopped by its limit (2 GB of one line held 6.6 GB).
      if (this.heldBytes > maxLineCharacters) throw lineTooLong();
      return '';
    }
    const complete = Buffer.concat([...this.held, chunk.subarray(0, lastBreak + 1)]);
    this.held = [chunk.subarray(lastBreak + 1)];
    this.heldBytes = this.held[0]!.length;
    return decodeLines(complete);
  }

  end(): string {
    if (this.utf16) return this.utf16.decode();
    const rest = Buffer.concat(this.held);
    this.held = [];
    this.heldBytes = 0;
    return decodeLines(rest);
  }
}

/** A UTF-16 decoder (it drops the mark) for bytes opening with a UTF-16 byte-order mark, else null. */
function utf16DecoderOf(start: Buffer): TextDecoder | null {
  if (start[0] === 0xff && start[1] === 0xfe) return new TextDecoder('utf-16le');
  if (start[0] === 0xfe && start[1] === 0xff) return new TextDecoder('utf-16be');
  return null;
}

function decodeLines(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const text: string[] = [];
    for (let start = 0; start < bytes.length;) {
      let end = start;
      while (end < bytes.length && bytes[end] !== 0x0a && bytes[end] !== 0x0d) end++;
      end = Math.min(end + 1, bytes.length);
      const line = bytes.subarray(start, end);
      try {
        text.push(strictUtf8.decode(line));
      } catch {
        text.push(windows1252.decode(line));
      }
      start = end;
    }
    return text.join('');
  }
}

/** Where reading a file of lines stopped, for a message: "before its first line" or "after line 12". */
export function whereReadingStopped(linesRead: number): string {
  return linesRead === 0 ? 'before its first line' : `after line ${linesRead}`;
}
