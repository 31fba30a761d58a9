import { describe, expect, it } from 'vitest';
import { benjaminiKriegerYekutieli } from './bky';
import { BH95 } from './fixtures';

describe('benjaminiKriegerYekutieli (two-stage)', () => {
  it('rejects 8 of the BH 1995 p-values at 0.05 (by hand)', () => {
    // q' = 0.05/1.05 = 0.047619. Stage 1 (BH at q'): p(4) = 0.0095 ≤ 4q'/15 = 0.0127, and no
    // p(i) ≤ i·q'/15 for i ≥ 5 (0.0201 > 0.0159, …, 0.0459 > 0.0286) → r1 = 4, m̂0 = 11.
    // Stage 2: q* = q'·15/11 = 0.064935, thresholds i·q*/15 = i·0.0043290: p(8) = 0.0344 ≤ 0.03463,
    // p(9) = 0.0459 > 0.03896, p(10..15) ≥ 0.324 > 0.0649 → 8 rejections (vs 4 for BH).
    const r = benjaminiKriegerYekutieli(BH95, 0.05);
    expect(r.stage1Rejections).toBe(4);
    expect(r.m0Estimate).toBe(11);
    expect(r.rejections).toBe(8);
    expect(r.rejected).toEqual([...Array(8).fill(true), ...Array(7).fill(false)]);
    // adjusted = BH-adjusted × (1 + q) m̂0/m; rejections are exactly adjusted ≤ q.
    expect(r.adjusted[7]).toBeCloseTo(0.0645 * 1.05 * (11 / 15), 15);
    r.adjusted.forEach((a, i) => expect(a <= 0.05).toBe(r.rejected[i]));
  });

  it('stops after stage 1 when it rejects nothing or everything', () => {
    const none = benjaminiKriegerYekutieli([0.2, 0.5, 0.9]);
    expect(none).toMatchObject({ stage1Rejections: 0, rejections: 0, m0Estimate: 3 });
    const all = benjaminiKriegerYekutieli([0.001, 0.002, 0.003]);
    expect(all).toMatchObject({ stage1Rejections: 3, rejections: 3, m0Estimate: 0 });
    all.adjusted.forEach((a) => expect(a).toBeLessThanOrEqual(0.05));
  });

  it('rejects bad input with codes', () => {
    expect(() => benjaminiKriegerYekutieli([])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => benjaminiKriegerYekutieli([0.5], 1)).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
  });
});
