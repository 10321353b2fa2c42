import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { textLines } from '../../src/shared/text-lines.js';

async function linesOf(chunks: (string | Buffer)[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of textLines(Readable.from(chunks))) lines.push(line);
  return lines;
}

describe('textLines', () => {
  it('regression: refuses a line longer than 64 MiB instead of holding it (a 6 GB line of a small .gz ran ingestion out of memory)', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    for (const windows1252Fallback of [false, true]) {
      const endless = Readable.from(
        (function* () {
          yield Buffer.from('a first line\n');
          for (let i = 0; i < 80; i++) yield chunk;
        })(),
      );
      const lines: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const line of textLines(endless, { windows1252Fallback })) lines.push(line);
        })(),
        /a line is longer than 64 MiB/,
        String(windows1252Fallback),
      );
      assert.deepEqual(lines, ['a first line']);
    }
  });

  it('regression: U+2028 and U+2029 inside a record do not end its line (readline split there and snapshots failed)', async () => {
    const record = JSON.stringify({ id: 'ls-1', abstract: 'First sentence.\u2028Second.\u2029Third.' });
    assert.ok(record.includes('\u2028'), 'JSON.stringify writes the separators raw');
    const lines = await linesOf([`${record}\n{"id":"next"}\n`]);
    assert.deepEqual(
      lines.map((line) => JSON.parse(line) as unknown),
      [{ id: 'ls-1', abstract: 'First sentence.\u2028Second.\u2029Third.' }, { id: 'next' }],
    );
  });

  it('ends lines at \\n, \\r\\n and a lone \\r, even when a \\r\\n or a character is split across chunks', async () => {
    assert.deepEqual(await linesOf(['a\nb\r', '\nc\rd\r\n\ne']), ['a', 'b', 'c', 'd', '', 'e']);
    const euro = Buffer.from('€uro\n', 'utf8');
    assert.deepEqual(await linesOf([euro.subarray(0, 1), euro.subarray(1, 2), euro.subarray(2)]), ['€uro']);
  });

  it('keeps a line whole when it arrives a character at a time, \r\n split included', async () => {
    const text = 'first line\r\nsecond\rthird\n';
    assert.deepEqual(await linesOf([...text]), ['first line', 'second', 'third']);
  });

  it('yields no empty line after a final line break, and the last line without one', async () => {
    assert.deepEqual(await linesOf(['a\n']), ['a']);
    assert.deepEqual(await linesOf(['a\r']), ['a']);
    assert.deepEqual(await linesOf(['a\n\n']), ['a', '']);
    assert.deepEqual(await linesOf(['a\nb']), ['a', 'b']);
    assert.deepEqual(await linesOf([]), []);
  });

  it('reads a line that is not UTF-8 as Windows-1252 when asked, and every UTF-8 line as UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('caf\u00e9 €\n', 'utf8'), Buffer.from('M\xfcller \x80\r\n', 'latin1'), Buffer.from('na\u00efve', 'utf8')]);
    const lenient: string[] = [];
    for (let cut = 1; cut < bytes.length; cut++) {
      lenient.length = 0;
      const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
      for await (const line of textLines(Readable.from(chunks), { windows1252Fallback: true })) lenient.push(line);
      assert.deepEqual(lenient, ['café €', 'Müller €', 'naïve'], `cut at ${cut}`);
    }
    assert.deepEqual(await linesOf([bytes]), ['café €', 'M\ufffdller \ufffd', 'naïve'], 'UTF-8 alone, as before');
  });

  it('regression: reads a text opening with a UTF-16 byte-order mark as UTF-16, little- or big-endian (Windows "Unicode" .bib and .ris files read as nothing)', async () => {
    const text = '@misc{k,\r\n  title = {Müller — 検索},\r\n}';
    const littleEndian = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const bigEndian = Buffer.from(littleEndian).swap16();
    for (const [name, bytes] of [
      ['UTF-16LE', littleEndian],
      ['UTF-16BE', bigEndian],
    ] as const) {
      for (const cut of [1, 2, 3, 17]) {
        const lines: string[] = [];
        for await (const line of textLines(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]), { windows1252Fallback: true })) lines.push(line);
        assert.deepEqual(lines, ['@misc{k,', '  title = {Müller — 検索},', '}'], `${name}, cut at ${cut}`);
      }
    }
  });
});
