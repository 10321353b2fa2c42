import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { messageLines, requestIdAtEdges, type MessageId } from '../../src/mcp/message-lines.js';

async function linesOf(
  chunks: readonly (string | Buffer)[],
  maxLineBytes = 1_000_000,
): Promise<{ text: string; oversized: { id: MessageId; bytes: number }[] }> {
  let text = '';
  const oversized: { id: MessageId; bytes: number }[] = [];
  const lines = messageLines(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), {
    maxLineBytes,
    onOversized: (id, bytes) => oversized.push({ id, bytes }),
  });
  for await (const chunk of lines) text += String(chunk);
  return { text, oversized };
}

async function textOf(chunks: readonly (string | Buffer)[]): Promise<string> {
  return (await linesOf(chunks)).text;
}

describe('messageLines (what the stdio MCP server reads)', () => {
  it('passes whole lines through, each ending in a newline', async () => {
    assert.equal(await textOf(['{"a":1}\n{"b"', ':2}\n']), '{"a":1}\n{"b":2}\n');
  });

  it('regression: ends a last line that has no newline (the SDK dropped it, and its request went unanswered)', async () => {
    assert.equal(await textOf(['{"a":1}\n{"b":2}']), '{"a":1}\n{"b":2}\n');
  });

  it('regression: leaves out blank lines (each was answered with a parse error nobody asked for)', async () => {
    assert.equal(await textOf(['\n{"a":1}\n\n  \r\n', '\t\n{"b":2}\r\n']), '{"a":1}\n{"b":2}\r\n');
  });

  it('regression: drops a byte-order mark at the start only (initialize behind one failed)', async () => {
    assert.equal(await textOf(['\uFEFF{"a":1}\n{"b":"\uFEFF"}\n']), '{"a":1}\n{"b":"\uFEFF"}\n');
    assert.equal(await textOf([Buffer.from([0xef]), Buffer.from([0xbb, 0xbf]), '{"a":1}\n']), '{"a":1}\n');
  });

  it('keeps a character split across chunks whole', async () => {
    const text = '{"t":"Москва 🐙"}\n';
    const bytes = Buffer.from(text);
    const chunks = Array.from(bytes, (byte) => Buffer.from([byte]));
    assert.equal(await textOf(chunks), text);
  });

  it('regression: drops a line over the limit, reports it with its request id, and reads on (the transport closed on a line over its buffer, and the requests after it went unanswered)', async () => {
    const tsClient = `{"method":"tools/call","params":{"name":"search_papers","arguments":{"query":"${'x'.repeat(5_000)}"}},"jsonrpc":"2.0","id":7}`;
    const pythonClient = `{"jsonrpc":"2.0","id":"req-8","method":"tools/call","params":{"name":"search_papers","arguments":{"query":"${'é'.repeat(3_000)}"}}}`;
    const chunks = [`{"a":1}\n${tsClient.slice(0, 1_000)}`, tsClient.slice(1_000), `\n${pythonClient}\r\n`, '{"b":2}\n[', '1,2]'];
    const { text, oversized } = await linesOf(chunks, 2_000);
    assert.equal(text, '{"a":1}\n{"b":2}\n[1,2]\n');
    assert.deepEqual(oversized, [
      { id: 7, bytes: Buffer.byteLength(tsClient) },
      { id: 'req-8', bytes: Buffer.byteLength(pythonClient) + 1 },
    ]);
  });

  it('finds the id at the end of a line that passes the limit in its last few bytes', async () => {
    const line = `{"method":"ping","params":{"q":"${'x'.repeat(100)}"},"jsonrpc":"2.0","id":7}`;
    const { oversized } = await linesOf([line.slice(0, -4), `${line.slice(-4)}\n`], line.length - 2);
    assert.deepEqual(oversized, [{ id: 7, bytes: line.length }]);
  });

  it('passes a 20 MB line under the limit whole', async () => {
    const line = `{"q":"${'y'.repeat(20_000_000)}"}`;
    const chunks = Array.from({ length: Math.ceil(line.length / 65_536) }, (_, i) => line.slice(i * 65_536, (i + 1) * 65_536));
    const { text } = await linesOf([...chunks, '\n'], 32 * 1024 * 1024);
    assert.equal(text.length, line.length + 1);
  });

  it('gives nothing for nothing', async () => {
    assert.equal(await textOf([]), '');
    assert.equal(await textOf(['\n\n']), '');
  });
});

describe('requestIdAtEdges (the id of a message too long to read)', () => {
  it('finds an id written first or last, never one inside the parameters', () => {
    assert.equal(requestIdAtEdges('{"jsonrpc":"2.0","id":12,"method":"x","params":{"q":"', '"}}'), 12);
    assert.equal(requestIdAtEdges('{"method":"tools/call","params":{"id":"inner"', '"x"}},"jsonrpc":"2.0","id":"a\\"b"}\r'), 'a"b');
    assert.equal(requestIdAtEdges('{"method":"x","params":{"id":5,"q":"', '"q":"z","id":9}}'), null);
    assert.equal(requestIdAtEdges('[{"jsonrpc":"2.0","id":1', '"id":2}]'), null);
    assert.equal(requestIdAtEdges('not json', 'at all'), null);
  });
});
