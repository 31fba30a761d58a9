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
 * agent processes training train.mlp@1 on the wasm backend. Six configurations drawn by random
 * search train 1 epoch, the best three continue from their weights for 1 more, the best of those
 * for 2 more (rungs at 1, 2 and 4 epochs). The plan state the API returns is checked against the
 * WUs and canonical outputs in the database.
 */

const SPEC = {
  name: 'halving sweep', kernel: 'train.mlp@1', seed: 11,
  params: { fold: { testSeason: 2019 }, hidden: [8], maxRows: 2000, batchSize: 32, optimizer: { name: 'adam' } },
  search: { samples: 6, space: { 'optimizer.learningRate': { logUniform: [1e-3, 3e-2] }, activation: { choice: ['relu', 'tanh'] } } },
  plan: { kind: 'halving', eta: 2, minEpochs: 1, maxEpochs: 4 },
  // One replica and no retry: a result the validator finds invalid (a model worse than the
  // baseline on the held-out season by more than the margin) fails its WU, and its
  // configuration is dropped at the rung instead of being trained again.
  policy: { minQuorum: 1, adaptive: false, delayBoundSeconds: 900, maxTotalReplicas: 1, maxErrorReplicas: 0 },
};

let grid: TestGrid | null = null;
const agents: Watched[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.kill('SIGKILL')));
  await grid?.stop();
  grid = null;
});

// Training dominates this run, not the database: it runs on the last database kind (PostgreSQL in CI);
// the plan's database work is tested on both in coordinator/src/routes/batch-halving.test.ts.
describe.each([dbKinds().at(-1)!])('successive halving through the grid (%s)', (kind) => {
  it('runs rungs of 6, 3 and 1 configurations, continuing the lowest validation losses from their weights', async () => {
    grid = await startTestGrid(kind);
    const g = grid;
    const researcher = await g.createUser('sweeper', 'researcher');
    const started = Date.now();
    const sub = await researcher.api.post('/api/v1/batches', SPEC);
    expect(sub.status, sub.text).toBe(201);
    expect(sub.body.wuCount).toBe(6);
    const batchId = sub.body.batchId as string;
    for (const name of ['trainer-a', 'trainer-b']) agents.push(await g.volunteerAgent(name, { intensity: 'inferno' }));

    // Progress by rung and state every 30 s, so a slow or stuck sweep shows where it is.
    const progress = setInterval(() => {
      g.testDb.db.rows(sql`SELECT w.stage, w.state::text AS state, r.validate_state::text AS v, r.check->>'reason' AS reason FROM work_units w LEFT JOIN replicas r ON r.wu_id = w.id WHERE w.batch_id = ${batchId} ORDER BY w.seq`)
        .then((rows) => console.log(`halving progress ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(rows)}`), () => {});
    }, 30_000);
    const done = await eventually(async () => {
      const r = await researcher.api.get(`/api/v1/batches/${batchId}`);
      return r.body.state === 'done' ? r.body : null;
    }, 900_000, 'the halving batch done').finally(() => clearInterval(progress));
    const seconds = (Date.now() - started) / 1000;
    const state = done.planState as HalvingState;
    const sizes = state.rungs.map((r) => r.entries.length);
    expect(done.wuCount).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(done.counts.done + done.counts.failed).toBe(done.wuCount);
    expect(state.rungEpochs).toEqual([1, 2, 4]);
    expect(state.configurations).toHaveLength(6);
    expect(new Set(state.configurations.map((c) => JSON.stringify(c))).size).toBe(6);
    expect(sizes[0]).toBe(6);
    expect(state.running).toEqual([]);
    const db = g.testDb.db;
    const wus = await db.rows<{ id: number; stage: number; seq: number; priority: number; params: Record<string, unknown>; output: { claimed: { logLoss: number }; model: unknown; epochsRun: number } }>(sql`
      SELECT w.id, w.stage, w.seq, w.priority, w.params, r.output
        FROM work_units w LEFT JOIN replicas r ON r.id = w.canonical_replica_id
       WHERE w.batch_id = ${batchId} ORDER BY w.seq`);
    const byId = new Map(wus.map((w) => [Number(w.id), w]));
    for (const [i, rung] of state.rungs.entries()) {
      expect(rung.epochs).toBe([1, 2, 4][i]);
      for (const e of rung.entries) {
        const w = byId.get(e.wuId)!;
        expect(w.stage).toBe(i);
        expect(w.priority).toBe(i); // later rungs dispatch first (batch priority 0)
        // The rung ranks by the validated output's claim, which the coordinator re-scored.
        expect(e.validationLogLoss).toBe(w.output?.claimed.logLoss ?? null);
        expect(w.params.epochs).toBe([1, 1, 2][i]);
      }
      const continued = rung.entries.filter((e) => e.continued);
      const stopped = rung.entries.filter((e) => !e.continued);
      const scored = rung.entries.filter((e) => e.validationLogLoss !== null).length;
      expect(continued).toHaveLength(i < 2 ? Math.min(scored, Math.max(1, Math.floor(rung.entries.length / 2))) : 0);
      for (const c of continued) for (const s of stopped) expect(c.validationLogLoss!).toBeLessThanOrEqual(s.validationLogLoss ?? Infinity);
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
    const lastRung = state.rungs[state.rungs.length - 1]!;
    const last = lastRung.entries.filter((e) => e.validationLogLoss !== null).sort((a, b) => a.validationLogLoss! - b.validationLogLoss!)[0]!;
    expect(state.best).toEqual({ configuration: last.configuration, validationLogLoss: last.validationLogLoss, epochs: lastRung.epochs, wuId: last.wuId });

    const out: string[] = [];
    const code = await main(['--coordinator', g.url, '--api-key', researcher.key, 'batch', batchId], { out: (s) => void out.push(s), err: () => {}, env: {}, cwd: process.cwd() });
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/rungs at 1, 2, 4 epochs/);
    expect(text).toMatch(/Rung 0 \(1 epochs in all\)/);
    expect(text).toContain(`Best: configuration ${last.configuration}`);
    // The figures of the run, for the record.
    console.log(JSON.stringify({ kind, configurations: 6, rungs: state.rungs.length, wus: done.wuCount, failed: done.counts.failed, bestValidationLogLoss: state.best!.validationLogLoss, rungZeroBest: Math.min(...state.rungs[0]!.entries.flatMap((e) => (e.validationLogLoss === null ? [] : [e.validationLogLoss]))), seconds }));
    console.log(text);
  }, 1_000_000);
});
