import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { messageLines } from '../../src/mcp/message-lines.js';

async function linesOf(chunks: readonly (string | Buffer)[]): Promise<string> {
  let text = '';
  for await (const chunk of messageLines(Readable.from(chunks.map((chunk) => Buffer.from(chunk))))) text += String(chunk);
  return text;
}

describe('messageLines (what the stdio MCP server reads)', () => {
  it('passes whole lines through, each ending in a newline', async () => {
    assert.equal(await linesOf(['{"a":1}\n{"b"', ':2}\n']), '{"a":1}\n{"b":2}\n');
  });

  it('regression: ends a last line that has no newline (the SDK dropped it, and its request went unanswered)', async () => {
    assert.equal(await linesOf(['{"a":1}\n{"b":2}']), '{"a":1}\n{"b":2}\n');
  });

  it('regression: leaves out blank lines (each was answered with a parse error nobody asked for)', async () => {
    assert.equal(await linesOf(['\n{"a":1}\n\n  \r\n', '\t\n{"b":2}\r\n']), '{"a":1}\n{"b":2}\r\n');
  });

  it('regression: drops a byte-order mark at the start only (initialize behind one failed)', async () => {
    assert.equal(await linesOf(['\uFEFF{"a":1}\n{"b":"\uFEFF"}\n']), '{"a":1}\n{"b":"\uFEFF"}\n');
    assert.equal(await linesOf([Buffer.from([0xef]), Buffer.from([0xbb, 0xbf]), '{"a":1}\n']), '{"a":1}\n');
  });

  it('keeps a character split across chunks whole', async () => {
    const text = '{"t":"Москва 🐙"}\n';
    const bytes = Buffer.from(text);
    const chunks = Array.from(bytes, (byte) => Buffer.from([byte]));
    assert.equal(await linesOf(chunks), text);
  });

  it('gives nothing for nothing', async () => {
    assert.equal(await linesOf([]), '');
    assert.equal(await linesOf(['\n\n']), '');
  });
});
