import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonShapeBeyond } from '../../src/http/json-shape.js';

const members = (count: number) => `{${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')}}`;
const roomy = { members: 1_000_000, containers: 1_000_000 };

describe('jsonShapeBeyond', () => {
  it('counts the members of every object, nested ones and those in arrays', () => {
    const text = Buffer.from('{"papers":[{"a":1,"b":{"c":2}},{"d":[{"e":3}]}]}');
    assert.equal(jsonShapeBeyond(text, { ...roomy, members: 6 }), undefined);
    assert.equal(jsonShapeBeyond(text, { ...roomy, members: 5 }), 'members');
  });

  it('counts every object and array, however deep', () => {
    const text = Buffer.from('{"papers":[{"a":[]},{"b":[[{}]]}]}');
    assert.equal(jsonShapeBeyond(text, { ...roomy, containers: 8 }), undefined);
    assert.equal(jsonShapeBeyond(text, { ...roomy, containers: 7 }), 'containers');
    assert.equal(jsonShapeBeyond(Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), { ...roomy, containers: 64_000 }), 'containers');
  });

  it('does not count what is inside strings, escaped quotes and backslashes included', () => {
    const text = Buffer.from(JSON.stringify({ abstract: 'a:b:c "quoted: {x}" \\: [y]', url: 'https://example.org:8080/a:b' }));
    assert.equal(jsonShapeBeyond(text, { members: 2, containers: 1 }), undefined);
    assert.equal(jsonShapeBeyond(text, { members: 1, containers: 1 }), 'members');
    assert.equal(jsonShapeBeyond(text, { members: 2, containers: 0 }), 'containers');
  });

  it('lets through a body of many colons and brackets in its strings and few members', () => {
    const text = Buffer.from(JSON.stringify({ abstract: 'ratio 1:2 [3] {4} '.repeat(100_000) }));
    assert.equal(jsonShapeBeyond(text, { members: 1_000, containers: 1_000 }), undefined);
  });

  it('counts in UTF-16 and UTF-32, either byte order, beside characters outside the basic plane', () => {
    const text = `${members(10).slice(0, -1)},"emoji":"🧪:🔬{["}`;
    const utf32le = Buffer.alloc([...text].length * 4);
    [...text].forEach((character, i) => utf32le.writeUInt32LE(character.codePointAt(0)!, i * 4));
    for (const [body, unitBytes, order] of [
      [Buffer.from(text, 'utf16le'), 2, 'le'],
      [Buffer.from(text, 'utf16le').swap16(), 2, 'be'],
      [utf32le, 4, 'le'],
      [Buffer.from(utf32le).swap32(), 4, 'be'],
    ] as const) {
      assert.equal(jsonShapeBeyond(body, { members: 11, containers: 1 }, unitBytes, order), undefined, `${unitBytes} ${order}`);
      assert.equal(jsonShapeBeyond(body, { members: 10, containers: 1 }, unitBytes, order), 'members', `${unitBytes} ${order}`);
      assert.equal(jsonShapeBeyond(body, { members: 11, containers: 0 }, unitBytes, order), 'containers', `${unitBytes} ${order}`);
    }
  });

  it('stops at the limit in a body of very many members', () => {
    assert.equal(jsonShapeBeyond(Buffer.from(members(200_000)), { members: 64_000, containers: 64_000 }), 'members');
    assert.equal(jsonShapeBeyond(Buffer.from(members(64_000)), { members: 64_000, containers: 64_000 }), undefined);
  });
});
