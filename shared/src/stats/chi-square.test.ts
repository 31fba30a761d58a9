import { describe, expect, it } from 'vitest';
import { chiSquareCdf, chiSquarePdf, chiSquareQuantile, chiSquareSf } from './chi-square';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('chi-square distribution', () => {
  it('matches the NIST/SEMATECH table to its 3 decimals', () => {
    // NIST/SEMATECH e-Handbook §1.3.6.7.4, "Critical values of the chi-square distribution":
    // upper 5% points for ν = 1, 3, 10, 100, upper 1% for ν = 2, lower 5% for ν = 10.
    const upper: Array<[number, number, number]> = [
      [1, 0.05, 3.841], [3, 0.05, 7.815], [10, 0.05, 18.307], [100, 0.05, 124.342], [2, 0.01, 9.21], [10, 0.95, 3.94],
    ];
    for (const [df, a, x] of upper) expect(Math.abs(chiSquareQuantile(1 - a, df) - x)).toBeLessThanOrEqual(0.0005 + 1e-12);
    // χ²(0.95, 3) = 7.814728 (6 decimals, e.g. R qchisq(0.95, 3)); its upper tail is 0.05.
    expect(chiSquareQuantile(0.95, 3)).toBeCloseTo(7.814728, 6);
    expect(chiSquareSf(7.814727903251179, 3)).toBeCloseTo(0.05, 14);
  });

  it('matches scipy.stats.chi2 cdf / sf / ppf', () => {
    // scipy 1.17.1: (x, df, cdf, sf).
    const ref: Array<[number, number, number, number]> = [
      [0.5, 1, 0.5204998778130466, 0.47950012218695337], [50, 40, 0.8664251659143496, 0.1335748340856504],
      [0.001, 2, 0.0004998750208307296, 0.9995001249791693], [200, 150, 0.9960268140291784, 0.003973185970821635],
      [3, 0.5, 0.9665835558410211, 0.03341644415897894], [1100, 1000, 0.9853855918737048, 0.014614408126295192],
    ];
    for (const [x, df, c, s] of ref) {
      expect(rel(chiSquareCdf(x, df), c)).toBeLessThan(1e-12);
      expect(rel(chiSquareSf(x, df), s)).toBeLessThan(1e-12);
    }
    // chi2.ppf: (p, df, x).
    const q: Array<[number, number, number]> = [
      [0.95, 3, 7.814727903251179], [0.05, 10, 3.9402991361190605], [0.95, 100, 124.34211340400407], [0.99, 2, 9.21034037197618],
    ];
    for (const [p, df, x] of q) expect(rel(chiSquareQuantile(p, df), x)).toBeLessThan(1e-13);
  });

  it('matches the exponential closed form for ν = 2 and inverts tiny tails', () => {
    // ν = 2: CDF 1 − e^{−x/2}, quantile −2 ln(1 − p).
    for (const x of [0.01, 1, 9]) expect(rel(chiSquareCdf(x, 2), -Math.expm1(-x / 2))).toBeLessThan(1e-14);
    expect(rel(chiSquareQuantile(0.3, 2), -2 * Math.log1p(-0.3))).toBeLessThan(1e-14);
    for (const [p, df] of [[1e-10, 1], [1e-6, 0.3], [0.999999, 5], [0.5, 1e4]]) {
      expect(rel(chiSquareCdf(chiSquareQuantile(p, df), df), p)).toBeLessThan(1e-10);
    }
    expect(chiSquarePdf(0, 2)).toBe(0.5);
    expect(chiSquareQuantile(1, 3)).toBe(Infinity);
  });

  it('rejects bad arguments with codes', () => {
    expect(() => chiSquareCdf(1, -2)).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => chiSquareSf(NaN, 2)).toThrowError(expect.objectContaining({ code: 'not_finite' }));
    expect(() => chiSquareQuantile(-0.1, 2)).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
  });
});
