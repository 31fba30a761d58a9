import { describe, expect, it } from 'vitest';
import { fCdf, fQuantile, fSf } from './f-dist';
import { studentTSf } from './student-t';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('F distribution', () => {
  it('matches the NIST/SEMATECH table to its 3 decimals', () => {
    // NIST/SEMATECH e-Handbook §1.3.6.7.3, "Upper critical values of the F distribution":
    // α = 0.05: F(1, 1) = 161.448, F(2, 10) = 4.103, F(10, 10) = 2.978; α = 0.01: F(5, 20) = 4.103.
    const ref: Array<[number, number, number, number]> = [[0.05, 1, 1, 161.448], [0.05, 2, 10, 4.103], [0.05, 10, 10, 2.978], [0.01, 5, 20, 4.103]];
    for (const [a, d1, d2, f] of ref) expect(Math.abs(fQuantile(1 - a, d1, d2) - f)).toBeLessThanOrEqual(0.0005 + 1e-12);
    // F(0.95; 2, 10) = 4.102821 to 6 decimals (e.g. R qf(0.95, 2, 10)).
    expect(fQuantile(0.95, 2, 10)).toBeCloseTo(4.102821, 6);
  });

  it('matches scipy.stats.f cdf / sf / ppf', () => {
    // scipy 1.17.1: (x, d1, d2, cdf, sf).
    const ref: Array<[number, number, number, number, number]> = [
      [0.5, 3, 4, 0.29780227093247486, 0.7021977290675252], [10, 1, 1, 0.8050177709578635, 0.19498222904213666],
      [2.5, 7.5, 12.25, 0.9253844943731772, 0.07461550562682284], [0.01, 5, 5, 5.2429133578549354e-5, 0.9999475708664215],
    ];
    for (const [x, d1, d2, c, s] of ref) {
      expect(rel(fCdf(x, d1, d2), c)).toBeLessThan(1e-12);
      expect(rel(fSf(x, d1, d2), s)).toBeLessThan(1e-12);
    }
    const q: Array<[number, number, number, number]> = [
      [0.95, 2, 10, 4.1028210151304], [0.95, 1, 1, 161.4476387975882], [0.99, 5, 20, 4.102684630584732], [0.95, 2, 27, 3.3541308285291964],
    ];
    for (const [p, d1, d2, f] of q) expect(rel(fQuantile(p, d1, d2), f)).toBeLessThan(1e-12);
  });

  it('agrees with the identities F(1, ν) = t²(ν) and F(2, 2) closed form', () => {
    // P(F(1, ν) > t²) = 2 P(T_ν > t).
    for (const [t, df] of [[0.7, 4], [2.1, 19], [5, 2.5]]) expect(rel(fSf(t * t, 1, df), 2 * studentTSf(t, df))).toBeLessThan(1e-12);
    // F(2, 2): CDF x/(1 + x).
    for (const x of [0.1, 1, 30]) expect(rel(fCdf(x, 2, 2), x / (1 + x))).toBeLessThan(1e-14);
  });

  it('rejects bad arguments with codes', () => {
    expect(() => fCdf(1, 0, 3)).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => fSf(NaN, 1, 3)).toThrowError(expect.objectContaining({ code: 'not_finite' }));
    expect(fCdf(-1, 2, 3)).toBe(0);
    expect(fQuantile(1, 2, 3)).toBe(Infinity);
  });
});
