import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR } from '@nfl-grid/shared/data/local';
import { ENSEMBLE_FORMAT } from '@nfl-grid/shared/models/mlp-ensemble';
import { coverPredictor, parseCoverArtifact } from '../coordinator/src/models/cover-predictor';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import type { Watched } from './support/processes';
import { dbKinds } from './support/test-db';

/*
 * An ensemble batch through the grid: a real agent process trains 2 folds × 2 seeds of
 * train.mlp@1; when the four members are in, the plan registers one nfl-grid.mlp-ensemble/1
 * candidate per fold with the member WUs as lineage and the coordinator's re-scored held-out
 * figures; promoted, /game/inference answers from it. The members start from the shipped model's
 * weights and train one short epoch on 1,000 rows, so they pass the held-out check quickly.
 */

const shipped = JSON.parse(readFileSync(join(DEFAULT_DATA_DIR, 'models', 'cover', 'cover-grid-2019.json'), 'utf8')) as { artifact: unknown };
const params = { featureSet: 'state', hidden: [64, 32], activation: 'relu', init: shipped.artifact, maxRows: 1000, epochs: 1, batchSize: 256 };
const plan = { kind: 'ensemble', testSeasons: [2018, 2019], members: 2, calibration: 'platt' };
const batch = (over: Record<string, unknown> = {}) => ({
  name: 'tiny ensemble', kernel: 'train.mlp@1', seed: 5, params, plan, policy: { minQuorum: 1, adaptive: false, delayBoundSeconds: 900 }, ...over,
});
const state = { time_sec: 2000, hspread: -5, favorite_points: 17, underdog_points: 15 };

describe.each(dbKinds())('ensemble batches (%s)', (kind) => {
  let grid: TestGrid | null = null;
  const agents: Watched[] = [];
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.kill('SIGKILL')));
    await grid?.stop();
    grid = null;
  });

  it('refuses bad plan fields with 400 naming the field', async () => {
    grid = await startTestGrid(kind);
    const researcher = await grid.createUser('res-bad', 'researcher');
    const cases: [Record<string, unknown>, string][] = [
      [{ plan: { ...plan, members: 0 } }, 'plan.members'],
      [{ plan: { ...plan, testSeasons: [] } }, 'plan.testSeasons'],
      [{ plan: { ...plan, testSeasons: [2019, 2019] } }, 'plan.testSeasons'],
      [{ plan: { ...plan, testSeasons: [2008] } }, 'plan.testSeasons.0'],
      [{ plan: { ...plan, calibration: 'isotonic' } }, 'plan.calibration'],
      [{ plan: { ...plan, extra: 1 } }, 'plan'],
      [{ kernel: 'cover.baseline@1', params: {} }, 'kernel'],
      [{ grid: { epochs: [1, 2] } }, 'grid'],
      [{ replicates: 2 }, 'replicates'],
      [{ params: { ...params, epochs: 0 } }, 'params.epochs'],
    ];
    for (const [over, field] of cases) {
      const r = await researcher.api.post('/api/v1/batches', batch(over));
      expect(r.status, `${field}: ${r.text}`).toBe(400);
      expect(r.body.error.field, r.text).toBe(field);
    }
  }, 120_000);

  it('trains 2 folds × 2 seeds through a real agent and registers one served candidate per fold', async () => {
    grid = await startTestGrid(kind);
    const researcher = await grid.createUser('res-ens', 'researcher');
    const r = await researcher.api.post('/api/v1/batches', batch());
    expect(r.status, r.text).toBe(201);
    const batchId = r.body.batchId as string;
    agents.push(await grid.volunteerAgent('trainer', { intensity: 'high' }));

    const db = grid.testDb.db;
    const planState = await eventually(async () => {
      const [b] = await db.rows<{ plan_state: { folds: { testSeason: number; modelId: string; version: number; memberWuIds: number[] }[] } | null }>(sql`
        SELECT plan_state FROM batches WHERE id = ${batchId}::uuid`);
      return b?.plan_state ?? null;
    }, 300_000, 'the ensemble plan to end');
    const wus = await db.rows<{ id: number; season: number; seed: number }>(sql`
      SELECT id, (params->'fold'->>'testSeason')::int AS season, seed FROM work_units WHERE batch_id = ${batchId}::uuid AND state = 'done' ORDER BY id`);
    expect(wus).toHaveLength(4);
    expect(new Set(wus.map((w) => Number(w.seed))).size).toBe(4);
    expect(planState.folds.map((f) => f.testSeason)).toEqual([2018, 2019]);

    for (const f of planState.folds) {
      expect(f.memberWuIds).toEqual(wus.filter((w) => w.season === f.testSeason).map((w) => Number(w.id)));
      const m = await grid.admin.get(`/api/v1/models/${f.modelId}`);
      expect(m.status, m.text).toBe(200);
      const model = m.body.model ?? m.body;
      expect(model).toMatchObject({ name: 'cover', state: 'candidate', lineage: { batchId }, heldOutSeasons: [f.testSeason] });
      expect(model.lineage.wuIds.map(Number)).toEqual(f.memberWuIds);
      const season = model.metrics.seasons[String(f.testSeason)];
      expect(season.plays).toBeGreaterThan(40_000); // the whole held-out season, re-scored by the coordinator
      expect(season.logLoss).toBeLessThan(0.6);
      expect(model.metrics.overall.members).toBe(2);
    }
    const [{ n }] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM models WHERE batch_id = ${batchId}::uuid AND params ? 'ensemble'`);
    expect(n).toBe(2);

    const fold2019 = planState.folds.find((f) => f.testSeason === 2019)!;
    const p = await grid.admin.post(`/api/v1/models/${fold2019.modelId}/promote`, { override: { reason: 'serving an ensemble in a test' } });
    expect(p.status, p.text).toBe(200);
    const artifact = parseCoverArtifact((await grid.admin.get(`/api/v1/models/${fold2019.modelId}/artifact`)).body);
    expect(artifact.format).toBe(ENSEMBLE_FORMAT);
    const expected = coverPredictor(artifact).predict({ lead: 2, line: 5, secondsLeft: 1600 });
    const answer = await eventually(async () => {
      const a = await grid!.admin.post('/game/inference', state);
      return a.body.version === String(fold2019.version) ? a.body : null; // the shipped model is production before
    }, 30_000, 'the promoted ensemble to be served');
    expect(answer.model).toBe('cover');
    expect(answer.cover_probability).toBeCloseTo(expected, 12);
  }, 420_000);
});
