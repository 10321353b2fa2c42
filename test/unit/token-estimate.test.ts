import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getModel, withLongPassages } from '../../src/embedding/model-registry.js';
import { basicTokenCount, estimatedTokens } from '../../src/embedding/token-estimate.js';

const model = getModel('all-MiniLM-L6-v2');

describe('basicTokenCount', () => {
  it('counts runs of letters and digits and each punctuation mark, as BERT splits before WordPiece', () => {
    assert.equal(basicTokenCount('Hello, world!'), 4);
    assert.equal(basicTokenCount('  state-of-the-art  (SOTA) 3.5%\tgain\n'), 15);
    assert.equal(basicTokenCount('Müller über façade'), 3, 'Latin letters with diacritics are letters');
    assert.equal(basicTokenCount('检索增强生成'), 6, 'CJK characters are a token each, as BERT splits them');
    assert.equal(basicTokenCount('BERT模型，测试。'), 1 + 2 + 1 + 2 + 1, 'and so are punctuation marks past ASCII');
    assert.equal(basicTokenCount('α-helix'), 3);
    assert.equal(basicTokenCount('𠀀𠀁'), 2, 'a character outside the BMP counts once');
    assert.equal(basicTokenCount(''), 0);
    assert.equal(basicTokenCount(' \n\t'), 0);
  });
});

describe('estimatedTokens', () => {
  it('regression: an unspaced Chinese abstract is not estimated at a few tokens (each character is one)', () => {
    assert.equal(estimatedTokens('检索增强生成'.repeat(100), 'passage', model), model.maxTokens);
  });

  it('adds WordPiece pieces and the special tokens, and stops at the window', () => {
    assert.equal(estimatedTokens('Hello, world!', 'query', model), Math.ceil(4 * 1.15) + 2);
    const long = 'word '.repeat(1_000);
    assert.equal(estimatedTokens(long, 'passage', model), model.maxTokens);
    assert.equal(estimatedTokens(long, 'query', model), model.maxTokens);
  });

  it('counts a long passage whole when the model embeds it as several windows', () => {
    const windowed = withLongPassages(model, { kind: 'windows', stride: 128 });
    assert.equal(estimatedTokens('word '.repeat(1_000), 'passage', windowed), Math.ceil(1_000 * 1.15) + 2);
    assert.equal(estimatedTokens('word '.repeat(1_000), 'query', windowed), model.maxTokens, 'queries are cut at the window');
  });
});
