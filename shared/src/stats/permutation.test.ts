import { describe, expect, it } from 'vitest';
import { binomial, permutationTest } from './permutation';

const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

describe('permutationTest (two-sample)', () => {
  it('enumerates a tiny example exactly (by hand)', () => {
    // x = {1, 2}, y = {3, 4, 5}: the C(5, 2) = 10 splits give x-sums 3,4,5,6,5,6,7,7,8,9 and
    // mean differences (5s − 30)/6. Observed s = 3 → −2.5. |d| ≥ 2.5 only for s = 3 and s = 9:
    // two-sided p = 2/10; 'less' (d ≤ −2.5) p = 1/10; 'greater' p = 10/10.
    const two = permutationTest([1, 2], [3, 4, 5]);
    expect(two).toMatchObject({ method: 'exact', rearrangements: 10, extreme: 2, statistic: -2.5 });
    expect(two.pValue).toBe(0.2);
    expect(permutationTest([1, 2], [3, 4, 5], { alternative: 'less' }).pValue).toBe(0.1);
    expect(permutationTest([1, 2], [3, 4, 5], { alternative: 'greater' }).pValue).toBe(1);
  });

  it('accepts a generic statistic (difference of medians, by hand)', () => {
    // x = {1, 2, 10}, y = {3, 4}: median(x) − median(y) = 2 − 3.5 = −1.5. Over the 10 splits of
    // {1, 2, 3, 4, 10} into 3 + 2, |Δmedian| ≥ 1.5 holds for x = {1,2,3} (2 − 7 = −5),
    // {1,2,4} (2 − 6.5), {1,2,10} (2 − 3.5), {1,3,4} (3 − 6), {3,4,10} (4 − 1.5 = 2.5),
    // {2,4,10} (4 − 2 = 2), {1,4,10} (4 − 2.5 = 1.5), {2,3,10} (3 − 2.5 = .5 ✗), {1,3,10} (3 − 3 ✗),
    // {2,3,4} (3 − 5.5 = −2.5): 8 of 10.
    const r = permutationTest([1, 2, 10], [3, 4], { statistic: (a, b) => median(a) - median(b) });
    expect(r.statistic).toBe(-1.5);
    expect(r.extreme).toBe(8);
    expect(r.pValue).toBe(0.8);
  });

  // Two groups of 8 (C(16, 8) = 12,870 ≤ 20,000): exact p by full enumeration in Python
  // (itertools.combinations, |mean diff| ≥ observed − 1e-9): 216 / 12870 = 0.016783216783216783.
  const x = [12.1, 14.3, 11.8, 15.2, 13.9, 12.7, 16.1, 14.8];
  const y = [11.2, 12.9, 10.8, 13.1, 11.9, 12.2, 10.5, 13.4];

  it('matches an independent exact enumeration', () => {
    const r = permutationTest(x, y);
    expect(r.method).toBe('exact');
    expect(r.rearrangements).toBe(12870);
    expect(r.extreme).toBe(216);
    expect(r.pValue).toBeCloseTo(0.016783216783216783, 15);
    expect(r.statistic).toBeCloseTo(1.8625, 12);
  });

  it('Monte Carlo agrees with the exact p within its error and is seeded', () => {
    const mc = permutationTest(x, y, { method: 'monte-carlo', permutations: 20_000, seed: 7 });
    expect(mc.method).toBe('monte-carlo');
    // (b + 1)/(m + 1) form.
    expect(mc.pValue).toBeCloseTo((mc.extreme + 1) / 20_001, 15);
    const se = Math.sqrt((0.0168 * (1 - 0.0168)) / 20_000); // ≈ 0.0009
    expect(Math.abs(mc.pValue - 0.016783216783216783)).toBeLessThan(4 * se);
    expect(permutationTest(x, y, { method: 'monte-carlo', permutations: 20_000, seed: 7 })).toEqual(mc);
    expect(permutationTest(x, y, { method: 'monte-carlo', permutations: 20_000, seed: 8 }).extreme).not.toBe(mc.extreme);
  });

  it('Monte Carlo with the larger group first: built-in and custom statistics see the same draws', () => {
    // 10 vs 6 (the smaller group, y, is the one drawn). Exact p by enumeration in Python
    // (itertools.combinations over the C(16, 10) = 8,008 splits): 111/8008 = 0.013861138861138862.
    const big = [...x, 15.5, 13.3], small = y.slice(0, 6);
    const exact = permutationTest(big, small);
    expect(exact).toMatchObject({ rearrangements: 8008, extreme: 111 });
    const opts = { method: 'monte-carlo' as const, permutations: 20_000, seed: 21 };
    const builtIn = permutationTest(big, small, opts);
    const custom = permutationTest(big, small, { ...opts, statistic: (a, b) => a.reduce((s, v) => s + v, 0) / a.length - b.reduce((s, v) => s + v, 0) / b.length });
    expect(custom.extreme).toBe(builtIn.extreme);
    const se = Math.sqrt((exact.pValue * (1 - exact.pValue)) / 20_000);
    expect(Math.abs(builtIn.pValue - exact.pValue)).toBeLessThan(4 * se + 1e-4);
  });

  it('switches to Monte Carlo above the exact limit, never reporting p = 0', () => {
    const a = Array.from({ length: 30 }, (_, i) => i + 100);
    const b = Array.from({ length: 30 }, (_, i) => i);
    expect(binomial(60, 30, 1e7 + 1)).toBeGreaterThan(20_000);
    const r = permutationTest(a, b);
    expect(r).toMatchObject({ method: 'monte-carlo', rearrangements: 10_000, extreme: 0 });
    expect(r.pValue).toBe(1 / 10_001);
  });

  it('rejects bad input with codes', () => {
    expect(() => permutationTest([], [1, 2])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => permutationTest([1, NaN], [1, 2])).toThrowError(expect.objectContaining({ code: 'not_finite' }));
    expect(() => permutationTest([1, 2], [3, 4], { permutations: 100, method: 'monte-carlo' })).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => permutationTest([1, 2], [3, 4], { alternative: 'both' as never })).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => permutationTest([1, 2], [3, 4], { statistic: () => NaN })).toThrowError(expect.objectContaining({ code: 'not_finite' }));
  });
});
