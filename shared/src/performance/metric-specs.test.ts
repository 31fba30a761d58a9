import { describe, expect, it } from 'vitest';
import { extractMetric, metricSpec } from './metric-specs';
import { familyParams, getPath, modelKeyOf, setPath, tunedParams } from './model-key';

describe('model metrics', () => {
  it('state space: LOYO pooled log loss with per-season samples, else the best config', () => {
    const loyo = { loyo: { pooled: { logLoss: 0.65 }, seasons: [{ season: 2020, logLoss: 0.6 }, { season: 2021, logLoss: 0.7 }] }, configs: [] };
    expect(extractMetric('ratings.state_space@1', {}, loyo)).toEqual({ value: 0.65, samples: [0.6, 0.7], labels: [2020, 2021] });
    const none = { loyo: null, configs: [{ pooled: { logLoss: 0.7 }, seasons: [] }, { pooled: { logLoss: 0.66 }, seasons: [] }] };
    expect(extractMetric('ratings.state_space@1', {}, none)).toEqual({ value: 0.66, samples: null, labels: null });
  });
  it('calibration: the better calibrator, per repeat', () => {
    const o = { platt: { mean: { logLoss: 0.61 } }, isotonic: { mean: { logLoss: 0.62 } }, perRepeat: [{ platt: { logLoss: 0.6 }, isotonic: { logLoss: 0.63 } }, { platt: { logLoss: 0.62 }, isotonic: { logLoss: 0.61 } }] };
    expect(extractMetric('calibration.fit@1', {}, o)).toEqual({ value: 0.61, samples: [0.6, 0.62], labels: [0, 1] });
  });
  it('backtest ROI with per-season ROI; bankroll median log growth; margins test log-lik', () => {
    const bt = { roi: 0.02, seasons: [{ season: 2020, staked: 100, profit: 5 }, { season: 2021, staked: 0, profit: 0 }, { season: 2022, staked: 200, profit: -2 }] };
    expect(extractMetric('backtest.run@1', {}, bt)).toEqual({ value: 0.02, samples: [0.05, -0.01], labels: [2020, 2022] });
    expect(extractMetric('mc.bankroll@1', {}, { final: { p50: 2000 }, startBankroll: 1000 })!.value).toBeCloseTo(Math.LN2, 12);
    expect(extractMetric('margins.key_numbers@1', {}, { test: { logLikPerGame: { keyNumbers: -2.9, normal: -3 } } })!.value).toBe(-2.9);
    expect(metricSpec('margins.key_numbers@1')!.lowerIsBetter).toBe(false);
  });
  it('is null for untracked kernels and malformed outputs', () => {
    expect(extractMetric('mc.season@1', {}, { teams: [] })).toBeNull();
    expect(extractMetric('bench.hash@1', {}, { value: 1 })).toBeNull();
    expect(extractMetric('calibration.fit@1', {}, { platt: null })).toBeNull();
    expect(extractMetric('ratings.state_space@1', {}, null)).toBeNull();
  });
});

describe('model key', () => {
  const spec = metricSpec('backtest.run@1')!;
  const params = { seasonFrom: 2010, seasonTo: 2020, maxBetHistory: 100, strategy: { minEdge: 0.02, market: 'spread', model: { kind: 'spread', sigma: 13.5, homeEdge: 0 } } };
  it('drops the seed, tuned and ignored params (dotted paths)', () => {
    expect(familyParams(spec, { ...params, seed: 3 })).toEqual({ seasonFrom: 2010, seasonTo: 2020, strategy: { market: 'spread', model: { kind: 'spread' } } });
    expect(tunedParams(spec, params)).toEqual({ 'strategy.minEdge': 0.02, 'strategy.model.sigma': 13.5, 'strategy.model.homeEdge': 0 });
  });
  it('is stable under key order and tuned values, and changes with the family', async () => {
    const a = await modelKeyOf(spec, params);
    const b = await modelKeyOf(spec, { strategy: { model: { homeEdge: 1, sigma: 12, kind: 'spread' }, market: 'spread', minEdge: 0.1 }, seasonTo: 2020, seasonFrom: 2010 });
    const c = await modelKeyOf(spec, { ...params, seasonFrom: 2011 });
    expect(a.key).toMatch(/^backtest\.run@1~[0-9a-f]{12}$/);
    expect(b.key).toBe(a.key);
    expect(c.key).not.toBe(a.key);
  });
  it('reads and writes dotted paths without mutating', () => {
    const o = { a: { b: 1 } };
    expect(getPath(o, 'a.b')).toBe(1);
    expect(getPath(o, 'a.c.d')).toBeUndefined();
    expect(setPath(o, 'a.b', 2)).toEqual({ a: { b: 2 } });
    expect(o.a.b).toBe(1);
  });
});
