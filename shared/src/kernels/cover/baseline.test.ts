import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { GAMESTATE_SEASONS } from '../../data/gamestate/datasets';
import { normalCdf } from '../../math/normal';
import { coverProbability, fitInputs, fitSigma, meanLogLoss } from './baseline';
import { addForecast, emptyMetricSums, metricsOf } from './metrics';
import { seasonPlays, seasonPlaysDatasets } from './plays';

describe('cover baseline formula', () => {
  it('is Φ((L − line·(1 − t)) / (σ√t))', () => {
    // kickoff: L − line·(1 − 1) = 0, so a coin flip whatever the line
    expect(coverProbability(0, 7, 1, 14)).toBe(normalCdf(0));
    // half time, up 3 with 7 to give, σ 13.2: Φ((3 − 3.5)/(13.2·√0.5))
    expect(coverProbability(3, 7, 0.5, 13.2)).toBe(normalCdf(-0.5 / (13.2 * Math.SQRT1_2)));
    expect(coverProbability(3, 7, 0.5, 13.2)).toBeCloseTo(0.478639, 6);
    // 2,000 s elapsed, home −5 leading 17–15: t = 1600/3600, L = 2, line 5
    expect(coverProbability(2, 5, 1600 / 3600, 13.2)).toBeCloseTo(normalCdf((2 - 5 * 2000 / 3600) / (13.2 * Math.sqrt(1600 / 3600))), 15);
    expect(coverProbability(2, 5, 1600 / 3600, 13.2)).toBeCloseTo(0.4648, 4);
  });

  it('is certain when no time is left', () => {
    expect([coverProbability(7, 6.5, 0, 13), coverProbability(6, 6.5, 0, 13), coverProbability(3, 3, 0, 13)]).toEqual([1, 0, 0.5]);
  });

  it('fits σ on a toy set where the answer is known', () => {
    // Labels drawn so that the log-loss minimiser is interior; the fit must beat its neighbours.
    const u = new Float64Array([-20, -8, -3, -1, 1, 2, 5, 9, 15, 30, -6, 4]);
    const y = new Uint8Array([0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0]);
    const f = fitSigma(u, y);
    expect(f.sigma).toBeGreaterThan(5);
    expect(f.sigma).toBeLessThan(40);
    expect(f.logLoss).toBeLessThan(meanLogLoss(u, y, f.sigma * 1.01));
    expect(f.logLoss).toBeLessThan(meanLogLoss(u, y, f.sigma * 0.99));
  });
});

describe('reference figures: all 2009–19 plays, σ = 13.2', () => {
  const data = loadLocalKernelData(DEFAULT_DATA_DIR, seasonPlaysDatasets(GAMESTATE_SEASONS));
  const parts = GAMESTATE_SEASONS.map((s) => seasonPlays(data, s));

  it('log loss 0.4991, Brier 0.1640, calibration error 0.0284 (±0.0005)', () => {
    const s = emptyMetricSums();
    for (const p of parts) for (let i = 0; i < p.n; i++) addForecast(s, coverProbability(p.lead[i], p.line[i], p.t[i], 13.2), p.y[i]);
    const m = metricsOf(s);
    expect(m.n).toBe(486_601);
    expect(Math.abs(m.logLoss - 0.4991)).toBeLessThan(0.0005);
    expect(Math.abs(m.brier - 0.1640)).toBeLessThan(0.0005);
    expect(Math.abs(m.calibrationError - 0.0284)).toBeLessThan(0.0005);
    // and to the digits computed when this was written (numpy/scipy gave the same)
    expect(m.logLoss).toBeCloseTo(0.49906153, 7);
    expect(m.brier).toBeCloseTo(0.16400719, 7);
    expect(m.calibrationError).toBeCloseTo(0.02837740, 7);
  });

  it('the log-loss σ on 2009–18 is about 18.07', () => {
    const { u, y } = fitInputs(parts.filter((p) => p.season !== 2019));
    const f = fitSigma(u, y);
    expect(f.n).toBe(440_667);
    expect(f.sigma).toBeCloseTo(18.0693, 3);
  });
});
