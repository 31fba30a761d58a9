import { describe, expect, it } from 'vitest';
import { SLEEP_DRUG1, SLEEP_DRUG2 } from './fixtures';
import { cohensD, hedgesJ, hedgesJApprox } from './cohens-d';

describe('Hedges J', () => {
  it('matches closed forms and ln Γ values', () => {
    // J(2) = Γ(1)/(1·Γ(½)) = 1/√π; J(4) = Γ(2)/(√2 Γ(3/2)) = √(2/π) (by hand).
    expect(hedgesJ(2)).toBeCloseTo(1 / Math.sqrt(Math.PI), 14);
    expect(hedgesJ(4)).toBeCloseTo(Math.sqrt(2 / Math.PI), 14);
    // Python: exp(lgamma(ν/2) − lgamma((ν−1)/2) − ½ ln(ν/2)), CPython 3.11 math.lgamma.
    const ref: Array<[number, number]> = [[10, 0.9227456080530859], [20, 0.9619445337407463], [50, 0.9849119422955702]];
    for (const [df, j] of ref) expect(hedgesJ(df)).toBeCloseTo(j, 13);
    // Hedges' approximation 1 − 3/(4ν − 1) is within 0.001 of exact for ν ≥ 10 and converges.
    expect(hedgesJApprox(10)).toBeCloseTo(1 - 3 / 39, 15);
    expect(Math.abs(hedgesJApprox(10) - hedgesJ(10))).toBeLessThan(1e-3);
    expect(Math.abs(hedgesJApprox(1e6) - hedgesJ(1e6))).toBeLessThan(1e-12);
  });
});

describe('cohensD', () => {
  it('computes d, g and both J on the sleep data', () => {
    // Student's sleep data (R `sleep`). Python stdlib: means 0.75, 2.33; pooled SD
    // √((SS1 + SS2)/18) = 1.8986252336303175; d = −0.8321810813495395; J(18) = 0.9576464270237159
    // (math.lgamma); g = −0.7969352391911187; 1 − 3/(4·20 − 9) gives −0.7970185004474464.
    const r = cohensD(SLEEP_DRUG1, SLEEP_DRUG2);
    expect(r.df).toBe(18);
    expect(r.pooledSd).toBeCloseTo(1.8986252336303175, 14);
    expect(r.d).toBeCloseTo(-0.8321810813495395, 14);
    expect(r.j).toBeCloseTo(0.9576464270237159, 14);
    expect(r.g).toBeCloseTo(-0.7969352391911187, 14);
    expect(r.gApprox).toBeCloseTo(-0.7970185004474464, 14);
  });

  it('by hand: {1, 2, 3} vs {4, 5, 6, 7}', () => {
    // SS = 2 and 5, s_p = √(7/5), d = −3.5/√1.4 = −2.958039891549808; J(5) = Γ(2.5)/(√2.5 Γ(2)) = 0.75·√π/√2.5.
    const r = cohensD([1, 2, 3], [4, 5, 6, 7]);
    expect(r.d).toBeCloseTo(-3.5 / Math.sqrt(1.4), 14);
    expect(r.j).toBeCloseTo((0.75 * Math.sqrt(Math.PI)) / Math.sqrt(2.5), 14);
  });

  it('rejects bad input with codes', () => {
    expect(() => cohensD([], [1, 2, 3])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => cohensD([1], [2, 3])).toThrowError(expect.objectContaining({ code: 'too_small' }));
    expect(() => cohensD([1, 1], [2, 2])).toThrowError(expect.objectContaining({ code: 'zero_variance' }));
    expect(() => cohensD([1, NaN], [2, 3])).toThrowError(expect.objectContaining({ code: 'not_finite' }));
    expect(() => hedgesJ(1)).toThrowError(expect.objectContaining({ code: 'too_small' }));
  });
});
