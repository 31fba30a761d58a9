import { describe, expect, it } from 'vitest';
import { histogramQuantile, histogramTail, sortedQuantile, summariseHistogram } from './histogram';

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
