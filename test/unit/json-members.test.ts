import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holdsMoreMembersThan } from '../../src/http/json-members.js';

const members = (count: number) => `{${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')}}`;

describe('holdsMoreMembersThan', () => {
  it('counts the members of every object, nested ones and those in arrays', () => {
    const text = '{"papers":[{"a":1,"b":{"c":2}},{"d":[{"e":3}]}]}';
    assert.equal(holdsMoreMembersThan(Buffer.from(text), 6), false);
    assert.equal(holdsMoreMembersThan(Buffer.from(text), 5), true);
  });

  it('does not count colons inside strings, escaped quotes and backslashes included', () => {
    const text = JSON.stringify({ abstract: 'a:b:c "quoted: x" \\: y', url: 'https://example.org:8080/a:b' });
    assert.equal(holdsMoreMembersThan(Buffer.from(text), 2), false);
    assert.equal(holdsMoreMembersThan(Buffer.from(text), 1), true);
  });

  it('lets through a body of many colons in its strings and few members', () => {
    const text = JSON.stringify({ abstract: 'ratio 1:2 '.repeat(100_000) });
    assert.equal(holdsMoreMembersThan(Buffer.from(text), 1_000), false);
  });

  it('counts in UTF-16 and UTF-32, either byte order, beside characters outside the basic plane', () => {
    const text = `${members(10).slice(0, -1)},"emoji":"🧪:🔬"}`;
    const utf16be = Buffer.from(text, 'utf16le').swap16();
    const utf32le = Buffer.alloc([...text].length * 4);
    [...text].forEach((character, i) => utf32le.writeUInt32LE(character.codePointAt(0)!, i * 4));
    const utf32be = Buffer.from(utf32le).swap32();
    for (const [body, unitBytes, order] of [
      [Buffer.from(text, 'utf16le'), 2, 'le'],
      [utf16be, 2, 'be'],
      [utf32le, 4, 'le'],
      [utf32be, 4, 'be'],
    ] as const) {
      assert.equal(holdsMoreMembersThan(body, 11, unitBytes, order), false, `${unitBytes} ${order}`);
      assert.equal(holdsMoreMembersThan(body, 10, unitBytes, order), true, `${unitBytes} ${order}`);
    }
  });

  it('stops at the limit in a body of very many members', () => {
    assert.equal(holdsMoreMembersThan(Buffer.from(members(200_000)), 64_000), true);
    assert.equal(holdsMoreMembersThan(Buffer.from(members(64_000)), 64_000), false);
  });
});
