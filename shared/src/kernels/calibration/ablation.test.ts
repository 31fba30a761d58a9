import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { calibrationAblation, CalibrationAblationParams } from './ablation';
import { getKernel } from '../registry';
import { runKernelSync } from '../runner';
import { runWithRestarts } from '../testing';

const data = loadLocalKernelData(DEFAULT_DATA_DIR, calibrationAblation.datasets(CalibrationAblationParams.parse({})));
const small = CalibrationAblationParams.parse({ seasonFrom: 2016, seasonTo: 2019, features: ['homeLine', 'total', 'restDiff'], folds: 3, repeats: 2 });

describe('calibration.ablation params', () => {
  it('fills defaults and is registered', () => {
    expect(CalibrationAblationParams.parse({}).features).toHaveLength(7);
    expect(CalibrationAblationParams.parse(small)).toEqual(small);
    expect(getKernel('calibration.ablation@1')).toBe(calibrationAblation);
    expect(calibrationAblation.totalSteps(small)).toBe(5 * 2 + 1);
  });
  it('rejects bad params', () => {
    for (const bad of [{ features: [] }, { features: ['homeLine', 'homeLine'] }, { features: ['weather'] }, { lambda: -0.1 },
      { folds: 1 }, { seasonFrom: 2020, seasonTo: 2010 }, { tol: 0 }]) {
      expect(CalibrationAblationParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('calibration.ablation run', () => {
  const out = runKernelSync(calibrationAblation, small, 3, data);

  it('reports every ablation; dropping the line hurts most, the intercept alone is worst', () => {
    expect(out.ablations.map((a) => a.dropped)).toEqual([null, 'homeLine', 'total', 'restDiff', 'all']);
    expect(out.ablations[0].deltaLogLoss).toBe(0);
    const byDrop = Object.fromEntries(out.ablations.map((a) => [String(a.dropped), a]));
    expect(byDrop.homeLine.deltaLogLoss).toBeGreaterThan(0.02);
    expect(byDrop.all.deltaLogLoss).toBeGreaterThan(0.02);
    expect(Math.abs(byDrop.total.deltaLogLoss)).toBeLessThan(0.005);
    expect(out.full.converged).toBe(true);
    expect(out.full.coef[0].raw).toBeLessThan(0); // a bigger home line (home less favoured) lowers P(home win)
  });

  it('is identical on a rerun and when checkpointed and restored at several steps', () => {
    expect(runKernelSync(calibrationAblation, small, 3, data)).toEqual(out);
    const fresh = loadLocalKernelData(DEFAULT_DATA_DIR, calibrationAblation.datasets(small));
    expect(runWithRestarts(calibrationAblation, small, 3, data, [0, 4, 10], fresh)).toEqual(out);
  });

  it('comparator accepts a rerun and rejects a perturbed output', () => {
    const again = runKernelSync(calibrationAblation, small, 3, data);
    expect(calibrationAblation.compare(out, again)).toBe(true);
    const bumped = structuredClone(again);
    bumped.ablations[2].logLoss += 1e-5;
    expect(calibrationAblation.compare(out, bumped)).toBe(false);
  });

  it('refuses a snapshot of other params', () => {
    const s = calibrationAblation.init(small, 3, data);
    expect(() => calibrationAblation.restore({ ...small, lambda: 0.01 }, calibrationAblation.checkpoint(s), data)).toThrow();
  });
});
