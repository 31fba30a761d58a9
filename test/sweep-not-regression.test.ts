import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchSpec, type BatchSpecInput } from '@nfl-grid/shared/api/batch';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { extractMetric } from '@nfl-grid/shared/performance/metric-specs';
import { assimilatorPass } from '../coordinator/src/daemons/assimilator';
import { validatorPass } from '../coordinator/src/daemons/validator';
import { submitBatch } from '../coordinator/src/queue/submit-batch';
import { makeHost, makeUser, openTestGrid, q, type TestGrid, type TestHost } from './support/grid-fixtures';
import { simulateHost } from './support/volunteers';
import { dbKinds } from './support/test-db';

/*
 * Milestones' regression rule: a sweep exploring is not a regression. A sweep batch tried best
 * first leaves a worse configuration as the model's latest result; it is compared to the best
 * (the record) but not tested or flagged. The same worse configuration submitted alone afterwards
 * is a regression.
 */

const SS = 'ratings.state_space@1';
const kernel = getKernel(SS);
const base = { seasonFrom: 2017, seasonTo: 2024, evalFrom: 2018, evalTo: 2024, cv: 'loyo' };
const data = loadLocalKernelData(DEFAULT_DATA_DIR, kernel.datasets(kernel.paramsSchema.parse(base)));
const cache = new Map<string, unknown>();
const run = (params: unknown, seed: number) => {
  const k = JSON.stringify(params);
  if (!cache.has(k)) cache.set(k, runKernelSync(kernel, params, seed, data));
  return cache.get(k);
};
const metricOf = (qv: number) => {
  const params = kernel.paramsSchema.parse({ ...base, q: qv }) as Record<string, unknown>;
  return extractMetric(SS, params, run(params, 0))!.value;
};

describe.each(dbKinds())('regression milestones and sweeps (%s)', (kind) => {
  let t: TestGrid;
  let researcher: string;
  let hosts: TestHost[];
  const submit = (spec: BatchSpecInput) => submitBatch(t.grid, researcher, BatchSpec.parse(spec));
  const runAll = async () => {
    for (let i = 0; i < 10; i++) {
      let n = 0;
      for (const h of hosts) n += (await simulateHost(t.grid, h, { behaviour: (c) => run(c.params, c.seed) })).claimed.length;
      while (await validatorPass(t.grid) > 0) { /* drain */ }
      while (await assimilatorPass(t.grid) > 0) { /* drain */ }
      if (n === 0) return;
    }
  };
  const model = async () => (await q(t.db, sql`SELECT current, best, regression_p FROM performance_models`))[0]!;
  const regressions = () => q(t.db, sql`SELECT wu_id FROM performance_milestones WHERE kind = 'regression'`);

  beforeAll(async () => {
    t = await openTestGrid(kind);
    researcher = await makeUser(t.db, { role: 'researcher' });
    hosts = [await makeHost(t.db, { kernels: [SS] }), await makeHost(t.db, { kernels: [SS] })];
  });
  afterAll(async () => { await t?.close(); });

  it('does not flag the worse configurations of a sweep', async () => {
    await submit({ name: 'q sweep, best first', kernel: SS, params: base, units: [{ params: { q: 0.4 } }, { params: { q: 25 } }], policy: { minQuorum: 2, adaptive: false } });
    await runAll();
    // The latest result is the sweep's worse configuration, far worse than its best in every season.
    expect(await model()).toMatchObject({ current: metricOf(25), best: metricOf(0.4), regression_p: null });
    expect(await regressions()).toEqual([]);
  });

  it('flags the same configuration submitted alone after it', async () => {
    await submit({ name: 'q=25 again', kernel: SS, params: { ...base, q: 25 }, policy: { minQuorum: 2, adaptive: false } });
    await runAll();
    const m = await model();
    expect(m).toMatchObject({ current: metricOf(25), best: metricOf(0.4) });
    expect(m.regression_p).toBeCloseTo(1 / 128, 12);
    expect(await regressions()).toHaveLength(1);
  });
});
