import { describe, expect, it } from 'vitest';
import { addForecast, calibrationBin, clippedLogLoss, coverMetrics, emptyMetricSums, mergeSums, metricsOf } from './metrics';

describe('cover metrics', () => {
  it('scores four hand-made forecasts', () => {
    const p = [0.9, 0.2, 0.22, 1], y = [1, 0, 1, 0];
    const m = coverMetrics(p, y);
    expect(m.n).toBe(4);
    expect(m.logLoss).toBeCloseTo((-Math.log(0.9) - Math.log(0.8) - Math.log(0.22) - Math.log(1e-6)) / 4, 9); // 1 − (1 − 1e-6) is 1e-6 only to ~1e-11
    expect(m.brier).toBeCloseTo((0.01 + 0.04 + 0.6084 + 1) / 4, 12);
    // bins: 0.9 → 18, 0.2 and 0.22 → 4, 1 → 19; bin 4 has mean p 0.21, mean y 0.5
    expect(m.calibrationError).toBeCloseTo((1 / 4) * 0.1 + (2 / 4) * 0.29 + (1 / 4) * 1, 12);
  });

  it('clips the log loss at 1e-6 and bins the edges', () => {
    expect(clippedLogLoss(0, 1)).toBeCloseTo(-Math.log(1e-6), 12);
    expect(clippedLogLoss(0, 0)).toBeCloseTo(-Math.log(1 - 1e-6), 15);
    expect(clippedLogLoss(0.5, 1, 0.01)).toBe(Math.log(2));
    expect([calibrationBin(0), calibrationBin(0.0499), calibrationBin(0.05), calibrationBin(0.999), calibrationBin(1)]).toEqual([0, 0, 1, 19, 19]);
  });

  it('pools sums of disjoint sets exactly', () => {
    const a = emptyMetricSums(), b = emptyMetricSums(), all = emptyMetricSums();
    [[0.3, 1], [0.7, 0], [0.51, 1]].forEach(([p, y], i) => { addForecast(i < 2 ? a : b, p, y); addForecast(all, p, y); });
    expect(metricsOf(mergeSums(a, b))).toEqual(metricsOf(all));
    expect(metricsOf(emptyMetricSums()).n).toBe(0);
  });
});
