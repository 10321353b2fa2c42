import { StringDecoder } from 'node:string_decoder';
import { Transform, type Readable } from 'node:stream';

/**
 * A stream of JSON-RPC messages, one a line, as the SDK's stdio transport reads them: every
 * message ends with a newline, blank lines are left out, and a byte-order mark at the start is
 * dropped. The transport reads whole lines only, so a last request without its newline went
 * unanswered; it answered a blank line as a parse error and could not read a first message
 * behind a byte-order mark (which some Windows tools write).
 */
export function messageLines(input: Readable): Readable {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let atStart = true;
  const lines = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let text = partial + decoder.write(chunk);
      if (atStart && text.length > 0) {
        text = text.replace(/^\uFEFF/, '');
        atStart = false;
      }
      const end = text.lastIndexOf('\n');
      partial = text.slice(end + 1);
      for (const line of text.slice(0, end + 1).split('\n')) if (line.trim() !== '') this.push(`${line}\n`);
      done();
    },
    flush(done) {
      const last = partial + decoder.end();
      if (last.trim() !== '') this.push(`${last}\n`);
      done();
    },
  });
  return input.pipe(lines);
}
