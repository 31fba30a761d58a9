import { describe, expect, it } from 'vitest';
import { SLEEP_DRUG1, SLEEP_DRUG2 } from './fixtures';
import { pairedPermutationTest, signFlipTest } from './paired-permutation';

describe('paired permutation (sign-flip) test', () => {
  it('enumerates a tiny example exactly (by hand)', () => {
    // d = {1, 2, 3}: the 8 sign patterns give sums ±1±2±3 ∈ {6, 4, 2, 0, 0, −2, −4, −6}.
    // |sum| ≥ 6 for 2 of 8 → two-sided p = 0.25; sum ≥ 6 for 1 → 'greater' p = 0.125.
    const r = signFlipTest([1, 2, 3]);
    expect(r).toMatchObject({ method: 'exact', rearrangements: 8, extreme: 2, statistic: 2 });
    expect(r.pValue).toBe(0.25);
    expect(signFlipTest([1, 2, 3], { alternative: 'greater' }).pValue).toBe(0.125);
    expect(signFlipTest([1, 2, 3], { alternative: 'less' }).pValue).toBe(1);
  });

  // Student's (1908) sleep data (fixtures.ts): the same 10 patients under two drugs.
  const drug1 = SLEEP_DRUG1;
  const drug2 = SLEEP_DRUG2;

  it('matches an independent enumeration on the sleep data', () => {
    // Python (itertools.product over 2^10 signs): 4/1024 = 0.00390625 two-sided, 2/1024 'greater';
    // scipy.stats.permutation_test(permutation_type='samples', n_resamples=inf) gives 0.00390625 too.
    const r = pairedPermutationTest(drug2, drug1);
    expect(r).toMatchObject({ method: 'exact', rearrangements: 1024, extreme: 4 });
    expect(r.pValue).toBe(0.00390625);
    expect(r.statistic).toBeCloseTo(1.58, 12);
    expect(pairedPermutationTest(drug2, drug1, { alternative: 'greater' }).pValue).toBe(0.001953125);
  });

  it('Monte Carlo agrees with exact, is seeded, and uses (b + 1)/(m + 1)', () => {
    const mc = pairedPermutationTest(drug2, drug1, { method: 'monte-carlo', permutations: 20_000, seed: 3 });
    expect(mc.pValue).toBeCloseTo((mc.extreme + 1) / 20_001, 15);
    expect(Math.abs(mc.pValue - 0.00390625)).toBeLessThan(4 * Math.sqrt(0.0039 / 20_000));
    expect(pairedPermutationTest(drug2, drug1, { method: 'monte-carlo', permutations: 20_000, seed: 3 })).toEqual(mc);
    // 20 pairs: 2^20 > 20,000 → Monte Carlo by default.
    const d = Array.from({ length: 20 }, (_, i) => (i % 3) - 0.5);
    expect(signFlipTest(d).method).toBe('monte-carlo');
  });

  it('rejects bad input with codes', () => {
    expect(() => pairedPermutationTest([1, 2], [1])).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => signFlipTest([])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => signFlipTest([1, Infinity])).toThrowError(expect.objectContaining({ code: 'not_finite' }));
  });
});
