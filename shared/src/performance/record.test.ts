import { describe, expect, it } from 'vitest';
import { applyPoint, type ModelRecord } from './record';
import { computeHoursOf, MIN_HOURS, normalisedReward, REWARD_HALF, unitsPerHour } from './reward';

const emptyRecord = (): ModelRecord => ({
  results: 0, computeHours: 0, baseline: null, baselineWuId: null, current: null, currentWuId: null,
  best: null, bestWuId: null, bestParams: null, bestAt: null, improvement: 0, roi: 0,
});

const at = new Date('2025-01-01T00:00:00Z');

function fold(values: [number, number][], lowerIsBetter: boolean) {
  let r: ModelRecord = emptyRecord();
  const gains: number[] = [];
  values.forEach(([value, computeHours], i) => {
    const a = applyPoint(r, { wuId: i + 1, value, computeHours, params: { i }, at }, lowerIsBetter);
    r = a.record;
    gains.push(a.gain);
  });
  return { r, gains };
}

describe('model record', () => {
  it('keeps baseline, current and best, and ROI = improvement / hours (lower is better)', () => {
    const { r, gains } = fold([[0.7, 0.1], [0.68, 0.1], [0.69, 0.2], [0.65, 0.1]], true);
    expect(r).toMatchObject({ results: 4, baseline: 0.7, baselineWuId: 1, current: 0.65, currentWuId: 4, best: 0.65, bestWuId: 4, bestParams: { i: 3 } });
    expect(gains.map((g) => Number(g.toFixed(12)))).toEqual([0, 0.02, 0, 0.03]);
    expect(r.computeHours).toBeCloseTo(0.5, 12);
    expect(r.improvement).toBeCloseTo(0.05, 12);
    expect(r.roi).toBeCloseTo(0.1, 12);
    // The improvement is the sum of the gains.
    expect(gains.reduce((a, b) => a + b, 0)).toBeCloseTo(r.improvement, 12);
  });

  it('orients gains when higher is better, and a worse latest result keeps the best', () => {
    const { r, gains } = fold([[0.01, 1], [0.05, 1], [0.02, 2]], false);
    expect(r).toMatchObject({ baseline: 0.01, best: 0.05, bestWuId: 2, current: 0.02 });
    expect(gains[1]).toBeCloseTo(0.04, 12);
    expect(r.roi).toBeCloseTo(0.04 / 4, 12);
  });

  it('has ROI 0 without compute, and a first result that is its own baseline', () => {
    const a = applyPoint(emptyRecord(), { wuId: 9, value: 3, computeHours: 0, params: {}, at }, true);
    expect(a).toMatchObject({ first: true, newBest: true, gain: 0, previousBest: null });
    expect(a.record).toMatchObject({ baseline: 3, best: 3, current: 3, improvement: 0, roi: 0 });
  });
});

describe('bandit reward', () => {
  it('is x / (x + REWARD_HALF) with x = (gain / unit) / hours', () => {
    expect(REWARD_HALF).toBe(10);
    expect(unitsPerHour(0.002, 0.001, 0.1)).toBeCloseTo(20, 12);
    expect(normalisedReward(0.001, 0.001, 0.1)).toBeCloseTo(0.5, 12);
    expect(normalisedReward(0.003, 0.001, 0.1)).toBeCloseTo(0.75, 12);
    expect(normalisedReward(0.09, 0.01, 0.1)).toBeCloseTo(0.9, 12);
  });
  it('is 0 without a gain and bounded below 1 for a free result', () => {
    expect(normalisedReward(0, 0.001, 0.1)).toBe(0);
    expect(normalisedReward(-1, 0.001, 0.1)).toBe(0);
    expect(normalisedReward(0.001, 0.001, 0)).toBeCloseTo(3600 / 3610, 12);
    expect(MIN_HOURS).toBeCloseTo(1 / 3600, 15);
  });
  it('adds replicas CPU seconds into hours', () => {
    expect(computeHoursOf([1800, null, 5400])).toBe(2);
  });
});
