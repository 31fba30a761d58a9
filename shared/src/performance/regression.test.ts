import { describe, expect, it } from 'vitest';
import { isRegression, resultMilestones } from './milestones';
import { correctAcrossModels, regressionTest, type SampledPoint } from './regression';

const seasons = [2019, 2020, 2021, 2022, 2023];
const pt = (wuId: number, value: number, samples: number[] | null = null): SampledPoint => ({ wuId, value, samples, labels: samples ? seasons.slice(0, samples.length) : null });

describe('regressionTest', () => {
  it('pairs per-season samples: every season worse gives the exact sign-flip p = 1/2^5', () => {
    const best = pt(1, 0.62, [0.6, 0.61, 0.62, 0.63, 0.64]);
    const latest = pt(2, 0.72, [0.7, 0.71, 0.72, 0.73, 0.74]);
    const r = regressionTest(latest, best, [0.62, 0.72], true);
    expect(r.test).toBe('paired-permutation');
    expect(r.pValue).toBeCloseTo(1 / 32, 12);
    expect(r.difference).toBeCloseTo(-0.1, 12);
    expect(r.n).toBe(5);
  });
  it('gives p = 1 for a latest result equal to the best season by season', () => {
    const s = [0.6, 0.61, 0.62, 0.63, 0.64];
    expect(regressionTest(pt(2, 0.62, s), pt(1, 0.62, s), [], true).pValue).toBe(1);
  });
  it('uses a two-sample permutation test when samples do not pair', () => {
    const best = { wuId: 1, value: 5, samples: [4, 5, 6], labels: null };
    const latest = { wuId: 2, value: 2, samples: [1, 2, 3], labels: null };
    const r = regressionTest(latest, best, [], false);
    expect(r.test).toBe('permutation');
    // C(6,3) = 20 splits; only the observed one has mean difference ≤ −3.
    expect(r.pValue).toBeCloseTo(1 / 20, 12);
  });
  it('falls back to Welch on history windows: recent [1,2,3] vs before [4,5,6]', () => {
    const r = regressionTest(pt(6, 3), pt(3, 6), [4, 5, 6, 1, 2, 3], false);
    expect(r.test).toBe('welch-window');
    expect(r.difference).toBe(-3);
    // t = −3 / √(2/3) = −3.674, ν = 4: R pt(-3.674235, 4) = 0.01066.
    expect(r.pValue!).toBeCloseTo(0.01066, 4);
  });
  it('does not test when the latest is the best or history is short', () => {
    expect(regressionTest(pt(1, 1), pt(1, 1), [1, 2, 3, 4, 5, 6], true).test).toBeNull();
    expect(regressionTest(pt(5, 1), pt(1, 0), [0, 1, 1, 1, 1], true)).toEqual({ test: null, pValue: null, difference: null, n: 0 });
  });
});

describe('correction across models', () => {
  it('Holm: p (0.01, 0.04, 0.03) → (0.03, 0.06, 0.06)', () => {
    const m = correctAcrossModels([{ key: 'a', p: 0.01 }, { key: 'b', p: 0.04 }, { key: 'c', p: 0.03 }]);
    expect([m.get('a'), m.get('b'), m.get('c')].map((x) => Number(x!.toFixed(12)))).toEqual([0.03, 0.06, 0.06]);
  });
  it('BH: p (0.01, 0.04, 0.03) → (0.03, 0.04, 0.04)', () => {
    const m = correctAcrossModels([{ key: 'a', p: 0.01 }, { key: 'b', p: 0.04 }, { key: 'c', p: 0.03 }], 'bh');
    expect([m.get('a'), m.get('b'), m.get('c')].map((x) => Number(x!.toFixed(12)))).toEqual([0.03, 0.04, 0.04]);
  });
});

describe('milestones', () => {
  it('baseline first, breakthrough for a new best by at least the unit', () => {
    expect(resultMilestones({ first: true, newBest: true, gain: 0 }, 0.001)).toEqual(['baseline']);
    expect(resultMilestones({ first: false, newBest: true, gain: 0.002 }, 0.001)).toEqual(['breakthrough']);
    expect(resultMilestones({ first: false, newBest: true, gain: 0.001 }, 0.001)).toEqual(['breakthrough']);
    expect(resultMilestones({ first: false, newBest: true, gain: 0.0005 }, 0.001)).toEqual([]);
    expect(resultMilestones({ first: false, newBest: false, gain: 0 }, 0.001)).toEqual([]);
  });
  it('a regression once per result at adjusted p ≤ 0.05', () => {
    expect(isRegression(0.04, 5, null)).toBe(true);
    expect(isRegression(0.05, 5, 4)).toBe(true);
    expect(isRegression(0.04, 5, 5)).toBe(false);
    expect(isRegression(0.06, 5, null)).toBe(false);
    expect(isRegression(null, 5, null)).toBe(false);
  });
});
