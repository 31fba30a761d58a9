import { describe, expect, it } from 'vitest';
import type { CalibrationAblationOutput } from '@nfl-grid/shared/kernels/calibration/ablation';
import type { CoverBaselineOutput } from '@nfl-grid/shared/kernels/cover/baseline-kernel';
import { kernelTable } from './build-report';

/* The kernel tables read the outputs' real field names: the outputs here are typed by the kernels' own interfaces. */

describe('kernel tables of a batch report', () => {
  it('cover.baseline: a row per held-out season and one for all', () => {
    const output: CoverBaselineOutput = {
      sigmaFrom: 'training log loss', clip: 1e-6, bins: 20,
      seasons: [{ season: 2018, sigma: 13.21, trainPlays: 400_000, trainLogLoss: 0.5, n: 40_000, logLoss: 0.49, brier: 0.16, calibrationError: 0.03 }],
      overall: { n: 40_000, logLoss: 0.49, brier: 0.16, calibrationError: 0.03 },
    };
    expect(kernelTable('cover.baseline@1', [{ seq: 0, params: {}, output }])!.rows).toEqual([
      [0, 2018, '13.21', 40_000, '0.4900', '0.1600', '0.0300'],
      [0, 'all', null, 40_000, '0.4900', '0.1600', '0.0300'],
    ]);
  });

  it('calibration.ablation: a row per ablation, named', () => {
    const row = (dropped: CalibrationAblationOutput['ablations'][number]['dropped'], d: number) => ({ dropped, logLoss: 0.6 + d, logLossSd: 0.01, brier: 0.2, deltaLogLoss: d });
    const output: Pick<CalibrationAblationOutput, 'ablations'> = { ablations: [row(null, 0), row('all', 0.05)] };
    expect(kernelTable('calibration.ablation@1', [{ seq: 1, params: {}, output }])!.rows.map((r) => r.slice(0, 2))).toEqual([[1, '(none)'], [1, '(all: intercept only)']]);
  });

  it('has a table for every kernel in the registry', async () => {
    const { listKernels } = await import('@nfl-grid/shared/kernels/registry');
    const missing = listKernels().map((k) => `${k.name}@${k.version}`).filter((ref) => kernelTable(ref, [{ seq: 0, params: {}, output: {} }]) === null);
    expect(missing).toEqual([]);
  });
});
