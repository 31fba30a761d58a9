import { describe, expect, it } from 'vitest';
import { SLEEP_DRUG1, SLEEP_DRUG2 } from './fixtures';
import { cliffsDelta } from './cliffs-delta';

describe('cliffsDelta', () => {
  it('counts dominance by hand', () => {
    // x = {1, 2, 3}, y = {2, 3, 4, 5}, 12 pairs. x = 1: below all 4. x = 2: tie with 2, below 3.
    // x = 3: above 2, tie with 3, below 2. greater = 1, less = 9, ties = 2, δ = (1 − 9)/12 = −2/3.
    const r = cliffsDelta([1, 2, 3], [2, 3, 4, 5]);
    expect(r).toMatchObject({ greater: 1, less: 9, ties: 2, pairs: 12 });
    expect(r.delta).toBeCloseTo(-2 / 3, 15);
  });

  it('equals 2U/(nx·ny) − 1 for the Mann–Whitney U (sleep data)', () => {
    // scipy 1.17.1 mannwhitneyu(drug1, drug2).statistic = 25.5 → δ = 2·25.5/100 − 1 = −0.49;
    // direct pair counts (Python): greater 24, less 73, ties 3.
    const r = cliffsDelta(SLEEP_DRUG1, SLEEP_DRUG2);
    expect(r).toMatchObject({ greater: 24, less: 73, ties: 3 });
    expect(r.delta).toBeCloseTo(-0.49, 15);
  });

  it('is ±1 for complete separation, 0 for identical samples, antisymmetric', () => {
    expect(cliffsDelta([5, 6], [1, 2, 3]).delta).toBe(1);
    expect(cliffsDelta([1, 2, 3], [5, 6]).delta).toBe(-1);
    expect(cliffsDelta([1, 2, 3], [1, 2, 3]).delta).toBe(0);
    const x = [3.1, 0.2, 7, 7, 1.5], y = [2, 7, 0.1];
    expect(cliffsDelta(x, y).delta).toBe(-cliffsDelta(y, x).delta);
  });

  it('rejects bad input with codes', () => {
    expect(() => cliffsDelta([], [1])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => cliffsDelta([1], [NaN])).toThrowError(expect.objectContaining({ code: 'not_finite' }));
  });
});
