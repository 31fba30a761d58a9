import { describe, expect, it } from 'vitest';
import { SLEEP_DRUG1, SLEEP_DRUG2 } from './fixtures';
import { welchTTest } from './welch';

// Student's (1908) sleep data, drug 1 vs drug 2 (fixtures.ts).
const drug1 = SLEEP_DRUG1;
const drug2 = SLEEP_DRUG2;

describe('welchTTest', () => {
  it('reproduces the published Welch test on the sleep data', () => {
    // R documentation example `t.test(extra ~ group, data = sleep)` prints: t = -1.8608,
    // df = 17.776, p-value = 0.07939, 95% CI -3.3654832 0.2054832, means 0.75 and 2.33.
    // Full precision from scipy 1.17.1 ttest_ind(equal_var=False): t = -1.8608134674868526,
    // df = 17.776473516178488, p = 0.0793941401873583, CI (-3.3654832307117104, 0.20548323071171137).
    const r = welchTTest(drug1, drug2);
    expect(r.statistic).toBeCloseTo(-1.8608134674868526, 12);
    expect(r.df).toBeCloseTo(17.776473516178488, 11);
    expect(r.pValue).toBeCloseTo(0.0793941401873583, 12);
    expect(r.lower).toBeCloseTo(-3.3654832307117104, 11);
    expect(r.upper).toBeCloseTo(0.20548323071171137, 11);
    expect(r.meanX).toBeCloseTo(0.75, 14);
    expect(r.meanY).toBeCloseTo(2.33, 14);
    expect(r.pValue).toBeCloseTo(0.07939, 5);
  });

  it('gives one-sided p-values and intervals', () => {
    // scipy ttest_ind(equal_var=False, alternative='less'): p = 0.03969707009367915,
    // confidence_interval(0.95) = (-inf, -0.10661850266839323).
    const r = welchTTest(drug1, drug2, { alternative: 'less' });
    expect(r.pValue).toBeCloseTo(0.03969707009367915, 12);
    expect(r.lower).toBe(-Infinity);
    expect(r.upper).toBeCloseTo(-0.10661850266839323, 11);
    const g = welchTTest(drug1, drug2, { alternative: 'greater' });
    expect(g.pValue).toBeCloseTo(1 - 0.03969707009367915, 12);
    expect(g.upper).toBe(Infinity);
  });

  it('tests a shifted null and reduces to nx − 1 df when one sample is constant', () => {
    const r = welchTTest(drug1, drug2, { mu: -1.58 });
    expect(r.statistic).toBeCloseTo(0, 12);
    expect(r.pValue).toBeCloseTo(1, 12);
    const c = welchTTest([1, 2, 3, 4, 6], [2, 2, 2]);
    expect(c.df).toBeCloseTo(4, 12);
  });

  it('rejects bad input with codes', () => {
    expect(() => welchTTest([], [1, 2])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => welchTTest([1], [1, 2])).toThrowError(expect.objectContaining({ code: 'too_small' }));
    expect(() => welchTTest([1, NaN], [1, 2])).toThrowError(expect.objectContaining({ code: 'not_finite' }));
    expect(() => welchTTest([3, 3, 3], [5, 5])).toThrowError(expect.objectContaining({ code: 'zero_variance', name: 'StatsError' }));
    expect(() => welchTTest([1, 2], [3, 4], { level: 95 })).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
  });
});
