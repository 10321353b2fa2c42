import { Transform, type Readable } from 'node:stream';

/** JSON-RPC's request id: a number, a string, or null when it cannot be told. */
export type MessageId = string | number | null;

export interface MessageLineOptions {
  /** The longest line passed on, in bytes; a longer one is dropped and reported. */
  maxLineBytes: number;
  /** A dropped line: its size, and the id of the request it carried when its edges tell it. */
  onOversized(id: MessageId, bytes: number): void;
}

/** Bytes kept from each end of a line too long to pass on, to find its request id. */
const edgeBytes = 4_096;
const newline = 0x0a;

/**
 * A stream of JSON-RPC messages, one a line, as the SDK's stdio transport reads them: every
 * message ends with a newline, blank lines are left out, and a byte-order mark at the start is
 * dropped. The transport reads whole lines only, so a last request without its newline went
 * unanswered; it answered a blank line as a parse error and could not read a first message
 * behind a byte-order mark (which some Windows tools write). A line over `maxLineBytes` is not
 * kept, only its two ends: the transport gave up on a line over its buffer and closed, and
 * every request after it went unanswered.
 */
export function messageLines(input: Readable, options: MessageLineOptions): Readable {
  let pieces: Buffer[] = [];
  let lineBytes = 0;
  let head: Buffer | undefined;
  let tail = Buffer.alloc(0);
  let atStart = true;

  const take = (piece: Buffer): void => {
    lineBytes += piece.length;
    if (head === undefined && lineBytes <= options.maxLineBytes) {
      pieces.push(piece);
      return;
    }
    if (head === undefined) {
      // Copies: views would keep the whole line so far in memory until it ends.
      const line = Buffer.concat([...pieces, piece]);
      head = Buffer.from(line.subarray(0, edgeBytes));
      tail = Buffer.from(line.subarray(-edgeBytes));
      pieces = [];
      return;
    }
    tail = Buffer.concat([tail, piece.subarray(-edgeBytes)]).subarray(-edgeBytes);
  };

  const endLine = (lines: Transform): void => {
    if (head !== undefined) {
      options.onOversized(requestIdAtEdges(head.toString('utf8'), tail.toString('utf8')), lineBytes);
    } else {
      let line = Buffer.concat(pieces).toString('utf8');
      if (atStart) line = line.replace(/^\uFEFF/, '');
      if (line.trim() !== '') lines.push(`${line}\n`);
    }
    atStart = false;
    pieces = [];
    lineBytes = 0;
    head = undefined;
    tail = Buffer.alloc(0);
  };

  const lines = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let start = 0;
      for (let end = chunk.indexOf(newline); end !== -1; end = chunk.indexOf(newline, start)) {
        take(chunk.subarray(start, end));
        endLine(this);
        start = end + 1;
      }
      if (start < chunk.length) take(chunk.subarray(start));
      done();
    },
    flush(done) {
      if (lineBytes > 0) endLine(this);
      done();
    },
  });
  return input.pipe(lines);
}

const idValue = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
const scalarMember = String.raw`\s*"(?:[^"\\]|\\.)*"\s*:\s*(?:"(?:[^"\\]|\\.)*"|-?[\d.eE+-]+|true|false|null)\s*,`;
/** `"id"` among the first members of the top-level object, before any member holding an object or array (Python's SDK writes it second). */
const idNearStart = new RegExp(String.raw`^\s*\{(?:${scalarMember})*\s*"id"\s*:\s*${idValue}`);
/**
 * `"id"` as the last member of the object that ends the line: that object is the top-level one,
 * since a nested object would be followed by its parent's closing brace (the TypeScript SDK writes
 * the id last).
 */
const idAtEnd = new RegExp(String.raw`[{,]\s*"id"\s*:\s*${idValue}\s*\}\s*$`);

/** The request id of a JSON-RPC message known only by its first and last bytes, or null. */
export function requestIdAtEdges(head: string, tail: string): MessageId {
  const found = idNearStart.exec(head)?.[1] ?? idAtEnd.exec(tail)?.[1];
  if (found === undefined) return null;
  try {
    return JSON.parse(found) as string | number;
  } catch {
    return null;
  }
}
