import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gamestateDatasets, GAMESTATE_SEASONS } from '@nfl-grid/shared/data/gamestate/datasets';
import { playsDataset, type ParsedPlays } from '@nfl-grid/shared/data/gamestate/plays';
import { mergeReports } from '@nfl-grid/shared/data/gamestate/quality';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { MLP_FORMAT } from '@nfl-grid/shared/models/mlp-artifact';
import { dbKinds } from '../../../test/support/test-db';
import { coverModelBody } from '../../../test/support/models';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';
import { pipelineRuns } from '../db/schema/index';

/** One sigmoid unit on the state features that reads coverZ alone: every other weight is 0. */
const coverZOnly = () => ({
  format: MLP_FORMAT, features: ['t', 'lead', 'line', 'leadVsLine', 'coverZ'],
  scaler: { mean: [0, 0, 0, 0, 0], sd: [1, 1, 1, 1, 1] },
  layers: [{ inputs: 5, units: 1, activation: 'sigmoid', weights: [0, 0, 0, 0, 0.08], bias: [0] }],
});

describe.each(dbKinds())('data pipeline routes (%s)', (kind) => {
  let t: TestApp;
  let res: { id: string; key: string };
  let vol: { id: string; key: string };

  beforeAll(async () => {
    t = await openTestApp(kind);
    res = await t.user('rita', 'researcher');
    vol = await t.user('vic', 'volunteer');
  });
  afterAll(async () => t?.close());

  it('keeps a strict preprocessing config that only admins change, audit-logged', async () => {
    const first = await t.call('GET', '/api/data/preprocessing/config', { key: res.key });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ config: { seasons: [...GAMESTATE_SEASONS], keepOvertime: true, keepPlayoffs: true, push: 'drop', featureSet: 'state' }, updatedAt: null });
    expect((await t.call('GET', '/api/data/preprocessing/config', { key: vol.key })).status).toBe(403);

    const config = { seasons: [2019, 2018], keepOvertime: false, keepPlayoffs: true, push: 'drop', featureSet: 'full' };
    expect((await t.call('PUT', '/api/data/preprocessing/config', { key: res.key, body: config })).status).toBe(403);
    const bad = async (body: unknown) => (await t.call('PUT', '/api/data/preprocessing/config', { body })).body.error;
    expect(await bad({ ...config, colour: 'red' })).toMatchObject({ code: 'invalid_field', field: 'colour' });
    expect(await bad({ ...config, seasons: [2019, 2024] })).toMatchObject({ field: 'seasons.1' });
    expect(await bad({ ...config, seasons: [2019, 2019] })).toMatchObject({ field: 'seasons' });
    expect(await bad({ ...config, push: 'half' })).toMatchObject({ field: 'push' });
    expect(await bad({ ...config, featureSet: 'weather' })).toMatchObject({ field: 'featureSet' });
    const { keepPlayoffs: _, ...partial } = config;
    expect(await bad(partial)).toMatchObject({ field: 'keepPlayoffs' });

    const put = await t.call('PUT', '/api/data/preprocessing/config', { body: config });
    expect(put.status).toBe(200);
    expect(put.body.config).toEqual(config);
    expect((await t.call('GET', '/api/data/preprocessing/config', { key: res.key })).body).toMatchObject({ config, updatedBy: put.body.updatedBy });
    const [ev] = await t.grid.db.rows<{ kind: string; data: { before: unknown; after: unknown } }>(sql`SELECT kind, data FROM events WHERE kind = 'data.preprocessing_config' ORDER BY id DESC LIMIT 1`);
    expect(ev).toMatchObject({ data: { before: null, after: config } });
  });

  it('runs the pipeline, stores the run and reports the parser\'s figures', async () => {
    const none = await t.call('GET', '/api/data/pipeline/status', { key: res.key });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ lastRun: null, running: false });
    expect(none.body.datasets.map((d: { name: string }) => d.name)).toEqual(gamestateDatasets(GAMESTATE_SEASONS));
    for (const d of none.body.datasets) expect(d).toMatchObject({ present: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: expect.any(Number) });
    expect((await t.call('POST', '/api/data/pipeline/run', { key: vol.key })).status).toBe(403);

    const run = await t.call('POST', '/api/data/pipeline/run', { key: res.key });
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ state: 'succeeded', startedBy: res.id, config: { seasons: [2019, 2018], keepOvertime: false, featureSet: 'full' } });
    expect(run.body.durationMs).toBeGreaterThanOrEqual(0);

    // the parser's own report over the same seasons
    const data = loadLocalKernelData(DEFAULT_DATA_DIR, gamestateDatasets([2018, 2019]));
    const parsed = [2018, 2019].map((s) => data.dataset<ParsedPlays>(playsDataset(s)));
    const expected = mergeReports(parsed.map((p) => p.report));
    const report = run.body.report;
    expect(report.quality).toEqual(expected);
    expect(report.quality.rowsRead).toBe(report.quality.rowsKept + Object.values(report.quality.dropped as Record<string, number>).reduce((a, b) => a + b, 0));
    const overtime = parsed.flatMap((p) => p.rows).filter((r) => r.qtr >= 5).length;
    expect(overtime).toBeGreaterThan(0);
    expect(report.filtered).toEqual({ overtime, playoffs: 0 });
    expect(report.rowsOut).toBe(expected.rowsKept - overtime);
    expect(report.features).toMatchObject({ set: 'full', rows: report.rowsOut });
    expect(report.features.names).toContain('down');
    expect(report.features.missing.t).toBe(0);
    expect(report.features.missing.down).toBeGreaterThan(0);
    expect(report.features.mean.line).toBeGreaterThan(0);
    expect(Object.keys(run.body.dataHashes).sort()).toEqual(gamestateDatasets([2019, 2018]).sort());

    const status = await t.call('GET', '/api/data/pipeline/status', { key: res.key });
    expect(status.body.lastRun).toMatchObject({ id: run.body.id, state: 'succeeded', report: { rowsOut: report.rowsOut } });
    expect(status.body.datasets.find((d: { name: string }) => d.name === 'gamestate.plays_2019').sha256).toBe(run.body.dataHashes['gamestate.plays_2019']);
  });

  it('refuses a run while another is going', async () => {
    const both = await Promise.all([t.call('POST', '/api/data/pipeline/run'), t.call('POST', '/api/data/pipeline/run')]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const [going] = await t.grid.db.orm.insert(pipelineRuns).values({ config: {} }).returning();
    try {
      expect((await t.call('GET', '/api/data/pipeline/status')).body.running).toBe(true);
      const r = await t.call('POST', '/api/data/pipeline/run');
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('pipeline_running');
    } finally {
      await t.grid.db.rows(sql`DELETE FROM pipeline_runs WHERE id = ${going!.id}`);
    }
  });

  it('explains the analytic baseline on its inputs', async () => {
    const r = await t.call('GET', '/api/data/features/explain?rows=500&repeats=3&seed=4', { key: res.key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ model: { name: 'cover-baseline', id: null }, season: 2019, rows: 500, repeats: 3, seed: 4, metric: 'log_loss' });
    expect(r.body.seasonPlays).toBeGreaterThan(40_000);
    expect(r.body.features.map((f: { feature: string }) => f.feature).sort()).toEqual(['lead', 'line', 't']);
    const lead = r.body.features.find((f: { feature: string }) => f.feature === 'lead');
    expect(lead.importance).toBeGreaterThan(0.05);
    expect(lead.repeats).toHaveLength(3);
    expect(r.body.features[0].feature).toBe('lead');
    expect((await t.call('GET', '/api/data/features/explain?rows=500&repeats=3&seed=4', { key: res.key })).body.features).toEqual(r.body.features);
  });

  it('checks the explain query', async () => {
    const err = async (q: string, key: string | undefined = res.key) => (await t.call('GET', `/api/data/features/explain?${q}`, { key })).body.error;
    expect(await err('repeats=50')).toMatchObject({ code: 'invalid_field', field: 'repeats' });
    expect(await err('rows=10')).toMatchObject({ field: 'rows' });
    expect(await err('season=2030')).toMatchObject({ field: 'season' });
    expect(await err('season=2015')).toMatchObject({ code: 'not_held_out', field: 'season' });
    expect(await err('colour=red')).toMatchObject({ field: 'colour' });
    expect((await t.call('GET', '/api/data/features/explain', { key: vol.key })).status).toBe(403);
  });

  it('gives importance 0 to every feature a served network ignores', async () => {
    const reg = await t.call('POST', '/api/v1/models', { body: coverModelBody(coverZOnly()) });
    expect(reg.status).toBe(201);
    const promoted = await t.call('POST', `/api/v1/models/${reg.body.id}/promote`, { body: { override: { reason: 'explain test' } } });
    expect(promoted.body.promoted).toBe(true);
    const r = await t.call('GET', '/api/data/features/explain?season=2019&rows=1000&repeats=2&seed=9', { key: res.key });
    expect(r.status).toBe(200);
    expect(r.body.model).toMatchObject({ id: reg.body.id, name: 'cover', format: MLP_FORMAT });
    const by = Object.fromEntries(r.body.features.map((f: { feature: string }) => [f.feature, f]));
    for (const f of ['t', 'lead', 'line', 'leadVsLine']) expect(by[f]).toEqual({ feature: f, importance: 0, sd: 0, repeats: [0, 0] });
    expect(by.coverZ.importance).toBeGreaterThan(0.05);
    expect(r.body.features[0].feature).toBe('coverZ');
  });
});
