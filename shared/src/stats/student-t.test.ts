import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTPdf, studentTQuantile, studentTSf } from './student-t';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('Student t quantile', () => {
  it('matches the NIST/SEMATECH table to its 3 decimals', () => {
    // NIST/SEMATECH e-Handbook of Statistical Methods §1.3.6.7.2, "Critical values of the
    // Student's t distribution", upper-tail α = 0.10, 0.05, 0.025, 0.01, 0.005. (The α = 0.001
    // column is left out: it prints 318.313 for ν = 1 and 4.143 for ν = 10 where the exact values
    // are 318.309 and 4.1437 — scipy.stats.t.ppf and Hogg & Tanis' Table — so that column is off.)
    const alphas = [0.1, 0.05, 0.025, 0.01, 0.005];
    const table: Record<number, number[]> = {
      1: [3.078, 6.314, 12.706, 31.821, 63.657],
      5: [1.476, 2.015, 2.571, 3.365, 4.032],
      10: [1.372, 1.812, 2.228, 2.764, 3.169],
      30: [1.310, 1.697, 2.042, 2.457, 2.750],
      100: [1.290, 1.660, 1.984, 2.364, 2.626],
    };
    for (const [df, row] of Object.entries(table)) {
      row.forEach((t, i) => expect(Math.abs(studentTQuantile(1 - alphas[i], Number(df)) - t)).toBeLessThanOrEqual(0.0005 + 1e-12));
    }
    // t(0.975, 10) = 2.228139 (the 6-decimal figure, e.g. R qt(0.975, 10)).
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 6);
  });

  it('matches scipy.stats.t.ppf to ~1e-13, including non-integer df', () => {
    // scipy 1.17.1, t.ppf(p, df).
    const ref: Array<[number, number, number]> = [
      [0.975, 10, 2.228138851986274], [0.975, 1, 12.706204736174694], [0.975, 2, 4.302652729749462],
      [0.995, 30, 2.7499956535672254], [0.975, 100, 1.9839715185235518], [0.999, 3.5, 8.315567604516115],
      [0.999, 10, 4.143700494046589],
    ];
    for (const [p, df, t] of ref) {
      expect(rel(studentTQuantile(p, df), t)).toBeLessThan(1e-13);
      expect(rel(studentTQuantile(1 - p, df), -t)).toBeLessThan(1e-12);
    }
  });

  it('inverts the CDF far into the tails', () => {
    for (const df of [0.7, 3, 25.5, 1e4]) {
      for (const p of [1e-12, 1e-4, 0.3, 0.5, 0.9]) {
        const t = studentTQuantile(p, df);
        expect(rel(studentTCdf(t, df), p)).toBeLessThan(1e-11);
      }
    }
    expect(studentTQuantile(0, 3)).toBe(-Infinity);
    expect(studentTQuantile(1, 3)).toBe(Infinity);
  });
});

describe('Student t CDF', () => {
  it('matches scipy.stats.t.cdf / t.sf', () => {
    // scipy 1.17.1: (t, df, cdf, sf).
    const ref: Array<[number, number, number, number]> = [
      [2, 3, 0.9303370157205785, 0.06966298427942152], [-1.5, 7.5, 0.08724028529323204, 0.912759714706768],
      [0.3, 1, 0.5927735790777423, 0.4072264209222577], [4, 30, 0.9998090771819581, 0.0001909228180418782],
      [-10, 2, 0.004926228511662845, 0.9950737714883372], [-37, 5, 1.357914096273402e-7, 0.9999998642085903],
      [2.5, 0.5, 0.7995147354733534, 0.2004852645266466], [1, 1e6, 0.8413446250832108, 0.15865537491678916],
    ];
    for (const [t, df, c, s] of ref) {
      expect(rel(studentTCdf(t, df), c)).toBeLessThan(1e-12);
      expect(rel(studentTSf(t, df), s)).toBeLessThan(1e-12);
    }
  });

  it('matches closed forms for ν = 1 (Cauchy) and ν = 2', () => {
    // F(t) = ½ + arctan(t)/π for ν = 1; F(t) = ½ + t/(2√(2 + t²)) for ν = 2.
    for (const t of [-20, -0.4, 0, 1.3, 7]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 14);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 14);
    }
    expect(studentTPdf(0, 1)).toBeCloseTo(1 / Math.PI, 15);
    expect(studentTCdf(Infinity, 4)).toBe(1);
    expect(studentTSf(-Infinity, 4)).toBe(1);
  });

  it('rejects bad df and NaN with codes', () => {
    expect(() => studentTCdf(1, 0)).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => studentTCdf(NaN, 3)).toThrowError(expect.objectContaining({ code: 'not_finite' }));
    expect(() => studentTQuantile(0.5, NaN)).toThrowError(expect.objectContaining({ code: 'not_finite' }));
  });
});
