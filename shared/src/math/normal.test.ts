import { describe, expect, it } from 'vitest';
import { erfc } from './erfc';
import { normalCdf, normalPdf, normalQuantile, normalSf } from './normal';

describe('normalQuantile (AS 241)', () => {
  it('matches published percentage points', () => {
    // Abramowitz & Stegun (1964) Table 26.5, percentage points of the normal distribution, as
    // quoted to 6 decimals: Φ⁻¹(0.975) = 1.959964, Φ⁻¹(0.995) = 2.575829, Φ⁻¹(0.95) = 1.644854,
    // Φ⁻¹(0.999) = 3.090232.
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 6);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 6);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 6);
  });

  it('matches scipy.stats.norm.ppf to ~1e-15 relative, in both tails', () => {
    // scipy 1.17.1 (available here), norm.ppf(p), repr().
    const ref: Array<[number, number]> = [
      [0.975, 1.959963984540054], [0.995, 2.5758293035489004], [0.3, -0.5244005127080409],
      [0.6, 0.2533471031357997], [1e-10, -6.361340902404056], [1e-300, -37.0470962993612],
    ];
    for (const [p, z] of ref) expect(Math.abs(normalQuantile(p) - z) / Math.abs(z)).toBeLessThan(2e-15);
  });

  it('inverts the CDF and is antisymmetric', () => {
    for (const p of [1e-12, 0.001, 0.2, 0.5, 0.77, 0.9999]) {
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
      const q = 1 - p; // 1 − q is not p once p is tiny; compare with the quantile of what q really leaves
      expect(normalQuantile(q)).toBeCloseTo(-normalQuantile(1 - q), 12);
    }
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('keeps upper-tail precision in normalSf and has the right density', () => {
    // 1 − Φ(8) = 6.220960574271819e-16 (0.5·math.erfc(8/√2), CPython 3.11).
    expect(Math.abs(normalSf(8) - 6.220960574271819e-16) / 6.22e-16).toBeLessThan(1e-13);
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
  });

  it('rejects bad probabilities with codes', () => {
    expect(() => normalQuantile(1.2)).toThrowError(expect.objectContaining({ code: 'bad_argument' }));
    expect(() => normalQuantile(NaN)).toThrowError(expect.objectContaining({ code: 'not_finite' }));
    expect(normalCdf(NaN)).toBeNaN(); // the kernels' loops propagate NaN rather than throw
  });
});

describe('normalCdf', () => {
  it('matches libm erfc to ~1e-15', () => {
    // 0.5 * math.erfc(-x / math.sqrt(2)) from CPython 3.11 (C libm), printed with repr()
    const ref: Array<[number, number]> = [
      [-8, 6.220960574271819e-16], [-6, 9.865876450377012e-10], [-4, 0.000031671241833119965],
      [-3.5, 0.00023262907903552504], [-3, 0.0013498980316300957], [-2.5, 0.006209665325776139],
      [-1.96, 0.024997895148220435], [-1, 0.15865525393145707], [-0.037037, 0.4852277521169551],
      [0, 0.5], [0.1, 0.539827837277029], [1, 0.8413447460685429], [1.96, 0.9750021048517795],
      [3, 0.9986501019683699], [5, 0.9999997133484281],
    ];
    for (const [x, p] of ref) {
      expect(Math.abs(normalCdf(x) - p)).toBeLessThan(1e-15);
      expect(Math.abs(normalCdf(x) - p) / p).toBeLessThan(2e-14);
    }
    expect(erfc(0)).toBe(1);
    expect(normalCdf(-40)).toBe(0);
  });
});
