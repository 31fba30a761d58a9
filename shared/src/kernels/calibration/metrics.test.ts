import { describe, expect, it } from 'vitest';
import { addScore, emptySums, expectedCalibrationError, logLossOf, probMetrics, reliabilityBins, scoresOf } from './metrics';

describe('calibration metrics', () => {
  it('ECE on a hand example (10 bins): one forecast per bin, |0.1−0|+|0.2−1|+|0.8−1|+|0.9−1| over 4 = 0.3', () => {
    expect(expectedCalibrationError([0.1, 0.2, 0.8, 0.9], [0, 1, 1, 1], 10)).toBeCloseTo(0.3, 15);
  });

  it('ECE pools forecasts within a bin (2 bins): (2·|0.2−0.5| + 2·|0.7−0.5|)/4 = 0.25', () => {
    expect(expectedCalibrationError([0.1, 0.3, 0.6, 0.8], [0, 1, 1, 0], 2)).toBeCloseTo(0.25, 15);
  });

  it('bins a forecast of exactly 1 into the last bin and reports empty bins as null', () => {
    const bins = reliabilityBins([1, 0.5, 0.51], [1, 0, 1], 15);
    expect(bins).toHaveLength(15);
    expect(bins[14]).toMatchObject({ count: 1, meanPredicted: 1, observed: 1 });
    expect(bins[7]).toMatchObject({ count: 2, observed: 0.5 });
    expect(bins[0]).toMatchObject({ count: 0, meanPredicted: null, observed: null });
  });

  it('scores ties as half a win', () => {
    expect(logLossOf(0.5, 0.5)).toBeCloseTo(Math.LN2, 15);
    expect(logLossOf(0.8, 0.5)).toBeCloseTo(-0.5 * Math.log(0.8) - 0.5 * Math.log(0.2), 15);
    const m = probMetrics([0.8, 0.3], [1, 0.5]);
    expect(m.brier).toBeCloseTo((0.04 + 0.04) / 2, 15);
  });

  it('pools sums exactly', () => {
    const all = emptySums();
    [[0.6, 1, 3], [0.4, 0, -2], [0.7, 0, 7]].forEach(([p, y, e]) => addScore(all, p, y, e));
    expect(scoresOf(all).rmse).toBeCloseTo(Math.sqrt((9 + 4 + 49) / 3), 8);
    expect(scoresOf(all, false).rmse).toBeNull();
  });
});
