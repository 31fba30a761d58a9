import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { HalvingState } from '@nfl-grid/shared/api/plans/halving';
import { main } from '../coordinator/src/cli/main';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import type { Watched } from './support/processes';
import { dbKinds } from './support/test-db';

/*
 * A successive-halving sweep through the whole grid: a coordinator in this process, two real
 * agent processes training train.mlp@1 on the wasm backend. Nine configurations drawn by random
 * search train 1 epoch, the best three continue from their weights for 2 more, the best of those
 * for 6 more (rungs at 1, 3 and 9 epochs). The plan state the API returns is checked against the
 * WUs and canonical outputs in the database.
 */

const SPEC = {
  name: 'halving sweep', kernel: 'train.mlp@1', seed: 11,
  params: { fold: { testSeason: 2019 }, hidden: [8], maxRows: 800, batchSize: 64, optimizer: { name: 'adam' } },
  search: { samples: 9, space: { 'optimizer.learningRate': { logUniform: [1e-4, 3e-2] }, activation: { choice: ['relu', 'tanh'] } } },
  plan: { kind: 'halving', eta: 3, minEpochs: 1, maxEpochs: 9 },
  policy: { minQuorum: 1, adaptive: false, delayBoundSeconds: 900 },
};

let grid: TestGrid | null = null;
const agents: Watched[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.kill('SIGKILL')));
  await grid?.stop();
  grid = null;
});

describe.each(dbKinds())('successive halving through the grid (%s)', (kind) => {
  it('runs rungs of 9, 3 and 1 configurations, continuing the lowest validation losses from their weights', async () => {
    grid = await startTestGrid(kind);
    const g = grid;
    const researcher = await g.createUser('sweeper', 'researcher');
    const started = Date.now();
    const sub = await researcher.api.post('/api/v1/batches', SPEC);
    expect(sub.status, sub.text).toBe(201);
    expect(sub.body.wuCount).toBe(9);
    const batchId = sub.body.batchId as string;
    for (const name of ['trainer-a', 'trainer-b']) agents.push(await g.volunteerAgent(name, { intensity: 'inferno' }));

    const done = await eventually(async () => {
      const r = await researcher.api.get(`/api/v1/batches/${batchId}`);
      return r.body.state === 'done' ? r.body : null;
    }, 900_000, 'the halving batch done');
    const seconds = (Date.now() - started) / 1000;
    const state = done.planState as HalvingState;
    expect(done.wuCount).toBe(13);
    expect(done.counts).toMatchObject({ done: 13, failed: 0 });
    expect(state.rungEpochs).toEqual([1, 3, 9]);
    expect(state.configurations).toHaveLength(9);
    expect(new Set(state.configurations.map((c) => JSON.stringify(c))).size).toBe(9);
    expect(state.rungs.map((r) => r.entries.length)).toEqual([9, 3, 1]);
    expect(state.running).toEqual([]);

    const db = g.testDb.db;
    const wus = await db.rows<{ id: number; stage: number; seq: number; priority: number; params: Record<string, unknown>; output: { claimed: { logLoss: number }; model: unknown; epochsRun: number } }>(sql`
      SELECT w.id, w.stage, w.seq, w.priority, w.params, r.output
        FROM work_units w JOIN replicas r ON r.id = w.canonical_replica_id
       WHERE w.batch_id = ${batchId} ORDER BY w.seq`);
    const byId = new Map(wus.map((w) => [Number(w.id), w]));
    for (const [i, rung] of state.rungs.entries()) {
      expect(rung.epochs).toBe([1, 3, 9][i]);
      for (const e of rung.entries) {
        const w = byId.get(e.wuId)!;
        expect(w.stage).toBe(i);
        expect(w.priority).toBe(i); // later rungs dispatch first (batch priority 0)
        // The rung ranks by the validated output's claim, which the coordinator re-scored.
        expect(e.validationLogLoss).toBe(w.output.claimed.logLoss);
        expect(w.params.epochs).toBe([1, 2, 6][i]);
      }
      const continued = rung.entries.filter((e) => e.continued);
      const stopped = rung.entries.filter((e) => !e.continued);
      expect(continued).toHaveLength(i < 2 ? Math.max(1, Math.floor(rung.entries.length / 3)) : 0);
      for (const c of continued) for (const s of stopped) expect(c.validationLogLoss!).toBeLessThanOrEqual(s.validationLogLoss!);
      if (i === 0) continue;
      // Each configuration of this rung continued one of the last, from that WU's returned weights.
      const before = state.rungs[i - 1]!.entries.filter((e) => e.continued);
      expect(rung.entries.map((e) => e.configuration).sort()).toEqual(before.map((e) => e.configuration).sort());
      for (const e of rung.entries) {
        const prev = byId.get(before.find((b) => b.configuration === e.configuration)!.wuId)!;
        const w = byId.get(e.wuId)!;
        expect(w.params.init).toEqual(prev.output.model);
        const { init: _a, epochs: _b, ...rest } = w.params;
        const { init: _c, epochs: _d, ...restBefore } = prev.params;
        expect(rest).toEqual(restBefore);
      }
    }
    const last = state.rungs[2]!.entries[0]!;
    expect(state.best).toEqual({ configuration: last.configuration, validationLogLoss: last.validationLogLoss, epochs: 9, wuId: last.wuId });

    const out: string[] = [];
    const code = await main(['--coordinator', g.url, '--api-key', researcher.key, 'batch', batchId], { out: (s) => void out.push(s), err: () => {}, env: {}, cwd: process.cwd() });
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/rungs at 1, 3, 9 epochs/);
    expect(text).toMatch(/Rung 2 \(9 epochs in all\)/);
    expect(text).toContain(`Best: configuration ${last.configuration}`);
    // The figures of the run, for the record.
    console.log(JSON.stringify({ kind, configurations: 9, rungs: 3, wus: done.wuCount, bestValidationLogLoss: state.best!.validationLogLoss, rungZeroBest: Math.min(...state.rungs[0]!.entries.map((e) => e.validationLogLoss!)), seconds }));
    console.log(text);
  }, 1_000_000);
});
