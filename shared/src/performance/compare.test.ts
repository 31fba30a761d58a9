import { describe, expect, it } from 'vitest';
import { compareSamples } from './compare';

describe('compareSamples', () => {
  const a = [1, 2, 3, 4], b = [3, 4, 5, 6];
  it('permutation: exact p = 10/70 for |Δmean| ≥ 2, with the Welch interval and effect sizes', () => {
    const r = compareSamples(a, b, { lowerIsBetter: true });
    expect(r.test).toBe('permutation');
    expect(r.statistic).toBe(-2);
    expect(r.pValue).toBeCloseTo(10 / 70, 12);
    expect(r.difference).toBe(-2);
    expect(r.mean).toEqual({ a: 2.5, b: 4.5 });
    // d = −2 / √(5/3) = −1.549193; Cliff's delta = (1 − 13) / 16 (4 > 3 once, 13 pairs below, 2 ties).
    expect(r.effectSize.cohensD!).toBeCloseTo(-1.549193, 6);
    expect(r.effectSize.cliffsDelta).toBeCloseTo(-0.75, 12);
    // Welch: se = √(5/6), t = −2.19089, ν = 6, t(0.975, 6) = 2.446912.
    expect(r.ci!.lower).toBeCloseTo(-2 - 2.446912 * Math.sqrt(5 / 6), 5);
    expect(r.ci!.upper).toBeCloseTo(-2 + 2.446912 * Math.sqrt(5 / 6), 5);
    expect(r.better).toBe('a');
    expect(r.significant).toBe(false);
  });
  it('welch: t = −2.19089 on 6 df, two-sided p = 0.07096', () => {
    const r = compareSamples(a, b, { test: 'welch', lowerIsBetter: false });
    expect(r.statistic).toBeCloseTo(-2.19089, 5);
    expect(r.pValue).toBeCloseTo(0.07096, 4);
    expect(r.better).toBe('b');
  });
  it('needs two values a side', () => {
    expect(() => compareSamples([1], b, { lowerIsBetter: true })).toThrow(/at least 2/);
  });
});
