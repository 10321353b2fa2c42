import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibratedHybridScore, fuseCalibrated, relativeLexicalScore, type HybridCalibration } from '../../src/search/calibrated-fusion.js';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} vs ${expected}`);
const calibration: HybridCalibration = { cosineCoefficient: 10, lexicalCoefficient: 4, bias: -7 };
const none = { cosines: new Map<string, number>(), bm25: new Map<string, number>() };

describe('calibratedHybridScore', () => {
  it('is the logistic of the weighted signals, by hand', () => {
    close(calibratedHybridScore(0.5, 0.5, calibration), 1 / (1 + Math.exp(-(5 + 2 - 7))));
    close(calibratedHybridScore(0.8, 0.25, calibration), 1 / (1 + Math.exp(-(8 + 1 - 7))));
  });

  it('rises with either signal and stays within [0, 1] at the extremes', () => {
    assert.ok(calibratedHybridScore(0.6, 0.3, calibration) > calibratedHybridScore(0.5, 0.3, calibration));
    assert.ok(calibratedHybridScore(0.5, 0.4, calibration) > calibratedHybridScore(0.5, 0.3, calibration));
    const low = calibratedHybridScore(-1, 0, { ...calibration, cosineCoefficient: 800 });
    const high = calibratedHybridScore(1, 1, { ...calibration, cosineCoefficient: 800 });
    assert.ok(low >= 0 && low < 1e-12);
    assert.ok(high <= 1 && high > 0.999);
  });
});

describe('relativeLexicalScore', () => {
  it('divides by the ceiling and stays within [0, 1]', () => {
    assert.equal(relativeLexicalScore(3, 12), 0.25);
    assert.equal(relativeLexicalScore(13, 12), 1);
  });

  it('is 0 for a query without searchable words or a paper without a match', () => {
    assert.equal(relativeLexicalScore(0, 5), 0);
    assert.equal(relativeLexicalScore(2, 0), 0);
  });
});

describe('fuseCalibrated', () => {
  const dense = [
    { id: 'p1', score: 0.8 },
    { id: 'p2', score: 0.6 },
  ];
  const lexical = [
    { id: 'p3', score: 6 },
    { id: 'p1', score: 3 },
  ];
  const missing = { cosines: new Map([['p3', 0.55]]), bm25: new Map([['p2', 1.5]]) };

  it('scores every candidate on its own cosine and BM25, the missing ones looked up', () => {
    const fused = fuseCalibrated(dense, lexical, missing, 12, calibration);
    const byId = new Map(fused.map((item) => [item.id, item]));
    close(byId.get('p1')!.score, calibratedHybridScore(0.8, 0.25, calibration));
    close(byId.get('p2')!.score, calibratedHybridScore(0.6, 0.125, calibration));
    close(byId.get('p3')!.score, calibratedHybridScore(0.55, 0.5, calibration));
    assert.deepEqual(
      fused.map((item) => item.id),
      ['p1', 'p3', 'p2'],
    );
    assert.deepEqual(byId.get('p1')!.ranks, { dense: 1, lexical: 2 });
    assert.deepEqual(byId.get('p3')!.ranks, { lexical: 1 });
  });

  it('gives a paper the same score whatever else was retrieved (no min-max)', () => {
    const alone = fuseCalibrated([{ id: 'p1', score: 0.8 }], [{ id: 'p1', score: 3 }], missing, 12, calibration);
    const withOthers = fuseCalibrated(dense, lexical, missing, 12, calibration);
    close(alone[0]!.score, withOthers.find((item) => item.id === 'p1')!.score);
  });

  it('scores a query on an absent topic low at the top (hybrid scores were 0.5 or more whatever the query)', () => {
    const fused = fuseCalibrated([{ id: 'p7', score: 0.12 }], [], none, 0, calibration);
    assert.ok(fused[0]!.score < 0.01, `${fused[0]!.score}`);
  });

  it('breaks ties by id', () => {
    const fused = fuseCalibrated(
      [
        { id: 'p9', score: 0.5 },
        { id: 'p4', score: 0.5 },
      ],
      [],
      none,
      10,
      calibration,
    );
    assert.deepEqual(
      fused.map((item) => item.id),
      ['p4', 'p9'],
    );
  });
});
