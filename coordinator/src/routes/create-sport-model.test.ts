import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '../../../test/support/test-db';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';

const PATH = '/api/models/create-sport-model';

describe.each(dbKinds())('POST /api/models/create-sport-model (%s)', (kind) => {
  let t: TestApp;
  let researcher: { id: string; key: string };
  const unitsOf = (batchId: string) => t.grid.db.rows<{ params: Record<string, unknown>; kernel: string }>(
    sql`SELECT params, kernel || '@' || kernel_version AS kernel FROM work_units WHERE batch_id = ${batchId} ORDER BY seq`);

  beforeAll(async () => {
    t = await openTestApp(kind);
    researcher = await t.user('rosa', 'researcher');
  });
  afterAll(async () => t?.close());

  it('submits one fold of the cover network and says what will be registered', async () => {
    const r = await t.call('POST', PATH, { key: researcher.key, body: { sport: 'nfl', model_type: 'cover', model_name: 'cover net 2019', test_season: 2019, epochs: 3, min_quorum: 1 } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ work_units: 1, kernel: 'train.mlp@1', registers: { name: 'cover', state: 'candidate', heldOutSeasons: [2019] } });
    expect(r.body.estimated_hours).toBeGreaterThan(0);
    const batch = await t.call('GET', `/api/v1/batches/${r.body.batch_id}`, { key: researcher.key });
    expect(batch.body).toMatchObject({ name: 'cover net 2019', kernel: 'train.mlp@1', wuCount: 1 });
    const [wu] = await unitsOf(r.body.batch_id);
    expect(wu!.params).toMatchObject({ fold: { testSeason: 2019 }, epochs: 3, featureSet: 'state', hidden: [64, 32], maxRows: 60_000 });
    const [b] = await t.grid.db.rows<{ spec: { policy: { minQuorum: number } } }>(sql`SELECT spec FROM batches WHERE id = ${r.body.batch_id}`);
    expect(b!.spec.policy.minQuorum).toBe(1);
  });

  it('submits every leave-one-season-out fold by default, for the network and the baseline', async () => {
    const net = await t.call('POST', PATH, { body: { sport: 'NFL', model_type: 'cover', model_name: 'cover LOSO' } });
    expect(net.status).toBe(201);
    expect(net.body.work_units).toBe(11);
    expect((await unitsOf(net.body.batch_id)).map((u) => (u.params.fold as { testSeason: number }).testSeason)).toEqual([2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019]);
    const base = await t.call('POST', PATH, { body: { sport: 'NFL', model_type: 'cover_baseline', model_name: 'baseline LOSO', test_season: 2015 } });
    expect(base.status).toBe(201);
    expect(base.body).toMatchObject({ kernel: 'cover.baseline@1', work_units: 1, registers: { heldOutSeasons: [2015] } });
    const [wu] = await unitsOf(base.body.batch_id);
    expect(wu).toMatchObject({ kernel: 'cover.baseline@1', params: { testSeasons: [2015] } });
    expect(wu!.params.sigma).toBeUndefined(); // fitted on the other seasons, so the result is offered to the registry
  });

  it('answers 400 naming the field for what the grid cannot train, with what it can', async () => {
    const nba = await t.call('POST', PATH, { body: { sport: 'NBA', model_type: 'ensemble', model_name: 'nba' } });
    expect(nba.status).toBe(400);
    expect(nba.body.error).toMatchObject({ code: 'not_trainable', field: 'sport' });
    expect(nba.body.error.message).toContain('NFL/cover, NFL/cover_baseline');
    const lstm = await t.call('POST', PATH, { body: { sport: 'NFL', model_type: 'lstm_weather', model_name: 'lstm' } });
    expect(lstm.body.error).toMatchObject({ code: 'not_trainable', field: 'model_type' });
    const cases: [Record<string, unknown>, string][] = [
      [{ sport: 'NFL', model_type: 'cover', model_name: 'x', colour: 'red' }, 'colour'],
      [{ sport: 'NFL', model_type: 'cover' }, 'model_name'],
      [{ sport: 'NFL', model_type: 'cover', model_name: 'x', test_season: 2030 }, 'test_season'],
      [{ sport: 'NFL', model_type: 'cover', model_name: 'x', epochs: 0 }, 'epochs'],
      [{ sport: 'NFL', model_type: 'cover_baseline', model_name: 'x', epochs: 5 }, 'epochs'],
      [{ sport: 7, model_type: 'cover', model_name: 'x' }, 'sport'],
    ];
    for (const [body, field] of cases) {
      const r = await t.call('POST', PATH, { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field, JSON.stringify(body)).toBe(field);
    }
    const [{ n }] = await t.grid.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM batches WHERE name IN ('nba', 'lstm', 'x')`);
    expect(n).toBe(0);
  });

  it('is for researchers and admins', async () => {
    const vol = await t.user('val', 'volunteer');
    const body = { sport: 'NFL', model_type: 'cover', model_name: 'v', test_season: 2019 };
    expect((await t.call('POST', PATH, { key: vol.key, body })).status).toBe(403);
    expect((await t.call('POST', PATH, { key: null, body })).status).toBe(401);
  });

  it('lists the baseline among the NFL model types', async () => {
    const r = await t.call('GET', '/api/models/sport-features/NFL/cover_baseline', { key: researcher.key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ model_type: 'cover_baseline', features: ['lead', 'line', 't'], defaults: { kernel: 'cover.baseline@1' } });
  });
});
