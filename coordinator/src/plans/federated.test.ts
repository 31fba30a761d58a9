import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '../../../test/support/test-db';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';

/*
 * Submitting a federated plan: round 0 is one train.mlp WU per shard, all from the same seed
 * (so the same initial weights), each naming its shard; bad plan fields, and specs the plan
 * cannot run, are 400 naming the field.
 */

const PARAMS = { fold: { testSeason: 2019 }, hidden: [8], maxRows: 2000, epochs: 2, batchSize: 64 };
const spec = (over: Record<string, unknown> = {}) => ({
  name: 'fedavg', kernel: 'train.mlp@1', seed: 5, params: PARAMS,
  policy: { minQuorum: 1, adaptive: false }, plan: { kind: 'federated', shards: 3, rounds: 4, patience: 2 }, ...over,
});

describe.each(dbKinds())('federated plan at submit (%s)', (kind) => {
  let t: TestApp;
  let res: { id: string; key: string };
  beforeAll(async () => {
    t = await openTestApp(kind);
    res = await t.user('rhea', 'researcher');
  });
  afterAll(async () => t?.close());

  it('opens round 0: one WU per shard, one seed, no init', async () => {
    const sub = await t.call('POST', '/api/v1/batches', { key: res.key, body: spec() });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    expect(sub.body.wuCount).toBe(3);
    const wus = await t.grid.db.rows<{ seq: number; stage: number; seed: number; params: Record<string, unknown> }>(sql`
      SELECT seq, stage, seed, params FROM work_units WHERE batch_id = ${sub.body.batchId} ORDER BY seq`);
    expect(wus.map((w) => [w.seq, w.stage, w.params.shard])).toEqual([[0, 0, { index: 0, count: 3 }], [1, 0, { index: 1, count: 3 }], [2, 0, { index: 2, count: 3 }]]);
    expect(new Set(wus.map((w) => Number(w.seed))).size).toBe(1);
    expect(wus.every((w) => w.params.init === undefined && w.params.epochs === 2)).toBe(true);
    const got = await t.call('GET', `/api/v1/batches/${sub.body.batchId}`, { key: res.key });
    expect(got.body).toMatchObject({ wuCount: 3, planState: null, spec: { plan: { kind: 'federated', shards: 3, rounds: 4, patience: 2, minDelta: 0 } } });
  });

  it.each([
    ['plan.shards', { plan: { kind: 'federated', shards: 1, rounds: 3 } }],
    ['plan.rounds', { plan: { kind: 'federated', shards: 2, rounds: 0 } }],
    ['plan.rounds', { plan: { kind: 'federated', shards: 2 } }],
    ['plan.patience', { plan: { kind: 'federated', shards: 2, rounds: 3, patience: 'two' } }],
    ['plan.minDelta', { plan: { kind: 'federated', shards: 2, rounds: 3, minDelta: -1 } }],
    ['kernel', { kernel: 'bench.hash@1', params: { rounds: 10, steps: 1 } }],
    ['grid', { grid: { epochs: [1, 2] } }],
    ['units', { units: [{ params: {} }] }],
    ['replicates', { replicates: 2 }],
    ['params.shard', { params: { ...PARAMS, shard: { index: 0, count: 2 } } }],
    ['params.epochs', { params: { ...PARAMS, epochs: 0 } }],
  ])('refuses a bad %s with 400 naming it', async (field, over) => {
    const r = await t.call('POST', '/api/v1/batches', { key: res.key, body: spec(over) });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error.field).toBe(field);
  });

  it('refuses an unknown plan field, naming it', async () => {
    const r = await t.call('POST', '/api/v1/batches', { key: res.key, body: spec({ plan: { kind: 'federated', shards: 2, rounds: 3, localEpochs: 2 } }) });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('plan');
    expect(r.body.error.message).toMatch(/localEpochs/);
  });
});
