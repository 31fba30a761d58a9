import { describe, expect, it } from 'vitest';
import * as stats from './index';

describe('stats index', () => {
  it('re-exports the public API', () => {
    for (const name of [
      'StatsError', 'logGamma', 'regularizedGammaP', 'regularizedBeta', 'normalQuantile', 'studentTQuantile', 'chiSquareSf', 'fSf',
      'permutationTest', 'pairedPermutationTest', 'bootstrapCi', 'welchTTest', 'oneWayAnova', 'chiSquareIndependence',
      'chiSquareGoodnessOfFit', 'cohensD', 'cliffsDelta', 'etaSquared', 'oddsRatio', 'bonferroni', 'holm', 'benjaminiHochberg',
      'storeyQValues', 'benjaminiKriegerYekutieli', 'binomial', 'multinomial', 'resampleCounts',
    ]) expect(typeof (stats as Record<string, unknown>)[name]).toBe('function');
  });

  it('throws one named error class with a code', () => {
    try {
      stats.welchTTest([], [1, 2]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(stats.StatsError);
      expect(e).toBeInstanceOf(Error);
      expect((e as stats.StatsError).name).toBe('StatsError');
      expect((e as stats.StatsError).code).toBe('empty_sample');
    }
  });
});
