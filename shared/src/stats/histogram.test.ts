import { describe, expect, it } from 'vitest';
import { erfc, normalCdf } from '../math/erfc';
import { histogramQuantile, histogramTail, maxDrawdown, nearlyEqual, round, sortedQuantile, summariseHistogram, tailRisk95 } from './histogram';

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

describe('histograms', () => {
  // values 0,1,1,2,2,2,3 (counts 1,2,3,1): mean 11/7
  const h = [1, 2, 3, 1];
  it('summarises exactly', () => {
    const s = summariseHistogram(h);
    expect(s.n).toBe(7);
    expect(s.mean).toBeCloseTo(11 / 7, 15);
    // Σ(k − 11/7)² · c / 7 = (121 + 2·16 + 3·9 + 100)/49/7 = 280/343
    expect(s.sd).toBeCloseTo(Math.sqrt(280 / 343), 15);
    expect(summariseHistogram(h, 0.5).mean).toBeCloseTo(11 / 14, 15);
  });
  it('takes inverse-CDF quantiles', () => {
    // cumulative 1,3,6,7 of 7: p ≤ 1/7 → 0; ≤ 3/7 → 1; ≤ 6/7 → 2; else 3
    expect([5, 14, 15, 42, 43, 50, 85, 86, 95].map((p) => histogramQuantile(h, p))).toEqual([0, 0, 1, 1, 2, 2, 2, 3, 3]);
    expect(histogramQuantile(h, 50, 0.5)).toBe(1);
    expect(histogramTail(h, 2)).toBeCloseTo(4 / 7, 15);
  });
  it('sorted-sample quantiles use the same rule', () => {
    const xs = [0, 1, 1, 2, 2, 2, 3];
    expect([5, 14, 15, 42, 43, 50, 85, 86, 95].map((p) => sortedQuantile(xs, p))).toEqual([0, 0, 1, 1, 2, 2, 2, 3, 3]);
    expect(sortedQuantile([1, 2, 3, 4], 50)).toBe(2);
    expect(sortedQuantile([1, 2, 3, 4], 100)).toBe(4);
  });
});

describe('tail risk and drawdown', () => {
  it('VaR/CVaR 95 on 40 outcomes use the 2 worst', () => {
    const pnl = [...new Array(38).fill(10), -50, -30];
    expect(tailRisk95(pnl)).toEqual({ var95: 30, cvar95: 40 });
  });
  it('VaR/CVaR 95 on 21 outcomes round the tail up to 2', () => {
    const pnl = [-7, ...Array.from({ length: 19 }, (_, i) => i), -4];
    expect(tailRisk95(pnl)).toEqual({ var95: 4, cvar95: 5.5 });
  });
  it('VaR is negative when even the tail gains', () => {
    expect(tailRisk95(new Array(20).fill(5))).toEqual({ var95: -5, cvar95: -5 });
  });
  it('max drawdown is measured from the running peak', () => {
    expect(maxDrawdown([100, 120, 90, 130, 65])).toBe(0.5);
    expect(maxDrawdown([1, 2, 3])).toBe(0);
  });
});

describe('output helpers', () => {
  it('rounds without -0', () => {
    expect(round(1.23456789, 4)).toBe(1.2346);
    expect(Object.is(round(-0.0000001, 3), 0)).toBe(true);
  });
  it('compares deeply with relative tolerance', () => {
    expect(nearlyEqual({ a: [1, 2], b: null, c: 'x' }, { c: 'x', b: null, a: [1, 2 + 1e-12] }, 1e-9)).toBe(true);
    expect(nearlyEqual({ a: [1, 2] }, { a: [1, 2.001] }, 1e-9)).toBe(false);
    expect(nearlyEqual({ a: 1 }, { a: 1, b: 2 }, 1e-9)).toBe(false);
    expect(nearlyEqual([1], [1, 2], 1e-9)).toBe(false);
    expect(nearlyEqual({ a: null }, { a: 0 }, 1e-9)).toBe(false);
    expect(nearlyEqual(1e12, 1e12 + 1, 1e-9)).toBe(true); // relative
  });
});
