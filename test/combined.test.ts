import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { combineResults } from '@nfl-grid/shared/combine/combine';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { dbKinds } from './support/test-db';

/*
 * A batch's Monte Carlo WUs merged on the real grid path: an mc.bankroll batch split into WUs,
 * run by nfl-agent processes with quorum 2, validated and assimilated, then read back merged from
 * GET /batches/:id/combined — and compared with the same merge of the WUs run here.
 */

const bankroll = getKernel('mc.bankroll@1');
const data = loadLocalKernelData(DEFAULT_DATA_DIR, ['spreadspoke.games']);

let grid: TestGrid | null = null;
afterEach(async () => {
  await grid?.stop();
  grid = null;
});

describe.each(dbKinds())('combined figures on the grid (%s)', (kind) => {
  it('merges a 4-WU quarter-Kelly batch run by two agents exactly as the local merge of those WUs', async () => {
    grid = await startTestGrid(kind);
    const researcher = await grid.createUser('alice', 'researcher');
    await Promise.all(['vol-a', 'vol-b'].map((n) => grid!.volunteerAgent(n)));
    const submit = await researcher.api.post('/api/v1/batches', {
      name: 'quarter Kelly, 4 × 1500 scenarios', kernel: 'mc.bankroll', seed: 2024,
      params: { seasonFrom: 2015, seasonTo: 2017, strategy: 'kelly', fraction: 0.25, skill: 1, nBets: 300, nScenarios: 1500, scenariosPerStep: 500 },
      replicates: 4, policy: { minQuorum: 2, delayBoundSeconds: 300, adaptive: false },
    });
    expect(submit.status).toBe(201);
    const batchId = submit.body.batchId as string;
    await eventually(async () => (await researcher.api.get(`/api/v1/batches/${batchId}`)).body.state === 'done', 180_000, 'batch done');

    // The same WUs run here and merged by the shared code, first: this blocks the test's process
    // (and the in-process coordinator) for seconds, so keep-alive timers of both ends expire
    // unseen. It must not fall between the two reads, and a pause after it lets those timers
    // close the idle connection before the next request could reuse it (ECONNRESET).
    const wus = await grid.testDb.db.rows<{ id: number; seq: number; seed: number; params: any }>(sql`
      SELECT id, seq, seed, params FROM work_units WHERE batch_id = ${batchId} ORDER BY seq`);
    const local = combineResults(wus.map((w) => ({
      wuId: Number(w.id), seq: w.seq, kernel: 'mc.bankroll@1', params: w.params,
      output: runKernelSync(bankroll, bankroll.paramsSchema.parse(w.params), Number(w.seed), data),
    })), { resamples: 2000, level: 0.95, seed: 7 });
    await new Promise((r) => setTimeout(r, 100));

    const res = await researcher.api.get(`/api/v1/batches/${batchId}/combined?resamples=2000&seed=7`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ kernel: 'mc.bankroll@1', wuCount: 4, results: 4, included: 4, complete: true, cached: false, excluded: [] });
    expect(res.body.groups).toEqual(JSON.parse(JSON.stringify(local.groups)));
    const f = res.body.groups[0].figures;
    expect(f.scenarios).toBe(6000);
    expect(f.cvar95.estimate).toBeGreaterThanOrEqual(f.var95.estimate);
    for (const iv of [f.var95, f.cvar95, f.maxDrawdown.mean, f.sharpePerBet, f.pProfit]) {
      expect(iv.lower).toBeLessThanOrEqual(iv.estimate);
      expect(iv.upper).toBeGreaterThanOrEqual(iv.estimate);
    }
    expect((await researcher.api.get(`/api/v1/batches/${batchId}/combined?resamples=2000&seed=7`)).body.cached).toBe(true);
  }, 240_000);
});
