import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { canonicalJson } from '../../hashing/canonical-json';
import { opeEstimate, OpeEstimateParams } from './estimate';
import { getKernel } from '../registry';
import { runKernelSync } from '../runner';
import { runWithRestarts } from '../testing';

const names = ['obd.bts_men', 'obd.random_men'];
const data = loadLocalKernelData(DEFAULT_DATA_DIR, names);
const value = (o: { estimators: Array<{ name: string; value: number | null }> }, n: string) => o.estimators.find((e) => e.name === n)!.value!;

describe('ope.estimate@1', () => {
  const p = OpeEstimateParams.parse({ nBootstrap: 12, bootstrapPerStep: 5, clip: [5, 50], switchTau: [10], shrink: [100] });
  const out = runKernelSync(opeEstimate, p, 3, data);

  it('is registered, parses defaults and rejects bad params', () => {
    expect(getKernel('ope.estimate@1')).toBe(opeEstimate);
    expect(opeEstimate.datasets(p)).toEqual(names);
    expect(OpeEstimateParams.parse({})).toMatchObject({ campaign: 'men', log: 'bts', policy: { kind: 'uniform' }, folds: 2, nBootstrap: 500 });
    for (const bad of [{ campaign: 'kids' }, { policy: { kind: 'oracle' } }, { policy: { kind: 'softmax', beta: -1 } }, { clip: [5, 2] },
      { clip: [0] }, { folds: 0 }, { rewardModel: { kind: 'forest' } }, { nBootstrap: -1 }, { extra: 1 }]) {
      expect(OpeEstimateParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('estimates the uniform policy from the BTS log against the random log\'s click rate', () => {
    expect(out.reference).toMatchObject({ value: 0.0046, kind: 'on_policy_mean', dataset: 'obd.random_men', rows: 10_000 });
    expect(out.rows).toBe(10_000);
    expect(out.clicks).toBe(69);
    expect(out.estimators.map((e) => e.name)).toEqual(['ips', 'snips', 'wis_pos', 'dm', 'dr', 'sndr', 'ips_clip@5', 'ips_clip@50', 'dr_clip@5', 'dr_clip@50', 'switch_dr@10', 'dr_os@100']);
    for (const e of out.estimators) {
      expect(e.value!).toBeGreaterThan(0);
      expect(e.relError).toBeCloseTo(Math.abs(e.value! - 0.0046) / 0.0046, 6);
      expect(e.bootstrap!.lo95).toBeLessThanOrEqual(e.bootstrap!.hi95);
    }
    expect(out.bootstrap.replicates).toBe(12);
    expect(out.bootstrap.values![0]).toHaveLength(12);
  });

  it('on-policy checks: the logging policy\'s IPS is its mean click; uniform on the random log is exact', () => {
    const onPolicy = runKernelSync(opeEstimate, OpeEstimateParams.parse({ policy: { kind: 'logging' }, nBootstrap: 0 }), 1, data);
    expect(value(onPolicy, 'ips')).toBeCloseTo(69 / 10_000, 12);
    expect(onPolicy.estimators[0].relError).toBe(0);
    const replay = runKernelSync(opeEstimate, OpeEstimateParams.parse({ log: 'random', nBootstrap: 0 }), 1, data);
    expect(value(replay, 'ips')).toBeCloseTo(0.0046, 12);
    expect(value(replay, 'snips')).toBeCloseTo(0.0046, 12);
    const greedy = runKernelSync(opeEstimate, OpeEstimateParams.parse({ policy: { kind: 'greedy' }, rewardModel: { kind: 'logistic', maxIter: 8 }, nBootstrap: 0 }), 1, data);
    expect(greedy.reference.kind).toBe('replay_second_half');
    expect(greedy.reference.rows).toBe(5000);
    // the greedy items were never clicked in the replay half: no relative errors, and no NaN in the output
    expect(greedy.reference.value).toBe(0);
    expect(greedy.estimators.every((e) => e.relError === null)).toBe(true);
    expect(() => canonicalJson(greedy)).not.toThrow();
    expect(() => canonicalJson(out)).not.toThrow();
  });

  it('is identical on a rerun and across restarts; the comparator accepts and rejects', () => {
    expect(runKernelSync(opeEstimate, p, 3, data)).toEqual(out);
    expect(runWithRestarts(opeEstimate, p, 3, data, [0, 1, 2], loadLocalKernelData(DEFAULT_DATA_DIR, names))).toEqual(out);
    expect(opeEstimate.compare(out, runWithRestarts(opeEstimate, p, 3, data, [1]))).toBe(true);
    expect(opeEstimate.compare(out, runKernelSync(opeEstimate, p, 4, data))).toBe(false);
    const bumped = { ...out, estimators: out.estimators.map((e, i) => (i === 4 ? { ...e, value: e.value! + 1e-6 } : e)) };
    expect(opeEstimate.compare(out, bumped)).toBe(false);
  });
});
