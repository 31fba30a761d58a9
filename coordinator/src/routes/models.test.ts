import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '../../../test/support/test-db';
import { coverModelBody, handMadeNet, normalArtifact } from '../../../test/support/models';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';

describe.each(dbKinds())('model registry routes (%s)', (kind) => {
  let t: TestApp;
  let res: { id: string; key: string };
  let vol: { id: string; key: string };
  const served = async () => (await t.call('GET', '/game/model', { key: null })).body;

  beforeAll(async () => {
    t = await openTestApp(kind);
    res = await t.user('rita', 'researcher');
    vol = await t.user('vic', 'volunteer');
  });
  afterAll(async () => t?.close());

  it('registers candidates (admins only) that researchers can read', async () => {
    const r = await t.call('POST', '/api/v1/models', { body: coverModelBody(handMadeNet(), { name: 'cover.net', wuIds: [5, 6] }) });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'cover.net', version: 1, state: 'candidate', lineage: { batchId: null, wuIds: [5, 6] }, heldOutSeasons: [2019] });
    expect(r.body.artifactSha256).toMatch(/^[0-9a-f]{64}$/);
    const again = await t.call('POST', '/api/v1/models', { body: coverModelBody(handMadeNet(), { name: 'cover.net' }) });
    expect(again.body).toMatchObject({ version: 2, artifactSha256: r.body.artifactSha256 });
    expect((await t.call('POST', '/api/v1/models', { key: res.key, body: coverModelBody(normalArtifact(18)) })).status).toBe(403);
    const list = await t.call('GET', '/api/v1/models?name=cover.net', { key: res.key });
    expect(list.body.models.map((m: { version: number }) => m.version)).toEqual([2, 1]);
    expect((await t.call('GET', `/api/v1/models/${r.body.id}`, { key: res.key })).body.id).toBe(r.body.id);
    const art = await t.call('GET', `/api/v1/models/${r.body.id}/artifact`, { key: res.key });
    expect(art.body.format).toBe('nfl-grid.mlp/1');
    expect(art.headers.get('x-artifact-sha256')).toBe(r.body.artifactSha256);
    expect((await t.call('GET', '/api/v1/models', { key: vol.key })).status).toBe(403);
    expect((await t.call('GET', '/api/v1/models/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('refuses artifacts it could not serve, naming the field', async () => {
    const net = handMadeNet();
    const r = await t.call('POST', '/api/v1/models', { body: coverModelBody({ ...net, features: ['t', 'lead', 'line', 'coverZ', 'humidity'] }) });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'bad_artifact', field: 'artifact.features' });
    const extra = await t.call('POST', '/api/v1/models', { body: { ...coverModelBody(normalArtifact(18)), colour: 'red' } });
    expect(extra.body.error).toMatchObject({ code: 'invalid_field', field: 'colour' });
  });

  it('refuses a worse model, ships a better one, and rolls back', async () => {
    expect(await served()).toMatchObject({ model: 'cover-baseline', version: 'analytic', id: null });
    // σ = 30 against the served baseline (σ = 18) on 2019: worse
    const worse = await t.call('POST', '/api/v1/models', { body: coverModelBody(normalArtifact(30)) });
    const kill = await t.call('POST', `/api/v1/models/${worse.body.id}/promote`, { body: {} });
    expect(kill.status).toBe(200);
    expect(kill.body).toMatchObject({ promoted: false, decision: 'kill', against: { name: 'cover-baseline', version: 'analytic' } });
    expect(kill.body.numbers).toMatchObject({ seasons: [2019], alpha: 0.05, permutations: 10_000 });
    expect(kill.body.numbers.plays).toBeGreaterThan(40_000);
    expect(kill.body.numbers.games).toBeGreaterThan(200);
    expect(kill.body.numbers.pValue).toBeLessThan(0.05);
    expect(kill.body.numbers.candidateLogLoss).toBeGreaterThan(kill.body.numbers.productionLogLoss);
    expect(kill.body.model.state).toBe('candidate');
    expect((await served()).model).toBe('cover-baseline');

    // an admin overrides, with a reason in the audit log
    const forced = await t.call('POST', `/api/v1/models/${worse.body.id}/promote`, { body: { override: { reason: 'old model for a comparison' } } });
    expect(forced.body).toMatchObject({ promoted: true, decision: 'kill', override: { reason: 'old model for a comparison', by: 'root' }, model: { state: 'production' } });
    expect(await served()).toMatchObject({ model: 'cover', version: '1', id: worse.body.id });
    const [ev] = await t.grid.db.rows<{ kind: string; data: { override: { reason: string } } }>(sql`SELECT kind, data FROM events WHERE subject = ${worse.body.id} ORDER BY id DESC LIMIT 1`);
    expect(ev).toMatchObject({ kind: 'model.promoted_override', data: { override: { reason: 'old model for a comparison' } } });

    // σ = 18 against that production version: better, shipped
    const better = await t.call('POST', '/api/v1/models', { body: coverModelBody(normalArtifact(18)) });
    const ship = await t.call('POST', `/api/v1/models/${better.body.id}/promote`, { body: {} });
    expect(ship.body).toMatchObject({ promoted: true, decision: 'ship', against: { id: worse.body.id, version: '1' }, model: { state: 'production', replacesId: worse.body.id } });
    expect(ship.body.numbers.meanImprovement).toBeGreaterThan(0);
    expect(await served()).toMatchObject({ model: 'cover', version: '2' });
    expect((await t.call('GET', `/api/v1/models/${worse.body.id}`)).body.state).toBe('archived');
    expect((await t.call('POST', `/api/v1/models/${better.body.id}/promote`, { body: {} })).body.error.code).toBe('already_production');

    // the database itself allows one production version per name
    await expect(t.grid.db.rows(sql`UPDATE models SET state = 'production' WHERE id = ${worse.body.id}`)).rejects.toThrow();

    const back = await t.call('POST', `/api/v1/models/${better.body.id}/rollback`, { body: { reason: 'drill' } });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ archived: { id: better.body.id, state: 'archived' }, production: { id: worse.body.id, state: 'production' }, served: { model: 'cover', version: '1' } });
    expect((await t.call('POST', `/api/v1/models/${better.body.id}/rollback`, { body: {} })).body.error).toMatchObject({ code: 'not_production', field: 'id' });
    // rolling back a version that replaced nothing leaves the analytic baseline
    const last = await t.call('POST', `/api/v1/models/${worse.body.id}/rollback`, { body: {} });
    expect(last.body).toMatchObject({ production: null, served: { model: 'cover-baseline', version: 'analytic' } });
  });

  it('says iterate when there is nothing to tell the models apart, and needs evaluation seasons', async () => {
    const same = await t.call('POST', '/api/v1/models', { body: coverModelBody(normalArtifact(18)) });
    const r = await t.call('POST', `/api/v1/models/${same.body.id}/promote`, { body: {} });
    expect(r.body).toMatchObject({ promoted: false, decision: 'iterate' });
    const none = await t.call('POST', '/api/v1/models', { body: coverModelBody(normalArtifact(18), { heldOutSeasons: [] }) });
    const refused = await t.call('POST', `/api/v1/models/${none.body.id}/promote`, { body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'no_common_holdout', field: 'seasons' });
    const bad = await t.call('POST', `/api/v1/models/${none.body.id}/promote`, { body: { seasons: [2019, 2024] } });
    expect(bad.body.error).toMatchObject({ code: 'invalid_field', field: 'seasons.1' });
    expect((await t.call('POST', `/api/v1/models/${none.body.id}/promote`, { key: res.key, body: {} })).status).toBe(403);
    // the first version of another name has nothing to be tested against
    const first = await t.call('POST', '/api/v1/models', { body: coverModelBody(normalArtifact(18), { name: 'nba.win' }) });
    expect((await t.call('POST', `/api/v1/models/${first.body.id}/promote`, { body: {} })).body.error).toMatchObject({ code: 'no_production', field: 'override' });
    const forced = await t.call('POST', `/api/v1/models/${first.body.id}/promote`, { body: { override: { reason: 'first version' } } });
    expect(forced.body).toMatchObject({ promoted: true, decision: null, numbers: null, against: null });
  });

  it('answers seed 001\'s sport features', async () => {
    const r = await t.call('GET', '/api/models/sport-features/NFL/lstm_weather', { key: res.key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ sport: 'NFL', model_type: 'lstm_weather', defaults: { units: 64, layers: 2, dropout: 0.3 } });
    expect(r.body.features).toContain('sacks');
    const cover = await t.call('GET', '/api/models/sport-features/nfl/cover', { key: res.key });
    expect(cover.body.served_from_request).toEqual(['t', 'lead', 'line', 'leadVsLine', 'coverZ']);
    expect((await t.call('GET', '/api/models/sport-features/NBA/cover', { key: res.key })).body.error).toMatchObject({ code: 'not_found', field: 'model_type' });
    expect((await t.call('GET', '/api/models/sport-features/MLB/ensemble', { key: res.key })).body.error).toMatchObject({ field: 'sport' });
  });
});
