import { describe, expect, it } from 'vitest';
import { BatchSpec } from '../api/batch';
import { getKernel } from '../kernels/registry';
import { followUpSuggestions, neighbourParams } from './follow-ups';
import { metricSpec } from './metric-specs';

const acceptFor = (ref: string) => (p: Record<string, unknown>) => {
  const r = getKernel(ref).paramsSchema.safeParse(p);
  return r.success ? (r.data as Record<string, unknown>) : null;
};

describe('follow-up suggestions', () => {
  it('steps each tuned param both ways, keeping what the schema accepts', () => {
    const spec = metricSpec('calibration.fit@1')!;
    const params = getKernel('calibration.fit@1').paramsSchema.parse({ sigma: 13.5, logisticTrainSeasons: 1 }) as Record<string, unknown>;
    const n = neighbourParams(spec, params, acceptFor('calibration.fit@1'));
    // logisticTrainSeasons 1 − 2 = −1 is out of range.
    expect(n.map((p) => [p.sigma, p.logisticTrainSeasons])).toEqual([[13, 1], [14, 1], [13.5, 3]]);
  });
  it('steps one-element arrays and multiplicative params', () => {
    const spec = metricSpec('ratings.state_space@1')!;
    const params = getKernel('ratings.state_space@1').paramsSchema.parse({ q: 0.6, r: 170, hfa: 2 }) as Record<string, unknown>;
    const n = neighbourParams(spec, params, acceptFor('ratings.state_space@1'));
    expect(n[0]!.q).toEqual([0.4]);
    expect(n[1]!.q).toEqual([0.9]);
    expect(n[2]!.r).toEqual([150]);
    expect(n[4]!.hfa).toEqual([1.5]);
    // phi = 1 can only step down.
    expect(n.filter((p) => p.phi !== 1).map((p) => p.phi)).toEqual([0.98]);
  });
  it('builds valid batch specs: neighbours, and more seeds only where the seed matters', () => {
    const ref = 'calibration.fit@1';
    const bestParams = getKernel(ref).paramsSchema.parse({}) as Record<string, unknown>;
    const s = followUpSuggestions({ spec: metricSpec(ref)!, modelKey: 'k', bestParams, bestWuId: 12, batchName: 'cal', priority: 5 }, acceptFor(ref));
    expect(s.map((x) => x.kind)).toEqual(['neighbours', 'seeds']);
    for (const x of s) expect(BatchSpec.safeParse(x.spec).success).toBe(true);
    expect(s[0]!.spec.units).toHaveLength(4);
    expect(s[1]!.spec).toMatchObject({ replicates: 4, priority: 5, params: bestParams });
    const ss = followUpSuggestions({ spec: metricSpec('ratings.state_space@1')!, modelKey: 'k', bestParams: getKernel('ratings.state_space@1').paramsSchema.parse({}) as never, bestWuId: 1, batchName: 'ss', priority: 0 }, acceptFor('ratings.state_space@1'));
    expect(ss.map((x) => x.kind)).toEqual(['neighbours']);
  });
});
