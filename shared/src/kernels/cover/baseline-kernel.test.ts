import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { getKernel } from '../registry';
import { runKernelSync } from '../runner';
import { runWithRestarts } from '../testing';
import { coverBaseline, CoverBaselineParams } from './baseline-kernel';

const all = CoverBaselineParams.parse({});
const data = loadLocalKernelData(DEFAULT_DATA_DIR, coverBaseline.datasets(all));
const two = CoverBaselineParams.parse({ testSeasons: [2018, 2019] });

describe('cover.baseline params', () => {
  it('defaults to every season, a fitted σ and clip 1e-6; is registered', () => {
    expect(all).toEqual({ testSeasons: [2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019], clip: 1e-6 });
    expect(getKernel('cover.baseline@1')).toBe(coverBaseline);
    expect(coverBaseline.totalSteps(two)).toBe(2);
  });

  it('rejects bad params', () => {
    for (const bad of [{ testSeasons: [] }, { testSeasons: [2008] }, { testSeasons: [2019, 2018] }, { testSeasons: [2010, 2010] },
      { sigma: 2 }, { clip: 0 }, { seed: 1 }]) {
      expect(CoverBaselineParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('reads only the test seasons when σ is fixed', () => {
    expect(coverBaseline.datasets(CoverBaselineParams.parse({ testSeasons: [2019], sigma: 13.2 })))
      .toEqual(['gamestate.games', 'gamestate.plays_2019']);
    expect(coverBaseline.datasets(two)).toHaveLength(12);
  });
});

describe('cover.baseline run', () => {
  it('with σ 13.2 on every season, overall gives the reference figures', () => {
    const out = runKernelSync(coverBaseline, CoverBaselineParams.parse({ sigma: 13.2 }), 1, data);
    expect(out.sigmaFrom).toBe('fixed');
    expect(out.seasons).toHaveLength(11);
    expect(out.overall).toEqual({ n: 486_601, logLoss: 0.49906153, brier: 0.16400719, calibrationError: 0.0283774 });
    expect(out.seasons.every((s) => s.sigma === 13.2 && s.trainLogLoss === null && s.trainPlays === 0)).toBe(true);
    expect(coverBaseline.compare(out, structuredClone(out))).toBe(true);
  });

  const out = runKernelSync(coverBaseline, two, 42, data);

  it('fits σ on the other seasons and scores the held-out one', () => {
    expect(out.sigmaFrom).toBe('training log loss');
    expect(out.seasons.map((s) => s.season)).toEqual([2018, 2019]);
    const [s18, s19] = out.seasons;
    expect(s19.sigma).toBeCloseTo(18.0693, 3);
    expect(s19.n).toBe(44_367);
    expect(s18.n).toBe(42_799);
    for (const s of out.seasons) {
      expect(s.trainPlays).toBeGreaterThan(400_000);
      expect(s.logLoss).toBeGreaterThan(0.4);
      expect(s.logLoss).toBeLessThan(0.55);
      expect(s.calibrationError).toBeLessThan(0.08);
    }
    expect(out.overall.n).toBe(s18.n + s19.n);
  });

  it('is deterministic: the same on a rerun, with any seed, and across restarts on fresh data', () => {
    expect(runKernelSync(coverBaseline, two, 7, data)).toEqual(out);
    const fresh = loadLocalKernelData(DEFAULT_DATA_DIR, coverBaseline.datasets(two));
    expect(runWithRestarts(coverBaseline, two, 42, data, [0, 1, 2], fresh)).toEqual(out);
  });

  it('comparator accepts a copy and rejects a perturbed output', () => {
    expect(coverBaseline.compare(out, structuredClone(out))).toBe(true);
    const bumped = structuredClone(out);
    bumped.seasons[1].calibrationError += 1e-6;
    expect(coverBaseline.compare(out, bumped)).toBe(false);
    const fewer = structuredClone(out);
    fewer.seasons[0].n -= 1;
    expect(coverBaseline.compare(out, fewer)).toBe(false);
  });

  it('refuses a snapshot of other params', () => {
    const s = coverBaseline.step(coverBaseline.init(two, 42, data), data);
    const snap = JSON.parse(JSON.stringify(coverBaseline.checkpoint(s)));
    expect(() => coverBaseline.restore(CoverBaselineParams.parse({ testSeasons: [2019] }), snap, data)).toThrow(/snapshot/);
  });
});
