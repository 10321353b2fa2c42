import { readFile } from 'node:fs/promises';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitLogistic, rocAuc, separation, shareAtLeast, sigmoid, thresholdKeeping } from '../../scripts/eval/calibration-metrics.js';
import { assignFolds, crossValidate } from '../../scripts/eval/cross-validation.js';
import { generateJunkQueries, junkQueriesPath, junkQueriesSeed } from '../../scripts/eval/generate-junk-queries.js';

const close = (actual: number, expected: number, tolerance = 1e-9) => assert.ok(Math.abs(actual - expected) < tolerance, `${actual} vs ${expected}`);

describe('rocAuc', () => {
  it('is 1 for perfect separation, 0 for reversed, 0.5 for all ties', () => {
    assert.equal(rocAuc([0.9, 0.8], [0.1, 0.2]), 1);
    assert.equal(rocAuc([0.1], [0.9, 0.8]), 0);
    assert.equal(rocAuc([0.5, 0.5], [0.5]), 0.5);
  });

  it('counts pairs by hand: positives 3, 1; negatives 2, 0', () => {
    // Pairs won: (3>2), (3>0), (1>0); lost: (1<2) → 3/4.
    assert.equal(rocAuc([3, 1], [2, 0]), 0.75);
  });
});

describe('thresholdKeeping and separation', () => {
  it('keeps at least the asked share of positives', () => {
    const positives = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.equal(thresholdKeeping(positives, 0.9), 2);
    assert.equal(thresholdKeeping(positives, 1), 1);
  });

  it('shareAtLeast counts scores at or above the threshold', () => {
    assert.equal(shareAtLeast([0.1, 0.3, 0.5, 0.8], 0.3), 0.75);
    assert.equal(shareAtLeast([0.1, 0.3], 0.9), 0);
    assert.ok(Number.isNaN(shareAtLeast([], 0.5)));
  });

  it('reports medians and what the 90% threshold removes', () => {
    const report = separation([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], [0, 5], [0.5]);
    assert.equal(report.threshold90, 2);
    assert.equal(report.wrongRemoved90, 0.5);
    assert.equal(report.junkRemoved90, 1);
    assert.equal(report.medianRight, 5.5);
  });
});

describe('fitLogistic', () => {
  it('recovers the coefficients of data drawn from a known logistic model', () => {
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const x = (i % 400) / 100 - 2;
      // Deterministic "sampling": the share of positives at x equals σ(2x - 1).
      const p = sigmoid(2 * x - 1);
      rows.push([x]);
      labels.push((Math.floor(i / 400) + 0.5) / 10 < p ? 1 : 0);
    }
    const [slope, bias] = fitLogistic(rows, labels, 0);
    close(slope!, 2, 0.25);
    close(bias!, -1, 0.15);
  });
});

describe('cross-validation', () => {
  it('deals queries into folds of equal size, the same for the same seed', () => {
    const folds = assignFolds(10, 5, 3);
    assert.deepEqual(folds, assignFolds(10, 5, 3));
    for (let f = 0; f < 5; f++) assert.equal(folds.filter((x) => x === f).length, 2);
  });

  it('scores each fold with the setting its other folds chose', () => {
    // "a" wins on every query but the last, where "b" wins by enough to have the better mean:
    // held out, each fold picks the setting that loses on it.
    const metric = new Map([
      ['a', [1, 1, 1, 1, 0]],
      ['b', [0, 0, 0, 0, 5]],
    ]);
    const result = crossValidate(metric, [0, 1, 2, 3, 4], 5);
    assert.deepEqual(result.chosen, ['b', 'b', 'b', 'b', 'a']);
    close(result.heldOut, 0);
    assert.equal(result.best, 'b');
    close(result.bestMean, 1);
  });
});

describe('junk queries', () => {
  it('are reproducible from the seed and of every kind', () => {
    const first = generateJunkQueries(1);
    assert.deepEqual(first, generateJunkQueries(1));
    assert.deepEqual(new Set(first.map((q) => q.kind)), new Set(['off-topic', 'words', 'mash', 'noise', 'bytes']));
    assert.equal(new Set(first.map((q) => q._id)).size, first.length);
  });

  it('junk-queries.jsonl is what the generator writes', async () => {
    const lines = (await readFile(junkQueriesPath, 'utf8')).trim().split('\n');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line) as unknown),
      generateJunkQueries(junkQueriesSeed),
    );
  });
});
