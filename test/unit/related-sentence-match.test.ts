import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sentenceMatchScore } from '../../scripts/eval/csfcube/sentence-match.js';

const unit = (...values: number[]) => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (value) => value / norm);
};
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} vs ${expected}`);

describe('sentenceMatchScore', () => {
  const x = unit(1, 0, 0);
  const y = unit(0, 1, 0);
  const z = unit(0, 0, 1);

  it("averages each query sentence's best match in the candidate", () => {
    // x matches x (1), y matches nothing better than 0.
    close(sentenceMatchScore([x, y], [x, z]), 0.5);
  });

  it('finds one shared sentence however much else the candidate says', () => {
    close(sentenceMatchScore([x], [y, z, unit(1, 1, 0), x]), 1);
  });

  it('weights query sentences, and skips those weighted 0', () => {
    close(sentenceMatchScore([x, y], [x], [3, 1]), 0.75);
    close(sentenceMatchScore([x, y], [x], [0, 1]), 0);
  });

  it('scores 0 when either side has no sentence', () => {
    assert.equal(sentenceMatchScore([], [x]), 0);
    assert.equal(sentenceMatchScore([x], []), 0);
  });
});
