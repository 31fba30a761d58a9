import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '../../../test/support/test-db';
import { coverModelBody, handMadeNet, normalArtifact } from '../../../test/support/models';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';
import { rescorePlays } from '@nfl-grid/shared/learn/rescore';
import { evaluationPlays } from '../models/evaluate';

const shippedBody = () => JSON.parse(readFileSync(join(process.cwd(), 'data', 'models', 'cover', 'cover-grid-2019.json'), 'utf8'));

describe.each(dbKinds())('GET /api/v1/models/:id/calibration (%s)', (kind) => {
  let t: TestApp;
  let shipped: { id: string; metrics: { overall: Record<string, number>; seasons: Record<string, Record<string, number>> } };

  beforeAll(async () => {
    t = await openTestApp(kind);
    const { version: _v, batchId: _b, ...body } = shippedBody(); // its batch is not in this database
    const r = await t.call('POST', '/api/v1/models', { body });
    expect(r.status).toBe(201);
    shipped = r.body;
  });
  afterAll(async () => t?.close());

  it("gives the shipped model's recorded calibration error, bins that add up, and the baseline beside it", async () => {
    const r = await t.call('GET', `/api/v1/models/${shipped.id}/calibration`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ modelId: shipped.id, seasons: [2019], baseline: { name: 'cover-baseline', sigma: 18 } });
    const [s] = r.body.perSeason;
    const recorded = shipped.metrics.seasons['2019']!;
    expect(s).toMatchObject({ season: 2019, heldOut: true });
    expect(s.model.plays).toBe(recorded.plays);
    expect(s.model.calibrationError).toBeCloseTo(recorded.calibrationError!, 7);
    expect(s.model.logLoss).toBeCloseTo(recorded.logLoss!, 7);
    expect(s.model.brier).toBeCloseTo(recorded.brier!, 7);
    expect(r.body.pooled.model.calibrationError).toBeCloseTo(shipped.metrics.overall.calibrationError!, 7);

    // 20 bins 0.05 wide, play-weighted: their counts add up to the plays, and the error is their weighted gap
    for (const side of [s.model, s.baseline]) {
      expect(side.bins).toHaveLength(20);
      expect(side.bins[1]).toMatchObject({ from: 0.05, to: 0.1 });
      expect(side.bins.reduce((a: number, b: { plays: number }) => a + b.plays, 0)).toBe(recorded.plays);
      const gap = side.bins.reduce((a: number, b: { plays: number; meanForecast: number | null; observed: number | null }) =>
        a + (b.plays ? (b.plays / side.plays) * Math.abs(b.meanForecast! - b.observed!) : 0), 0);
      expect(gap).toBeCloseTo(side.calibrationError, 12);
    }
    // on 2019 the shipped network's log loss is lower than the baseline's (by 0.0060 ± 0.0041 per play: within two standard errors)
    expect(s.baseline.plays).toBe(recorded.plays);
    expect(s.delta.meanImprovement).toBeCloseTo(s.baseline.logLoss - s.model.logLoss, 12);
    expect(s.delta.games).toBeGreaterThan(200);
    expect(s.delta.standardError).toBeGreaterThan(0);
    expect(s.delta.meanImprovement).toBeGreaterThan(0);
    expect(s.delta.standardError).toBeLessThan(0.02);
  });

  it('scores a network on every feature of the play, as re-scoring did (not only what a request gives)', async () => {
    const net = handMadeNet(); // reads `down`, which a request cannot give
    const reg = await t.call('POST', '/api/v1/models', { body: coverModelBody(net, { name: 'cover.net' }) });
    const r = await t.call('GET', `/api/v1/models/${reg.body.id}/calibration?season=2018`);
    expect(r.status).toBe(200);
    const expected = rescorePlays(net, evaluationPlays(t.grid.config.inputsDir, [2018]));
    expect(r.body.perSeason[0]).toMatchObject({ season: 2018, heldOut: false });
    expect(r.body.perSeason[0].model.calibrationError).toBeCloseTo(expected.calibrationError, 10);
    expect(r.body.perSeason[0].model.logLoss).toBeCloseTo(expected.logLoss, 10);
  });

  it("agrees with the promotion test's Δ; the baseline itself adds nothing", async () => {
    const worse = await t.call('POST', '/api/v1/models', { body: coverModelBody(normalArtifact(30), { name: 'cover.wide' }) });
    const cal = (await t.call('GET', `/api/v1/models/${worse.body.id}/calibration`)).body.perSeason[0];
    expect(cal.delta.meanImprovement).toBeLessThan(0);
    // the promotion of `cover.wide` has no production version to test against; `cover` does (the analytic fallback)
    const asCover = await t.call('POST', '/api/v1/models', { body: coverModelBody(normalArtifact(30)) });
    const promo = await t.call('POST', `/api/v1/models/${asCover.body.id}/promote`, { body: {} });
    expect(promo.status).toBe(200);
    expect(cal.delta.meanImprovement).toBeCloseTo(promo.body.numbers.meanImprovement, 12);
    expect(cal.delta.games).toBe(promo.body.numbers.games);

    const same = await t.call('POST', '/api/v1/models', { body: coverModelBody(normalArtifact(18), { name: 'cover.same' }) });
    const s = (await t.call('GET', `/api/v1/models/${same.body.id}/calibration`)).body.perSeason[0];
    expect(s.delta).toMatchObject({ meanImprovement: 0, standardError: 0 });
    expect(s.model.calibrationError).toBe(s.baseline.calibrationError);
  }, 60_000);

  it('refuses bad queries naming the field, other roles and unknown models', async () => {
    const bad = await t.call('GET', `/api/v1/models/${shipped.id}/calibration?season=2030`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('season');
    const extra = await t.call('GET', `/api/v1/models/${shipped.id}/calibration?bins=10`);
    expect(extra.status).toBe(400);
    expect(extra.body.error.field).toBe('bins');
    const word = await t.call('GET', `/api/v1/models/${shipped.id}/calibration?season=last`);
    expect(word.body.error.field).toBe('season');
    const vol = await t.user('vera', 'volunteer');
    expect((await t.call('GET', `/api/v1/models/${shipped.id}/calibration`, { key: vol.key })).status).toBe(403);
    const res = await t.user('rhea', 'researcher');
    expect((await t.call('GET', `/api/v1/models/${shipped.id}/calibration`, { key: res.key })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/models/00000000-0000-4000-8000-000000000000/calibration')).status).toBe(404);
  });
});
