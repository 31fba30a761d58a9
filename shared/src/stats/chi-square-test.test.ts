import { describe, expect, it } from 'vitest';
import { chiSquareGoodnessOfFit, chiSquareIndependence } from './chi-square-test';

describe('chiSquareIndependence', () => {
  it('reproduces the party identification × gender example', () => {
    // Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., p. 39 (also R's
    // ?chisq.test example): X² = 30.07, df = 2, p = 2.954e-07. Full precision: scipy 1.17.1
    // chi2_contingency → 30.070149095754672, p = 2.9535891832117595e-07, E[0][0] = 703.6713819368879.
    const r = chiSquareIndependence([[762, 327, 468], [484, 239, 477]]);
    expect(r.df).toBe(2);
    expect(r.statistic).toBeCloseTo(30.070149095754672, 11);
    expect(r.pValue / 2.9535891832117595e-7).toBeCloseTo(1, 11);
    expect(r.expected[0][0]).toBeCloseTo(703.6713819368879, 10);
    expect(r.expected[1][2]).toBeCloseTo(411.316648531012, 10);
    expect(r.n).toBe(2757);
    expect(r.residuals[0][0]).toBeCloseTo((762 - 703.6713819368879) / Math.sqrt(703.6713819368879), 12);
  });

  it('handles a classic 2×2 with and without the Yates correction', () => {
    // Physicians' Health Study, placebo vs aspirin and myocardial infarction (Agresti 2007, §2.2–2.3):
    // [[189, 10845], [104, 10933]]. scipy 1.17.1 chi2_contingency: correction=False → X² =
    // 25.013883967194165, p = 5.691896973740789e-07; correction=True → 24.42905651522594,
    // p = 7.709707547507586e-07.
    const table = [[189, 10845], [104, 10933]];
    const plain = chiSquareIndependence(table);
    expect(plain.statistic).toBeCloseTo(25.013883967194165, 10);
    expect(plain.pValue / 5.691896973740789e-7).toBeCloseTo(1, 10);
    const yates = chiSquareIndependence(table, { yates: true });
    expect(yates.yates).toBe(true);
    expect(yates.statistic).toBeCloseTo(24.42905651522594, 10);
    expect(yates.pValue / 7.709707547507586e-7).toBeCloseTo(1, 10);
    // |O − E| < ½ everywhere: the correction clamps to 0 (R's min(½, |O − E|)), X² = 0.
    expect(chiSquareIndependence([[10, 10], [10, 11]], { yates: true }).statistic).toBe(0);
  });

  it('rejects bad tables with codes', () => {
    expect(() => chiSquareIndependence([])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => chiSquareIndependence([[1, 2, 3]])).toThrowError(expect.objectContaining({ code: 'bad_table' }));
    expect(() => chiSquareIndependence([[1, 2], [3]])).toThrowError(expect.objectContaining({ code: 'bad_table' }));
    expect(() => chiSquareIndependence([[1, -2], [3, 4]])).toThrowError(expect.objectContaining({ code: 'bad_table' }));
    expect(() => chiSquareIndependence([[0, 0], [3, 4]])).toThrowError(expect.objectContaining({ code: 'bad_table' }));
    expect(() => chiSquareIndependence([[1, NaN], [3, 4]])).toThrowError(expect.objectContaining({ code: 'not_finite' }));
    expect(() => chiSquareIndependence([[1, 2, 3], [3, 4, 5]], { yates: true })).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
  });
});

describe('chiSquareGoodnessOfFit', () => {
  it("reproduces Mendel's 9:3:3:1 pea counts", () => {
    // Mendel (1866): 315 round-yellow, 108 round-green, 101 wrinkled-yellow, 32 wrinkled-green;
    // textbook X² = 0.470, df = 3, p = 0.925. scipy 1.17.1 chisquare → 0.4700239808153477,
    // p = 0.925425895103616.
    const r = chiSquareGoodnessOfFit([315, 108, 101, 32], { probabilities: [9 / 16, 3 / 16, 3 / 16, 1 / 16] });
    expect(r.df).toBe(3);
    expect(r.statistic).toBeCloseTo(0.4700239808153477, 13);
    expect(r.pValue).toBeCloseTo(0.925425895103616, 13);
    expect(r.expected[0]).toBeCloseTo(312.75, 12);
  });

  it('defaults to equal probabilities and honours ddof (by hand)', () => {
    // [10, 20, 30] vs uniform: E = 20 each, X² = (100 + 0 + 100)/20 = 10, df 2, p = e^{−5}.
    const r = chiSquareGoodnessOfFit([10, 20, 30]);
    expect(r.statistic).toBeCloseTo(10, 14);
    expect(r.pValue).toBeCloseTo(Math.exp(-5), 14);
    expect(chiSquareGoodnessOfFit([10, 20, 30], { ddof: 1 }).df).toBe(1);
  });

  it('rejects bad input with codes', () => {
    expect(() => chiSquareGoodnessOfFit([])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => chiSquareGoodnessOfFit([5])).toThrowError(expect.objectContaining({ code: 'too_small' }));
    expect(() => chiSquareGoodnessOfFit([5, 5], { probabilities: [0.5, 0.6] })).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => chiSquareGoodnessOfFit([5, 5], { probabilities: [1] })).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => chiSquareGoodnessOfFit([0, 0])).toThrowError(expect.objectContaining({ code: 'bad_table' }));
    expect(() => chiSquareGoodnessOfFit([1, 2, 3], { ddof: 2 })).toThrowError(expect.objectContaining({ code: 'too_small' }));
  });
});
