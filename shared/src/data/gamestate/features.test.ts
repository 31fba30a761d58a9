import { describe, expect, it } from 'vitest';
import { coverFeatures, coverZ, FEATURE_NAMES, featureVector, fitScaler, standardise, type CoverState } from './features';

const A: CoverState = { secondsLeft: 1800, lead: 3, line: 7, favoriteHasBall: true, yardline100: 40, down: 2, ydstogo: 6 };
const B: CoverState = { secondsLeft: 0, lead: 10, line: 3, favoriteHasBall: false, yardline100: 75, down: null, ydstogo: null };
const C: CoverState = { secondsLeft: 3600, lead: 0, line: 6.5, favoriteHasBall: null, yardline100: null, down: null, ydstogo: null };
const D: CoverState = { secondsLeft: 900, lead: -4, line: 2.5, favoriteHasBall: false, yardline100: 20, down: 3, ydstogo: 1 };

describe('cover features', () => {
  it('half time, favourite up 3 with 7 to give', () => {
    expect(coverFeatures(A)).toEqual({
      secondsLeft: 1800, t: 0.5, lead: 3, line: 7, leadVsLine: -0.5, coverZ: -0.5 / Math.SQRT1_2,
      favoriteBall: 1, yardline100: 40, down: 2, ydstogo: 6, hasDown: 1,
    });
    expect(coverFeatures(A).coverZ).toBeCloseTo(-0.70710678, 8);
  });

  it('the last snap: t floored at one second, z clipped', () => {
    const f = coverFeatures(B);
    expect(f).toMatchObject({ t: 0, leadVsLine: 7, favoriteBall: -1, down: null, hasDown: 0 });
    expect(f.coverZ).toBe(100); // 7 / √(1/3600) = 420 → 100
    expect(coverZ(0.5, 1, 0)).toBeCloseTo(-30, 12); // (0.5 − 1)·60
  });

  it('kickoff: nothing earned yet', () => {
    expect(coverFeatures(C)).toMatchObject({ t: 1, leadVsLine: 0, coverZ: 0, favoriteBall: 0, yardline100: null, hasDown: 0 });
  });

  it('fourth quarter start, trailing by 4 with 2.5 to give', () => {
    expect(featureVector(D)).toEqual([0.25, -4, 2.5, -5.875, -11.75, -1, 20, 3, 1, 1]);
    expect(FEATURE_NAMES).toHaveLength(10);
  });
});

describe('scaler', () => {
  const train = [A, C, D].map(featureVector);
  const s = fitScaler(train);

  it('fits means and population sds on training rows, ignoring missing values', () => {
    const j = (k: string) => FEATURE_NAMES.indexOf(k as never);
    expect(s.mean[j('lead')]).toBeCloseTo(-1 / 3, 12);
    expect(s.sd[j('lead')]).toBeCloseTo(Math.sqrt(74 / 9), 12); // deviations 10/3, 1/3, −11/3
    expect([s.mean[j('yardline100')], s.sd[j('yardline100')]]).toEqual([30, 10]);
    expect([s.mean[j('down')], s.sd[j('down')]]).toEqual([2.5, 0.5]);
    expect(s.mean[j('favoriteBall')]).toBe(0); // 1, 0, −1
  });

  it('standardises a held-out row with the training scaler; missing becomes 0', () => {
    const z = standardise(s, featureVector(B));
    const j = (k: string) => FEATURE_NAMES.indexOf(k as never);
    expect(z[j('yardline100')]).toBe(4.5);
    expect(z[j('down')]).toBe(0);
    expect(z[j('ydstogo')]).toBe(0);
    expect(z[j('hasDown')]).toBeCloseTo((0 - 2 / 3) / Math.sqrt(2 / 9), 12);
    expect(() => standardise(s, [1, 2])).toThrow();
  });

  it('a constant column gets sd 1', () => {
    expect(fitScaler([[1, 5], [1, 7]], ['a', 'b'])).toEqual({ names: ['a', 'b'], mean: [1, 6], sd: [1, 1] });
  });
});
