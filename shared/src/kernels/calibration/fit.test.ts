import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { calibrationFit, CalibrationFitParams, foldsOf } from './fit';
import { getKernel } from '../registry';
import { runKernelSync } from '../runner';
import { runWithRestarts } from '../testing';

const data = loadLocalKernelData(DEFAULT_DATA_DIR, calibrationFit.datasets(CalibrationFitParams.parse({})));
const small = CalibrationFitParams.parse({ seasonFrom: 2017, seasonTo: 2019, folds: 3, repeats: 3 });

describe('calibration.fit params', () => {
  it('fills defaults and is registered', () => {
    expect(CalibrationFitParams.parse({})).toMatchObject({ source: 'spread', folds: 10, repeats: 5, sigma: 13.45, clip: 0.001 });
    expect(CalibrationFitParams.parse(small)).toEqual(small);
    expect(getKernel('calibration.fit@1')).toBe(calibrationFit);
  });
  it('rejects bad params', () => {
    for (const bad of [{ source: 'moneyline' }, { folds: 1 }, { repeats: 0 }, { seasonFrom: 2020, seasonTo: 2019 }, { clip: 0 },
      { source: 'logistic', seasonFrom: 1985, logisticTrainSeasons: 10 }, { bins: 10 }]) {
      expect(CalibrationFitParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('foldsOf', () => {
  it('deals a seeded shuffle into balanced folds', () => {
    const f = foldsOf(10, 3, 5, 0);
    const sizes = [0, 1, 2].map((k) => f.filter((x) => x === k).length);
    expect(sizes).toEqual([4, 3, 3]);
    expect(foldsOf(10, 3, 5, 0)).toEqual(f);
    expect(foldsOf(10, 3, 5, 1)).not.toEqual(f);
  });
});

describe('calibration.fit run', () => {
  const out = runKernelSync(calibrationFit, small, 42, data);

  it('reports raw, Platt and isotonic metrics with reliability bins', () => {
    expect(out.n).toBeGreaterThan(800);
    expect(out.perRepeat).toHaveLength(3);
    expect(out.raw.reliability).toHaveLength(10);
    expect(out.raw.reliability.reduce((a, b) => a + b.count, 0)).toBe(out.n);
    expect(out.platt.reliability.reduce((a, b) => a + b.count, 0)).toBe(out.n);
    for (const m of [out.raw, out.platt.mean, out.isotonic.mean]) {
      expect(m.brier).toBeGreaterThan(0.18);
      expect(m.brier).toBeLessThan(0.25);
      expect(m.ece10).toBeGreaterThanOrEqual(0);
      expect(m.ece10).toBeLessThan(0.1);
    }
    expect(out.platt.full.a).toBeGreaterThan(0.5);
    expect(out.isotonic.fullBlocks).toBeGreaterThan(2);
  });

  it('is identical on a rerun, differs with another seed, and survives restarts', () => {
    expect(runKernelSync(calibrationFit, small, 42, data)).toEqual(out);
    expect(runKernelSync(calibrationFit, small, 43, data).perRepeat).not.toEqual(out.perRepeat);
    const fresh = loadLocalKernelData(DEFAULT_DATA_DIR, calibrationFit.datasets(small));
    expect(runWithRestarts(calibrationFit, small, 42, data, [0, 1, 3], fresh)).toEqual(out);
    expect(runWithRestarts(calibrationFit, small, 42, data, [2])).toEqual(out);
  });

  it('comparator accepts a rerun and rejects a perturbed output', () => {
    const again = runKernelSync(calibrationFit, small, 42, data);
    expect(calibrationFit.compare(out, again)).toBe(true);
    const bumped = structuredClone(again);
    bumped.isotonic.mean.ece15 += 1e-6;
    expect(calibrationFit.compare(out, bumped)).toBe(false);
    expect(calibrationFit.compare(out, runKernelSync(calibrationFit, small, 7, data))).toBe(false);
  });

  it('runs the Elo and logistic sources', () => {
    const elo = runKernelSync(calibrationFit, { ...small, source: 'elo', repeats: 1 }, 1, data);
    expect(elo.n).toBeLessThanOrEqual(out.n);
    const lg = runKernelSync(calibrationFit, { ...small, source: 'logistic', repeats: 1 }, 1, data);
    expect(lg.n).toBe(out.n);
    expect(lg.raw.logLoss).toBeLessThan(0.66);
  });

  it('refuses a snapshot of other params', () => {
    const s = calibrationFit.init(small, 42, data);
    expect(() => calibrationFit.restore({ ...small, folds: 4 }, calibrationFit.checkpoint(s), data)).toThrow();
  });
});
