import { describe, expect, it } from 'vitest';
import { BH95 } from './fixtures';
import { benjaminiHochberg, bonferroni, holm } from './p-adjust';


describe('benjaminiHochberg', () => {
  it('rejects 4 of the Benjamini–Hochberg 1995 example at 0.05', () => {
    // BH 1995 §4.2: 4 rejections at q = 0.05.
    const r = benjaminiHochberg(BH95, 0.05);
    expect(r.rejections).toBe(4);
    expect(r.rejected.slice(0, 5)).toEqual([true, true, true, true, false]);
    // Adjusted p-values: min_{j ≥ i} m p(j)/j (Python stdlib; equal to scipy 1.17.1
    // stats.false_discovery_control(p) and R p.adjust(p, 'BH')).
    const expected = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.06385714285714286, 0.06385714285714286, 0.0645, 0.0765,
      0.486, 0.5811818181818182, 0.714875, 0.7532307692307694, 0.8132142857142857, 1];
    r.adjusted.forEach((q, i) => expect(q).toBeCloseTo(expected[i], 14));
  });

  it('keeps input order, is monotone in p, and handles ties', () => {
    const p = [0.04, 0.01, 0.03, 0.01, 0.9];
    const r = benjaminiHochberg(p);
    // By hand: sorted .01, .01, .03, .04, .9 → 5p/i = .05, .025, .05, .05, .9 → step-up minima
    // .025, .025, .05, .05, .9.
    [0.05, 0.025, 0.05, 0.025, 0.9].forEach((v, i) => expect(r.adjusted[i]).toBeCloseTo(v, 15));
    const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b]);
    for (let k = 1; k < order.length; k++) expect(r.adjusted[order[k]]).toBeGreaterThanOrEqual(r.adjusted[order[k - 1]]);
  });
});

describe('holm', () => {
  it('reproduces the Wikipedia Holm–Bonferroni example', () => {
    // Wikipedia, "Holm–Bonferroni method", Example: p1 = 0.01, p2 = 0.04, p3 = 0.03, p4 = 0.005 at
    // α = 0.05 → H4 and H1 rejected, H3 and H2 not. Adjusted by hand: sorted .005, .01, .03, .04
    // × 4, 3, 2, 1 = .02, .03, .06, .04 → running max .02, .03, .06, .06.
    const r = holm([0.01, 0.04, 0.03, 0.005], 0.05);
    expect(r.rejected).toEqual([true, false, false, true]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(r.adjusted[i]).toBeCloseTo(v, 15));
  });

  it('rejects 3 of the BH 1995 p-values', () => {
    // Holm thresholds 0.05/15, 0.05/14, 0.05/13, 0.05/12 = .00333, .00357, .00385, .00417:
    // .0001, .0004, .0019 pass, .0095 fails → 3 (BH 1995 report 3 for the FWER procedures).
    const r = holm(BH95);
    expect(r.rejections).toBe(3);
    expect(r.adjusted.slice(0, 4).map((v) => +v.toFixed(10))).toEqual([0.0015, 0.0056, 0.0247, 0.114]);
  });
});

describe('bonferroni', () => {
  it('multiplies by m and caps at 1', () => {
    const r = bonferroni(BH95);
    expect(r.rejections).toBe(3);
    expect(r.adjusted[0]).toBeCloseTo(0.0015, 15);
    expect(r.adjusted[14]).toBe(1);
  });

  it('rejects bad input with codes', () => {
    expect(() => bonferroni([])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => holm([0.1, 1.2])).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => benjaminiHochberg([0.1, NaN])).toThrowError(expect.objectContaining({ code: 'not_finite' }));
    expect(() => benjaminiHochberg([0.1], 0)).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
  });
});
