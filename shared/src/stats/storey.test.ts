import { describe, expect, it } from 'vitest';
import { Rng } from '../math/rng';
import { normalSf } from '../math/normal';
import { benjaminiHochberg } from './p-adjust';
import { BH95 } from './fixtures';
import { pi0AtLambda, pi0Bootstrap, storeyQValues, LAMBDA_GRID } from './storey';

describe('storeyQValues', () => {
  it('computes π̂0 at λ = 0.5 and the q-values on the BH 1995 p-values (by hand)', () => {
    // #{p > 0.5} = 4 (0.5719, 0.6528, 0.759, 1) → π̂0 = 4/(15 · 0.5) = 0.5333…; q = π̂0 × BH-adjusted
    // (Storey & Tibshirani 2003, Remark B / algorithm in the appendix). Python stdlib values below.
    const r = storeyQValues(BH95, { alpha: 0.05 });
    expect(r.pi0).toBeCloseTo(8 / 15, 15);
    expect(r.lambda).toBe(0.5);
    const expected = [0.0008, 0.0016, 0.005066666666666666, 0.019, 0.03216, 0.03405714285714286, 0.03405714285714286, 0.0344,
      0.040799999999999996, 0.25920000000000004, 0.3099636363636364, 0.3812666666666667, 0.401723076923077, 0.43371428571428566,
      0.5333333333333333];
    r.adjusted.forEach((q, i) => expect(q).toBeCloseTo(expected[i], 14));
    // Adaptive gain: 9 discoveries at q ≤ 0.05 where BH makes 4.
    expect(r.rejections).toBe(9);
  });

  it('reduces to Benjamini–Hochberg when π0 = 1 (λ = 0, or given)', () => {
    const bh = benjaminiHochberg(BH95).adjusted;
    expect(storeyQValues(BH95, { pi0: { method: 'fixed', lambda: 0 } }).adjusted).toEqual(bh);
    expect(storeyQValues(BH95, { pi0: { method: 'given', value: 1 } }).adjusted).toEqual(bh);
  });

  // 800 true nulls (uniform p) and 200 one-sided z-tests with effect 3 (p = 1 − Φ(Z + 3)), seeded.
  function mixture(): number[] {
    const rng = Rng.create(2024, 0);
    const p: number[] = [];
    for (let i = 0; i < 800; i++) p.push(rng.next());
    for (let i = 0; i < 200; i++) p.push(normalSf(rng.normal() + 3));
    return p;
  }

  it('estimates π0 ≈ 0.8 on a simulated 80/20 mixture, fixed λ and bootstrap λ', () => {
    // Expected: π̂0(0.5) ≈ (800·0.5 + 200·P(Z + 3 < 0))/(1000·0.5) = 0.8005; binomial SD ≈ 0.028.
    const p = mixture();
    const fixed = storeyQValues(p);
    expect(Math.abs(fixed.pi0 - 0.8)).toBeLessThan(0.09);
    const boot = storeyQValues(p, { pi0: { method: 'bootstrap', seed: 5 } });
    expect(Math.abs(boot.pi0 - 0.8)).toBeLessThan(0.09);
    expect(LAMBDA_GRID).toContain(boot.lambda);
    expect(boot.pi0).toBeCloseTo(Math.min(1, pi0AtLambda(p, boot.lambda!)), 15);
    expect(pi0Bootstrap(p, 1000, 5)).toEqual({ pi0: boot.pi0, lambda: boot.lambda });
    // More discoveries than BH at the same α, since π̂0 < 1.
    expect(boot.rejections).toBeGreaterThanOrEqual(benjaminiHochberg(p).rejections);
  });

  it('rejects bad input and π̂0 = 0 with codes', () => {
    expect(() => storeyQValues([])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => storeyQValues([0.1, 0.2, 0.3])).toThrowError(expect.objectContaining({ code: 'degenerate' }));
    expect(() => storeyQValues([0.1, 0.7], { pi0: { method: 'fixed', lambda: 1 } })).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => storeyQValues([0.1, 0.7], { pi0: { method: 'given', value: 0 } })).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
  });
});
