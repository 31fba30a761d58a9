import { describe, expect, it } from 'vitest';
import { getKernel } from '../kernels/registry';
import { BatchSpec } from './batch';
import { estimateBatch, standardJobSet } from './standard-jobs';

describe('standard job set', () => {
  it('is valid batch specs whose every WU has params the kernel accepts', () => {
    for (const b of standardJobSet()) {
      const spec = BatchSpec.parse(b);
      const k = getKernel(spec.kernel);
      let combos: Record<string, unknown>[] = spec.units?.map((u) => u.params) ?? [{}];
      for (const [key, vs] of Object.entries(spec.grid ?? {})) combos = combos.flatMap((c) => vs.map((v) => ({ ...c, [key]: v })));
      for (const u of combos) {
        const r = k.paramsSchema.safeParse({ ...spec.params, ...u });
        expect(r.success, `${spec.name}: ${JSON.stringify(u)} ${r.error?.message ?? ''}`).toBe(true);
      }
    }
  });

  it('keeps every WU between a second and a minute on the reference core, with priorities', () => {
    const est = standardJobSet().map(estimateBatch);
    expect(est.map((e) => e.wus)).toEqual([120, 32, 90, 25, 9, 24, 15, 3, 40, 20, 3, 4]);
    expect(new Set(est.map((e) => e.kernel))).toEqual(new Set([
      'mc.season@1', 'mc.bankroll@1', 'ratings.state_space@1', 'margins.key_numbers@1', 'calibration.fit@1', 'copula.gof@1', 'ope.estimate@1', 'backtest.compare@1', 'train.mlp@1',
    ]));
    for (const e of est) {
      expect(e.maxWuSeconds).toBeGreaterThan(1);
      expect(e.maxWuSeconds).toBeLessThan(60);
      expect(e.cpuHours).toBeCloseTo(e.cpuHoursPerReplica * 2, 12); // default quorum 2
    }
    expect(new Set(est.map((e) => e.priority)).size).toBe(est.length);
  });

  it('estimates a grid batch as the sum over its WUs', () => {
    const e = estimateBatch({ name: 'x', kernel: 'mc.season', params: { nSims: 1000 }, grid: { season: [2020, 2021] }, replicates: 3 });
    const k = getKernel('mc.season@1');
    const one = (s: number) => k.costEstimate(k.paramsSchema.parse({ season: s, nSims: 1000 })) / 1e9;
    expect(e.wus).toBe(6);
    expect(e.cpuHoursPerReplica).toBeCloseTo((3 * (one(2020) + one(2021))) / 3600, 12);
  });
});
