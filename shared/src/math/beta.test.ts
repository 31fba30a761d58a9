import { describe, expect, it } from 'vitest';
import { logBeta, regularizedBeta } from './beta';
import { logGamma } from './gamma';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('regularized incomplete beta', () => {
  it('matches closed forms', () => {
    // I_x(1, b) = 1 − (1−x)^b, I_x(a, 1) = x^a, I_x(½, ½) = (2/π) arcsin √x (DLMF 8.17.4–5).
    for (const x of [0.01, 0.3, 0.9]) {
      expect(rel(regularizedBeta(x, 1, 7.5), -Math.expm1(7.5 * Math.log1p(-x)))).toBeLessThan(1e-14);
      expect(rel(regularizedBeta(x, 3.2, 1), x ** 3.2)).toBeLessThan(1e-14);
      expect(rel(regularizedBeta(x, 0.5, 0.5), (2 / Math.PI) * Math.asin(Math.sqrt(x)))).toBeLessThan(1e-14);
    }
    // Integer a, b: I_x(a, b) = P(Binomial(a+b−1, x) ≥ a). I_0.3(2, 3) = 1 − 0.7⁴ − 4·0.3·0.7³ = 0.3483 (by hand).
    expect(rel(regularizedBeta(0.3, 2, 3), 0.3483)).toBeLessThan(1e-14);
  });

  it('matches scipy.special.betainc', () => {
    // scipy 1.17.1: betainc(a, b, x).
    const ref: Array<[number, number, number, number]> = [
      [0.9, 10, 2, 0.6973568802000002], [0.01, 1, 50, 0.39499393286246337],
      [0.7, 200, 100, 0.8911569343550899], [0.2, 0.1, 7, 0.9880671952591109],
    ];
    for (const [x, a, b, v] of ref) expect(rel(regularizedBeta(x, a, b), v)).toBeLessThan(1e-13);
  });

  it('satisfies the symmetry I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    for (const [x, a, b] of [[0.2, 3, 9], [0.6, 0.7, 40], [0.45, 120, 130]]) {
      expect(regularizedBeta(x, a, b) + regularizedBeta(1 - x, b, a)).toBeCloseTo(1, 13);
    }
  });

  it('logBeta agrees with ln Γ sums, including the Stirling branch', () => {
    for (const [a, b] of [[0.5, 0.5], [3, 4], [12.5, 0.5], [400, 30], [5e5, 0.5]]) {
      const direct = logGamma(a) + logGamma(b) - logGamma(a + b);
      expect(Math.abs(logBeta(a, b) - direct)).toBeLessThan(1e-9 * Math.max(1, Math.abs(direct)));
    }
    // B(½, ½) = π.
    expect(rel(logBeta(0.5, 0.5), Math.log(Math.PI))).toBeLessThan(1e-14);
  });

  it('rejects bad arguments with codes', () => {
    expect(() => regularizedBeta(1.5, 1, 1)).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => regularizedBeta(0.5, -1, 1)).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => regularizedBeta(NaN, 1, 1)).toThrowError(expect.objectContaining({ code: 'not_finite' }));
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
  });
});
