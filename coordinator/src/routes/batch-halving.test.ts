import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '../../../test/support/test-db';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';
import { benchSpec } from '../../../test/support/volunteers';

/* Submitting sweeps: random search, and halving plans with bad fields refused naming the field. */

const sweep = (over: Record<string, unknown> = {}) => ({
  name: 'sweep', kernel: 'train.mlp@1', seed: 4,
  params: { fold: { testSeason: 2019 }, hidden: [8], maxRows: 500, optimizer: { name: 'adam' } },
  search: { samples: 6, space: { 'optimizer.learningRate': { logUniform: [1e-4, 1e-2] }, batchSize: { choice: [32, 64] } } },
  plan: { kind: 'halving', eta: 2, minEpochs: 1, maxEpochs: 4 },
  policy: { minQuorum: 1, adaptive: false },
  ...over,
});

describe.each(dbKinds())('sweep submissions (%s)', (kind) => {
  let t: TestApp;
  let alice: { id: string; key: string };
  beforeAll(async () => {
    t = await openTestApp(kind);
    alice = await t.user('alice', 'researcher');
  });
  afterAll(async () => t?.close());

  it('opens rung 0 of a halving batch: the drawn configurations at minEpochs, the same for the same seed', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await t.call('POST', '/api/v1/batches', { key: alice.key, body: sweep() });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.wuCount).toBe(6);
      ids.push(r.body.batchId);
    }
    const params = async (id: string) => (await t.grid.db.rows<{ params: Record<string, unknown>; stage: number }>(sql`SELECT params, stage FROM work_units WHERE batch_id = ${id} ORDER BY seq`));
    const [a, b] = [await params(ids[0]!), await params(ids[1]!)];
    expect(a).toEqual(b);
    expect(a.every((w) => w.stage === 0 && w.params.epochs === 1)).toBe(true);
    expect(new Set(a.map((w) => (w.params.optimizer as { learningRate: number }).learningRate)).size).toBe(6);
    const got = await t.call('GET', `/api/v1/batches/${ids[0]}`, { key: alice.key });
    expect(got.body).toMatchObject({ wuCount: 6, planState: null, spec: { plan: { kind: 'halving', eta: 2 } } });
  });

  it('runs a random search without a plan', async () => {
    const r = await t.call('POST', '/api/v1/batches', { key: alice.key, body: sweep({ plan: undefined, replicates: 2 }) });
    expect(r.status).toBe(201);
    expect(r.body.wuCount).toBe(12);
  });

  it.each([
    ['eta below 2', sweep({ plan: { kind: 'halving', eta: 1, minEpochs: 1, maxEpochs: 4 } }), 'plan.eta', 'invalid_field'],
    ['no minEpochs', sweep({ plan: { kind: 'halving', maxEpochs: 4 } }), 'plan.minEpochs', 'invalid_field'],
    ['maxEpochs below minEpochs', sweep({ plan: { kind: 'halving', minEpochs: 5, maxEpochs: 4 } }), 'plan.maxEpochs', 'invalid_field'],
    ['an unknown plan field', sweep({ plan: { kind: 'halving', minEpochs: 1, maxEpochs: 4, rungs: 3 } }), 'plan', 'invalid_field'],
    ['epochs in the params', sweep({ params: { fold: { testSeason: 2019 }, epochs: 3 } }), 'params.epochs', 'bad_plan'],
    ['epochs in the search space', sweep({ search: { samples: 3, space: { epochs: { int: [1, 5] } } } }), 'search.space.epochs', 'bad_plan'],
    ['replicates', sweep({ replicates: 2 }), 'replicates', 'bad_plan'],
    ['another kernel', benchSpec({ plan: { kind: 'halving', minEpochs: 1, maxEpochs: 4 } }), 'kernel', 'bad_plan'],
    ['a drawn value the kernel refuses', sweep({ search: { samples: 3, space: { batchSize: { int: [0, 0] } } } }), 'search[0].batchSize', 'bad_params'],
    ['a search and a grid', sweep({ grid: { hidden: [[8]] } }), 'search', 'invalid_field'],
    ['a reversed range', sweep({ search: { samples: 3, space: { batchSize: { uniform: [9, 1] } } } }), 'search.space.batchSize.uniform', 'invalid_field'],
    ['an empty space', sweep({ search: { samples: 3, space: {} } }), 'search.space', 'invalid_field'],
  ])('refuses %s (400 naming the field)', async (_what, body, field, code) => {
    const r = await t.call('POST', '/api/v1/batches', { key: alice.key, body });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error).toMatchObject({ code, field });
  });
});
